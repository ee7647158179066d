// The Meilisearch adapter's requests, recorded through the client's httpClient hook (no server needed;
// the shared contract suite runs against a real Meilisearch when MEILI_URL is set).
import { MEILI_SETTINGS, MeiliSearchIndex } from './meili-search-index';
import { searchQuery } from '../search-query';
import type { StructureDocument } from '../structure-document';

interface Call {
  method: string;
  path: string;
  body: any;
}

function fakeMeili(answer: (call: Call) => unknown) {
  const calls: Call[] = [];
  let task = 0;
  const httpClient = async (url: URL | string, init?: RequestInit) => {
    const u = new URL(String(url));
    const call = { method: init?.method ?? 'GET', path: u.pathname + u.search, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    if (call.method === 'GET' && u.pathname.startsWith('/tasks/')) {
      const uid = Number(u.pathname.split('/')[2]);
      return answer(call) ?? { uid, status: 'succeeded', type: 'x', indexUid: 'x' };
    }
    const custom = answer(call);
    if (custom !== undefined) return custom;
    return { taskUid: ++task, indexUid: 'structures', status: 'enqueued', type: 'x', enqueuedAt: new Date().toISOString() };
  };
  return { calls, index: new MeiliSearchIndex({ host: 'http://meili.test', index: 'structures', httpClient: httpClient as never }) };
}

const doc = (id: string): StructureDocument => ({
  id, siret: '80746931700018', name: 'Baluchon', brand: null, kind: 'EI', inclusive: true, nameSort: 'baluchon', communeCode: '93063',
  communeName: 'Romainville', city: 'Romainville', department: '93', departmentName: 'Seine-Saint-Denis', region: '11', regionName: 'Île-de-France',
  location: { lat: 48.88, lon: 2.43 }, sectors: ['traiteur'], sectorLabels: ['Traiteur'], sectorGroups: ['Restauration'], sectorKeywords: [],
  offerTitles: [], offerDescriptions: [], description: null, prestationTypes: ['PREST'], openToCoContracting: true, annualRevenueEur: null,
  website: null, area: { type: 'radius', radiusKm: 50, departments: [], regions: [] },
});

describe('MeiliSearchIndex requests', () => {
  it('upserts with _geo and flat area fields, and resolves only once the task succeeded', async () => {
    const { calls, index } = fakeMeili(() => undefined);
    await index.upsert([doc('a')]);
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/indexes/structures/documents?primaryKey=id' });
    expect(calls[0].body[0]).toMatchObject({ id: 'a', _geo: { lat: 48.88, lng: 2.43 }, areaType: 'radius', areaRadiusKm: 50 });
    expect(calls[0].body[0].area).toBeUndefined();
    expect(calls[1]).toMatchObject({ method: 'GET', path: '/tasks/1' });
  });

  it('fails the write when the engine reports the task failed (the outbox row stays for a retry)', async () => {
    const { index } = fakeMeili((call) =>
      call.path.startsWith('/tasks/') ? { uid: 1, status: 'failed', error: { message: 'disk full', code: 'x' } } : undefined,
    );
    await expect(index.remove(['a'])).rejects.toThrow(/failed: disk full/);
  });

  it('asks facets under the other filters in one multi-search, and never sends query syntax', async () => {
    const { calls, index } = fakeMeili((call) => {
      if (call.path !== '/multi-search') return undefined;
      return {
        results: call.body.queries.map((q: { facets?: string[] }) => ({
          hits: [],
          totalHits: 3,
          facetDistribution: Object.fromEntries((q.facets ?? []).map((f) => [f, { X: 1, Y: 2 }])),
        })),
      };
    });
    const result = await index.search(searchQuery({ q: '"nettoyage" -lyon kind = "EI"', kinds: ['EI'], regions: ['84'], facets: ['kind', 'department'] }));
    const [main, kindFacet] = calls.find((c) => c.path === '/multi-search')!.body.queries;
    expect(main).toMatchObject({ q: 'nettoyage lyon kind ei', filter: '(inclusive = true) AND (region IN ["84"]) AND (kind IN ["EI"])', facets: ['department'] });
    expect(kindFacet).toMatchObject({ filter: '(inclusive = true) AND (region IN ["84"])', facets: ['kind'], hitsPerPage: 0 });
    expect(result.facets).toEqual({ kind: { Y: 2, X: 1 }, department: { Y: 2, X: 1 } });
    expect(result.total).toBe(3);
  });

  it('sorts by _geoPoint for distance and by the folded name for name', async () => {
    const { calls, index } = fakeMeili((call) => (call.path === '/multi-search' ? { results: [{ hits: [], totalHits: 0 }] } : undefined));
    const lyon = { code: '69123', name: 'Lyon', department: '69', region: '84', location: { lat: 45.75, lon: 4.83 } };
    await index.search(searchQuery({ near: lyon, sort: 'distance' }));
    await index.search(searchQuery({ sort: 'name' }));
    const queries = calls.filter((c) => c.path === '/multi-search').map((c) => c.body.queries[0].sort);
    expect(queries).toEqual([['_geoPoint(45.75, 4.83):asc'], ['nameSort:asc']]);
  });

  it('rebuilds into a new index with the settings, then swaps it in and drops the old one', async () => {
    const { calls, index } = fakeMeili(() => undefined);
    async function* batches() {
      yield [doc('a'), doc('b')];
      yield [doc('c')];
    }
    expect(await index.rebuild(batches(), 3)).toBe(3);
    const writes = calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path.replace(/_rebuild_\d+/, '_rebuild')}`);
    expect(writes).toEqual([
      'POST /indexes',
      'POST /indexes',
      'PATCH /indexes/structures_rebuild/settings',
      'POST /indexes/structures_rebuild/documents?primaryKey=id',
      'POST /indexes/structures_rebuild/documents?primaryKey=id',
      'POST /swap-indexes',
      'DELETE /indexes/structures_rebuild',
    ]);
    expect(calls.find((c) => c.path.endsWith('/settings'))!.body).toEqual(MEILI_SETTINGS);
    expect(calls.find((c) => c.path === '/swap-indexes')!.body).toEqual([{ indexes: ['structures', expect.stringMatching(/^structures_rebuild_\d+$/)] }]);
  });
});
