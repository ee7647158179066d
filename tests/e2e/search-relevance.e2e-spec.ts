// Relevance regression test on the REAL register: the judged queries of bench/search/judged-queries.json
// (relevant SIRETs chosen from the register's names, cities and NAF codes), nDCG@10 and recall@10 with floors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegisterImporter } from '@app/catalogue';
import { ReferenceIndex } from '@app/reference';
import { SearchReindexer } from '@app/search';
import { JudgedSet, mean, ndcgAt, recallAt } from '../../bench/search/relevance';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(300_000);

const JUDGED: JudgedSet = JSON.parse(readFileSync(join(__dirname, '../../bench/search/judged-queries.json'), 'utf8'));
/** Set a little below what was measured (see bench/search/README.md), so a regression fails loudly. */
const FLOORS = { ndcg: 0.88, recall: 0.88 };

describe('search relevance on the 2020 SIAE register (PostgreSQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    const summary = await new RegisterImporter(t.dataSource, ReferenceIndex.shared()).import();
    expect(summary.rows).toBe(3853);
    await t.app.get(SearchReindexer).rebuild();
  });
  afterAll(() => t?.close());

  it('the metrics mean what they say', () => {
    expect(ndcgAt(['a', 'b', 'x'], ['a', 'b'])).toBe(1);
    expect(ndcgAt(['x', 'a'], ['a'])).toBeCloseTo(1 / Math.log2(3));
    expect(recallAt(['a', 'x'], ['a', 'b'])).toBe(0.5);
  });

  it(`has at least 30 judged queries and keeps mean nDCG@10 ≥ ${FLOORS.ndcg} and recall@10 ≥ ${FLOORS.recall}`, async () => {
    expect(JUDGED.queries.length).toBeGreaterThanOrEqual(30);
    const lines: string[] = [];
    const ndcgs: number[] = [];
    const recalls: number[] = [];
    for (const judged of JUDGED.queries) {
      const response = await t.http().get('/api/v1/search/structures').query({ ...judged.params, perPage: 10 }).expect(200);
      const ranked = (response.body.hits as { siret: string }[]).map((h) => h.siret);
      const ndcg = ndcgAt(ranked, judged.relevant);
      const recall = recallAt(ranked, judged.relevant);
      ndcgs.push(ndcg);
      recalls.push(recall);
      lines.push(`${ndcg.toFixed(2)}  ${recall.toFixed(2)}  ${JSON.stringify(judged.params)}`);
      if (process.env.DEBUG_RELEVANCE && ndcg < 0.8) {
        for (const hit of response.body.hits as { siret: string; name: string; kind: string; communeName: string; score: number }[]) {
          lines.push(`      ${judged.relevant.includes(hit.siret) ? '+' : '-'} ${hit.score} ${hit.name} (${hit.kind}, ${hit.communeName})`);
        }
      }
    }
    const summary = { queries: JUDGED.queries.length, ndcgAt10: +mean(ndcgs).toFixed(3), recallAt10: +mean(recalls).toFixed(3) };
    console.log(`nDCG@10  R@10  query\n${lines.join('\n')}\n${JSON.stringify(summary)}`);
    expect(summary.ndcgAt10).toBeGreaterThanOrEqual(FLOORS.ndcg);
    expect(summary.recallAt10).toBeGreaterThanOrEqual(FLOORS.recall);
  });

  describe('a town typed in the text', () => {
    type Hit = { name: string; department: string | null; distanceKm?: number };
    const search = (params: Record<string, string>) => t.http().get('/api/v1/search/structures').query({ perPage: 10, ...params }).expect(200);

    it('is read as the place to serve: "netoyage locaux lyon" lists cleaners that work in Lyon, nearest towns included', async () => {
      const { body } = await search({ q: 'netoyage locaux lyon' });
      expect(body.placeFromQuery).toEqual({ code: '69123', name: 'Lyon', matched: 'lyon' });
      const hits = body.hits as Hit[];
      expect(hits.length).toBeGreaterThanOrEqual(3);
      // Every hit serves Lyon, so every one has a distance, and none is across the country (Bastia, Blois…).
      for (const hit of hits) expect(hit.distanceKm).toBeLessThanOrEqual(200);
      expect(hits.filter((h) => h.department === '69').length).toBeGreaterThanOrEqual(hits.length / 2);
    });

    it('reads the same as the explicit servesCommune filter with the remaining words', async () => {
      const typed = await search({ q: 'propreté à Lyon' });
      const filtered = await search({ q: 'propreté', servesCommune: '69123' });
      expect(typed.body.total).toBe(filtered.body.total);
      expect((typed.body.hits as Hit[]).map((h) => h.name)).toEqual((filtered.body.hits as Hit[]).map((h) => h.name));
    });

    it('stays text when asked (placeFromText=false), when a place filter is given, or for an activity word', async () => {
      const words = await search({ q: 'nettoyage lyon', placeFromText: 'false' });
      expect(words.body.placeFromQuery).toBeUndefined();
      expect(words.body.total).toBeGreaterThan((await search({ q: 'nettoyage lyon' })).body.total);
      expect((await search({ q: 'nettoyage lyon', departments: '13' })).body.placeFromQuery).toBeUndefined();
      expect((await search({ q: 'entretien jardin' })).body.placeFromQuery).toBeUndefined();
    });
  });
});
