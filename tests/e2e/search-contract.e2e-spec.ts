// The search contract (issue 3, api-contract.md "Search"), written once and run against each adapter:
// PostgreSQL always, Meilisearch when MEILI_URL is set.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { areaCovers, distanceKm, hasValidLuhnKey } from '@app/domain';
import { StructureEntity, enqueueStructureIndexing } from '@app/persistence';
import { ReferenceIndex } from '@app/reference';
import { MeiliSearchIndex, SEARCH_INDEX, SearchIndex, SearchReindexer, SearchSync, foldText } from '@app/search';
import type { AppConfig } from '@app/config';
import { SEARCH_FIXTURES, StructureFixture, fixtureEntity, insertStructures } from '../support/search-fixtures';
import { TestApp, createTestApp, signUp } from '../support/test-app';
import { uniqueName } from '../support/test-env';

// The e2e project's testTimeout does not reach tests (Jest reads it globally only).
jest.setTimeout(120_000);

const SEARCH = '/api/v1/search/structures';

/** Completes 13 digits with the Luhn key a SIRET needs. */
function luhnSiret(prefix: string): string {
  const key = [...'0123456789'].find((k) => hasValidLuhnKey(`${prefix}${k}`))!;
  return `${prefix}${key}`;
}
const LYON = '69123';

interface Hit {
  id: string;
  siret: string;
  name: string;
  kind: string;
  communeCode: string | null;
  department: string | null;
  sectors: string[];
  prestationTypes: string[];
  distanceKm?: number;
  score: number;
}

function searchContract(engine: 'postgres' | 'meilisearch', overrides: () => Partial<AppConfig>) {
  let t: TestApp;
  let saved: Record<string, StructureEntity>;
  const byId = new Map<string, string>(); // id → fixture key
  const fixtureOf = (key: string) => SEARCH_FIXTURES.find((f) => f.key === key)!;
  const listed = () => SEARCH_FIXTURES.filter((f) => !f.delisted && f.kind !== 'COMPANY');

  const search = async (params: Record<string, string | number | boolean>) => {
    const response = await t.http().get(SEARCH).query(params);
    if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { total: number; page: number; perPage: number; tookMs: number; hits: Hit[]; facets: Record<string, Record<string, number>> };
  };
  const keys = (hits: Hit[]) => hits.map((h) => byId.get(h.id) ?? h.name);
  const all = async (params: Record<string, string | number | boolean>) => keys((await search({ perPage: 100, ...params })).hits).sort();

  beforeAll(async () => {
    t = await createTestApp(overrides());
    saved = await insertStructures(t.dataSource, SEARCH_FIXTURES);
    for (const [key, structure] of Object.entries(saved)) byId.set(structure.id, key);
    await t.app.get(SearchReindexer).rebuild();
  });

  afterAll(async () => {
    if (!t) return;
    const index = t.app.get<SearchIndex>(SEARCH_INDEX);
    if (index instanceof MeiliSearchIndex) await index.drop();
    await t.close();
  });

  describe('full text', () => {
    it('answers the contract shape, public, with the listed inclusive structures only', async () => {
      const body = await search({ q: 'nettoyage' });
      expect(body).toMatchObject({ page: 1, perPage: 20 });
      expect(typeof body.tookMs).toBe('number');
      expect(body.facets).toEqual({});
      const hit = body.hits.find((h) => byId.get(h.id) === 'lyonClean')!;
      expect(hit).toMatchObject({ siret: saved.lyonClean.siret, name: 'Lyon Propreté Insertion', brand: null, kind: 'EI', communeCode: '69383',
        communeName: 'Lyon 3e Arrondissement', department: '69', sectors: ['nettoyage-locaux'], prestationTypes: ['PREST'] });
      expect(typeof hit.score).toBe('number');
      expect(hit.distanceKm).toBeUndefined();
      // delisted and COMPANY never show by default
      expect(keys(body.hits)).not.toContain('delisted');
      expect(keys(body.hits)).not.toContain('company');
      expect(body.total).toBe(body.hits.length);
    });

    it('ignores accents: "néttoyage", "NETTOYAGE" and "nettoyage" find the same structures', async () => {
      const plain = await all({ q: 'nettoyage' });
      expect(plain).toEqual(expect.arrayContaining(['lyonClean', 'villeurbanneClean', 'marseilleClean', 'odd']));
      expect(await all({ q: 'néttoyage' })).toEqual(plain);
      expect(await all({ q: 'NETTOYAGE' })).toEqual(plain);
      expect(await all({ q: 'velo' })).toEqual(['bikes']);
      expect(await all({ q: 'Rhone' })).toContain('greenRhone');
    });

    it('forgives one typo in words of 5+ letters: "netoyage locaux lyon" puts Lyon cleaning first', async () => {
      // Read as words (the town is not taken as the place to serve): the Marseille cleaner matches "netoyage".
      const body = await search({ q: 'netoyage locaux lyon', placeFromText: false });
      expect(keys(body.hits)[0]).toBe('lyonClean');
      expect(keys(body.hits)).toContain('marseilleClean');
      expect(keys(body.hits).indexOf('marseilleClean')).toBeGreaterThan(0);
      expect(await all({ q: 'jardinss' })).toEqual(['greenRhone']);
      expect(await all({ q: 'blanchiserie' })).toEqual(['esat']);
      expect(await all({ q: 'traietur' })).toEqual(['caterer']); // swapped letters
    });

    it('does not stretch short words: a typo in a 4-letter word finds nothing', async () => {
      expect((await search({ q: 'vélp' })).total).toBe(0);
    });

    it('stems French words: plurals and singulars meet ("espace vert" finds "espaces verts")', async () => {
      expect(await all({ q: 'espace vert' })).toEqual(['greenRhone']);
      expect(await all({ q: 'blanchisseries' })).toEqual(['esat']);
      expect(await all({ q: 'buffet' })).toEqual(['caterer']);
    });

    it('searches name, brand, sector labels and groups, offers and description', async () => {
      expect(await all({ q: 'Cyclo Recup' })).toEqual(['bikes']); // brand
      expect(await all({ q: 'ménage quotidien' })).toEqual(['villeurbanneClean']); // offer description
      expect(await all({ q: 'gymnases' })).toEqual(['lyonClean']); // description
      expect(await all({ q: 'vitres' })).toEqual(['villeurbanneClean']); // sector label
      expect(await all({ q: 'paysage' })).toContain('greenRhone'); // sector group label
    });

    it('treats quotes, %, _, \\, SQL and filter syntax as plain text', async () => {
      for (const q of [
        `'; DROP TABLE search_documents; --`,
        `" OR 1=1 --`,
        `100%`,
        `_test_`,
        `\\`,
        `kind = COMPANY OR inclusive = false`,
        `_geoRadius(0, 0, 99999999)`,
        `nettoyage") OR (kind = "COMPANY`,
        `nettoyage & !locaux | (lyon:*)`,
      ]) {
        const body = await search({ q });
        expect(keys(body.hits)).not.toContain('company');
      }
      expect(await all({ q: `O'Brien "Nettoyage" 100%` })).toEqual(['odd']);
      expect(await all({ q: 'kind = COMPANY' })).toEqual([]);
      expect((await search({ q: 'nettoyage' })).total).toBeGreaterThan(0); // the index is still there
    });
  });

  describe('filters', () => {
    it('kinds, sectors, prestationTypes (comma lists or repeated)', async () => {
      expect(await all({ kinds: 'ACI' })).toEqual(['greenRhone', 'villeurbanneClean']);
      expect(await all({ kinds: 'ETTI,ESAT' })).toEqual(['esat', 'interim']);
      const repeated = await t.http().get(`${SEARCH}?kinds=ETTI&kinds=ESAT&perPage=100`).expect(200);
      expect(keys(repeated.body.hits).sort()).toEqual(['esat', 'interim']);
      expect(await all({ sectors: 'entretien-espaces-verts' })).toEqual(['greenRhone']);
      expect(await all({ sectors: 'nettoyage-vitres,blanchisserie' })).toEqual(['esat', 'villeurbanneClean']);
      expect(await all({ prestationTypes: 'DISP' })).toEqual(['interim', 'nowhere']);
      expect(await all({ prestationTypes: 'BUILD' })).toEqual(['bikes', 'esat']);
    });

    it('servesCommune: exactly the structures whose intervention area covers the commune (domain areaCovers)', async () => {
      for (const code of [LYON, '13055', '01053', '75056', '44109']) {
        const commune = ReferenceIndex.shared().commune(code)!;
        const expected = listed()
          .filter((f) => {
            const s = saved[f.key];
            return areaCovers(s.interventionArea, { location: s.lat !== null && s.lon !== null ? { lat: s.lat, lon: s.lon } : null }, commune);
          })
          .map((f) => f.key)
          .sort();
        expect({ code, found: await all({ servesCommune: code }) }).toEqual({ code, found: expected });
      }
      // Lyon: radius (Lyon 3e 30 km, Villeurbanne 20 km), department 69, region 84, national
      expect(await all({ servesCommune: LYON })).toEqual(['bikes', 'greenRhone', 'interim', 'lyonClean', 'villeurbanneClean']);
    });

    it('near + radiusKm: located within the radius of the commune centre, with distances', async () => {
      const lyon = ReferenceIndex.shared().commune(LYON)!.location;
      const body = await search({ near: LYON, radiusKm: 10, perPage: 100 });
      const expected = listed()
        .filter((f) => saved[f.key].lat !== null && distanceKm(lyon, { lat: saved[f.key].lat!, lon: saved[f.key].lon! }) <= 10)
        .map((f) => f.key)
        .sort();
      expect(keys(body.hits).sort()).toEqual(expected);
      expect(expected).toEqual(['greenRhone', 'lyonClean', 'villeurbanneClean']);
      for (const hit of body.hits) expect(hit.distanceKm).toBeLessThanOrEqual(10);
      expect(await all({ near: LYON, radiusKm: 1000 })).not.toContain('nowhere');
      // near alone only sets where distances are measured from
      const withoutRadius = await search({ near: LYON, perPage: 100 });
      expect(withoutRadius.total).toBe(listed().length);
      expect(withoutRadius.hits.find((h) => byId.get(h.id) === 'marseilleClean')!.distanceKm).toBeGreaterThan(250);
    });

    it('departments and regions: where the structure is located', async () => {
      expect(await all({ departments: '69' })).toEqual(['greenRhone', 'lyonClean', 'villeurbanneClean']);
      expect(await all({ departments: '13,75' })).toEqual(['caterer', 'marseilleClean']);
      expect(await all({ regions: '84' })).toEqual(['bikes', 'greenRhone', 'interim', 'lyonClean', 'villeurbanneClean']);
      expect(await all({ regions: '52', departments: '69' })).toEqual([]);
    });

    it('openToCoContracting, inclusiveOnly, minAnnualRevenueEur', async () => {
      expect(await all({ openToCoContracting: true })).toEqual(['bikes', 'caterer', 'lyonClean', 'marseilleClean']);
      expect((await all({ openToCoContracting: false })).length).toBe(listed().length - 4);
      expect(await all({ q: 'nettoyage', inclusiveOnly: false })).toContain('company');
      expect(await all({ kinds: 'COMPANY' })).toEqual(['company']); // asking for the kind means wanting it
      expect(await all({ minAnnualRevenueEur: 1_000_000 })).toEqual(['caterer', 'interim', 'marseilleClean']);
      expect(await all({ minAnnualRevenueEur: 1_000_000, inclusiveOnly: false })).toEqual(['caterer', 'company', 'interim', 'marseilleClean']);
    });

    it('combines text and every filter', async () => {
      expect(
        await all({ q: 'nettoyage', kinds: 'EI,ACI', departments: '69', servesCommune: LYON, openToCoContracting: true, minAnnualRevenueEur: 500_000,
          prestationTypes: 'PREST', sectors: 'nettoyage-locaux', regions: '84', near: LYON, radiusKm: 15 }),
      ).toEqual(['lyonClean']);
    });
  });

  describe('facets', () => {
    it('count each facet under every OTHER filter', async () => {
      const body = await search({ q: 'nettoyage', kinds: 'EI', facets: 'kind,department,sector,prestationType', perPage: 100 });
      expect(keys(body.hits).sort()).toEqual(['lyonClean', 'marseilleClean']);
      expect(body.total).toBe(2);
      // the kind facet ignores kinds=EI: buyers see how many ACI, EA, AI they would get
      expect(body.facets.kind).toEqual({ EI: 2, ACI: 1, AI: 1, EA: 1 });
      // the other facets respect kinds=EI
      expect(body.facets.department).toEqual({ '13': 1, '69': 1 });
      expect(body.facets.sector).toEqual({ 'nettoyage-locaux': 2 });
      expect(body.facets.prestationType).toEqual({ PREST: 2 });
    });

    it('a facet with its own filter set still respects the other facet filters', async () => {
      const body = await search({ kinds: 'ACI,EI', departments: '69', facets: 'kind,department' });
      expect(body.facets.kind).toEqual({ ACI: 2, EI: 1 }); // departments=69 applies
      expect(body.facets.department).toEqual({ '69': 3, '13': 1, '38': 1, '75': 1 }); // kinds applies, not departments
      expect(body.total).toBe(3);
    });
  });

  describe('sorts and pagination', () => {
    it('sort=name orders by name, accents ignored', async () => {
      const body = await search({ sort: 'name', perPage: 100 });
      const names = body.hits.map((h) => foldText(h.name));
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(body.total).toBe(listed().length);
    });

    it('sort=distance orders by distance from near, or from servesCommune', async () => {
      const near = await search({ near: LYON, sort: 'distance', perPage: 100 });
      const distances = near.hits.map((h) => h.distanceKm ?? Infinity);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      expect(keys(near.hits)[0]).toBe('lyonClean');
      expect(keys(near.hits).at(-1)).toBe('nowhere'); // no location: last
      const serves = await search({ servesCommune: '13055', sort: 'distance', perPage: 100 });
      const servesDistances = serves.hits.map((h) => h.distanceKm!);
      expect(servesDistances).toEqual([...servesDistances].sort((a, b) => a - b));
      expect(keys(serves.hits)[0]).toBe('marseilleClean');
    });

    it('sort=relevance (default) ranks better matches higher', async () => {
      const body = await search({ q: 'nettoyage locaux lyon', placeFromText: false });
      expect(keys(body.hits)[0]).toBe('lyonClean');
      const scores = body.hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('paginates without loss or duplicates', async () => {
      const total = listed().length;
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const body = await search({ sort: 'name', perPage: 3, page });
        expect(body).toMatchObject({ total, page, perPage: 3 });
        seen.push(...keys(body.hits));
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      const beyond = await search({ sort: 'name', perPage: 3, page: 50 });
      expect(beyond).toMatchObject({ total, hits: [] });
    });
  });

  describe('export', () => {
    it('CSV: every match (not one page), a header row, a download name', async () => {
      const response = await t.http().get(`${SEARCH}/export`).query({ format: 'csv', q: 'nettoyage', perPage: 1 }).buffer(true).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="structures-inclusives-\d{4}-\d{2}-\d{2}\.csv"$/);
      const rows: string[][] = parse(response.text, { bom: true, delimiter: ';' });
      expect(rows[0]).toEqual(expect.arrayContaining(['SIRET', 'Nom', 'Type', 'Commune', 'Secteurs']));
      const total = (await search({ q: 'nettoyage' })).total;
      expect(rows.length - 1).toBe(total);
      const nameColumn = rows[0].indexOf('Nom');
      expect(rows.slice(1).map((r) => r[nameColumn])).toContain(fixtureOf('odd').name); // quotes and commas survive
      const sectorColumn = rows[0].indexOf('Secteurs');
      expect(rows.slice(1).find((r) => r[nameColumn] === 'Lyon Propreté Insertion')![sectorColumn]).toContain('Nettoyage de locaux');
      // For French spreadsheets: BOM, semicolons, labels rather than codes.
      expect(response.text.startsWith('\uFEFFIdentifiant;SIRET;Nom;')).toBe(true);
      const lyon = rows.slice(1).find((r) => r[nameColumn] === 'Lyon Propreté Insertion')!;
      expect(lyon[rows[0].indexOf('Type')]).toMatch(/\([A-Z]+\)$|^Entreprise/);
      expect(lyon[rows[0].indexOf('Région')]).toBe('Auvergne-Rhône-Alpes');
      expect(lyon[rows[0].indexOf('Types de prestation')]).not.toMatch(/\b(PREST|DISP|BUILD)\b/);
    });

    it('XLSX: every match of the filters, a header row, distance when a place is given', async () => {
      const response = await t
        .http()
        .get(`${SEARCH}/export`)
        .query({ format: 'xlsx', servesCommune: LYON, sort: 'distance' })
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(response.headers['content-disposition']).toMatch(/\.xlsx"$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as unknown as Parameters<typeof workbook.xlsx.load>[0]);
      const sheet = workbook.worksheets[0];
      const values = sheet.getSheetValues().filter(Boolean) as unknown[][];
      const header = values[0].slice(1);
      expect(header).toEqual(expect.arrayContaining(['SIRET', 'Nom', 'Distance (km)']));
      const names = values.slice(1).map((r) => r[header.indexOf('Nom') + 1]);
      expect(names.map((n) => byId.get(Object.values(saved).find((s) => s.name === n)!.id)).sort()).toEqual(await all({ servesCommune: LYON }));
    });
  });

  describe('bad input → 400 problem+json naming the field', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['unknown kind', { kinds: 'EI,SCOP' }, 'kinds'],
      ['unknown sector', { sectors: 'nettoyage-locaux,astronautique' }, 'sectors'],
      ['radius 0', { near: LYON, radiusKm: '0' }, 'radiusKm'],
      ['negative radius', { near: LYON, radiusKm: '-5' }, 'radiusKm'],
      ['radius over 1000', { near: LYON, radiusKm: '1000.5' }, 'radiusKm'],
      ['radius without near', { radiusKm: '10' }, 'radiusKm'],
      ['perPage over 100', { perPage: '101' }, 'perPage'],
      ['perPage 0', { perPage: '0' }, 'perPage'],
      ['page 0', { page: '0' }, 'page'],
      ['page not a number', { page: 'deux' }, 'page'],
      ['distance sort without a place', { sort: 'distance' }, 'sort'],
      ['unknown sort', { sort: 'price' }, 'sort'],
      ['unknown servesCommune', { servesCommune: '99999' }, 'servesCommune'],
      ['unknown near', { near: 'lyon' }, 'near'],
      ['unknown department', { departments: '69,999' }, 'departments'],
      ['unknown region', { regions: '99' }, 'regions'],
      ['unknown facet', { facets: 'kind,price' }, 'facets'],
      ['unknown prestation type', { prestationTypes: 'RENT' }, 'prestationTypes'],
      ['boolean that is not one', { openToCoContracting: 'maybe' }, 'openToCoContracting'],
      ['negative revenue', { minAnnualRevenueEur: '-1' }, 'minAnnualRevenueEur'],
      ['q over 200 characters', { q: 'a'.repeat(201) }, 'q'],
      ['unknown parameter', { color: 'blue' }, 'color'],
    ];
    it.each(cases)('%s', async (_label, params, field) => {
      const response = await t.http().get(SEARCH).query(params).expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, title: expect.any(String) });
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('a 10 KB query string', async () => {
      for (const params of [{ q: 'nettoyage '.repeat(1000) }, { kinds: Array(2500).fill('EI').join(',') }, { q: 'x', pad: 'y'.repeat(10_000) }]) {
        const response = await t.http().get(SEARCH).query(params).expect(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    });

    it('the export validates the same way, plus its format', async () => {
      const badFormat = await t.http().get(`${SEARCH}/export`).query({ format: 'pdf' }).expect(400);
      expect(badFormat.body.errors[0].field).toBe('format');
      const badSort = await t.http().get(`${SEARCH}/export`).query({ sort: 'distance' }).expect(400);
      expect(badSort.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  describe('sync through the outbox and the worker', () => {
    const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number) => {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        if (await check()) return Date.now() - started;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`not searchable within ${timeoutMs} ms`);
    };
    const findsName = (q: string, key?: string) => async () => (await search({ q })).hits.some((h) => (key ? byId.get(h.id) === key : true));

    beforeAll(async () => {
      await t.startWorker();
    });

    it('a new structure is searchable within 5 s of its commit', async () => {
      const created = await insertStructures(t.dataSource, [
        { key: 'fresh', name: 'Recyclerie Zéphyrine', kind: 'ACI', commune: LYON, sectors: ['ressourcerie'] },
      ]);
      byId.set(created.fresh.id, 'fresh');
      t.app.get(SearchSync).nudge();
      const ms = await waitUntil(findsName('zephyrine', 'fresh'), 5000);
      expect(ms).toBeLessThan(5000);
    });

    it('an update replaces the document and a delisting removes it, within 5 s each', async () => {
      const repository = t.dataSource.getRepository(StructureEntity);
      await t.dataSource.transaction(async (manager) => {
        await manager.update(StructureEntity, { id: saved.caterer.id }, { name: 'Saveurs Quetzalcoatl' });
        await enqueueStructureIndexing(manager, saved.caterer.id);
      });
      t.app.get(SearchSync).nudge();
      await waitUntil(findsName('quetzalcoatl', 'caterer'), 5000);
      expect((await search({ q: 'partagées saveurs' })).hits.map((h) => h.name)).not.toContain('Saveurs Partagées');

      await t.dataSource.transaction(async (manager) => {
        await manager.update(StructureEntity, { id: saved.caterer.id }, { delistedAt: new Date() });
        await enqueueStructureIndexing(manager, saved.caterer.id);
      });
      t.app.get(SearchSync).nudge();
      await waitUntil(async () => !(await findsName('quetzalcoatl')()), 5000);
      expect(await repository.countBy({ id: saved.caterer.id })).toBe(1); // delisted, not deleted
    });

    it('without any nudge (lost message, Redis hiccup) the periodic sweep indexes the write within 5 s', async () => {
      const created = await insertStructures(t.dataSource, [
        { key: 'swept', name: 'Menuiserie Xylophage', kind: 'EI', commune: '69266', sectors: ['menuiserie-ebenisterie'] },
      ]);
      byId.set(created.swept.id, 'swept');
      await waitUntil(findsName('xylophage', 'swept'), 5000);
    });

    it('through the catalogue API: a supplier creates, renames and delists a structure; search follows within 5 s', async () => {
      const supplier = await signUp(t, 'supplier');
      const created = await t
        .http()
        .post('/api/v1/structures')
        .set(supplier.auth)
        .send({
          siret: luhnSiret('8123456700001'),
          name: 'Atelier Pangolin Solidaire',
          kind: 'EI',
          communeCode: '69381',
          interventionArea: { type: 'radius', radiusKm: 25 },
          sectors: ['reparation-velos'],
          prestationTypes: ['PREST'],
          openToCoContracting: true,
        })
        .expect(201);
      byId.set(created.body.id, 'pangolin');
      await waitUntil(findsName('pangolin', 'pangolin'), 5000);
      const hit = (await search({ q: 'pangolin', servesCommune: LYON })).hits[0];
      expect(hit).toMatchObject({ name: 'Atelier Pangolin Solidaire', kind: 'EI', communeCode: '69381', sectors: ['reparation-velos'] });

      await t.http().patch(`/api/v1/structures/${created.body.id}`).set(supplier.auth).send({ name: 'Atelier Tamanoir Solidaire' }).expect(200);
      await waitUntil(findsName('tamanoir', 'pangolin'), 5000);
      await waitUntil(async () => !(await findsName('pangolin')()), 5000);

      await t.http().delete(`/api/v1/structures/${created.body.id}`).set(supplier.auth).expect(200);
      await waitUntil(async () => !(await findsName('tamanoir')()), 5000);
    });

    it('rows left claimed by a crashed pass are swept once stale, and every processed row leaves the outbox', async () => {
      const entity = fixtureEntity(t.dataSource, { key: 'crash', name: 'Blanchisserie Ornithorynque', kind: 'ESAT', commune: LYON, sectors: ['blanchisserie'] } as StructureFixture);
      const crashed = await t.dataSource.transaction(async (manager) => {
        const row = await manager.save(entity);
        await enqueueStructureIndexing(manager, row.id);
        // as if a worker had claimed it and died an hour ago
        await manager.query(`UPDATE search_outbox SET claimed_at = now() - interval '1 hour', attempts = 1 WHERE entity_id = $1`, [row.id]);
        return row;
      });
      await waitUntil(findsName('ornithorynque'), 5000);
      await waitUntil(async () => (await t.dataSource.query(`SELECT 1 FROM search_outbox WHERE entity_id = $1`, [crashed.id])).length === 0, 5000);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM search_outbox`);
      expect(n).toBe(0);
    });
  });
}

describe('Search contract — PostgreSQL', () => searchContract('postgres', () => ({ searchEngine: 'postgres' })));

if (process.env.MEILI_URL) {
  describe('Search contract — Meilisearch', () =>
    searchContract('meilisearch', () => ({
      searchEngine: 'meilisearch',
      meiliUrl: process.env.MEILI_URL,
      meiliKey: process.env.MEILI_MASTER_KEY || process.env.MEILI_KEY || undefined,
      meiliIndex: uniqueName('structures_test'),
    })));
} else {
  console.log('Meilisearch suite skipped: MEILI_URL not set');
  describe.skip('Meilisearch suite skipped: MEILI_URL not set', () => {
    it('runs the same contract against Meilisearch', () => undefined);
  });
}
