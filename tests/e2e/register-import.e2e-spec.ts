import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoGenerator, REGISTER_FILE, RegisterImporter, readRegister } from '@app/catalogue';
import { ReferenceIndex } from '@app/reference';
import { TestApp, createTestApp, signUp } from '../support/test-app';

// testTimeout in a Jest project config is ignored (it is a global option): set it here.
jest.setTimeout(60_000);

const ADMIN = { email: 'admin@example.org', password: 'mot de passe administrateur' };
const BALUCHON = '80746931700018';

describe('SIAE register import (the full 2020 file)', () => {
  let t: TestApp;
  let importer: RegisterImporter;
  let adminAuth: { Authorization: string };

  beforeAll(async () => {
    t = await createTestApp({ admin: ADMIN });
    importer = new RegisterImporter(t.dataSource, await ReferenceIndex.load());
    const login = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    adminAuth = { Authorization: `Bearer ${login.body.accessToken}` };
  });
  afterAll(() => t.close());

  const count = async (where = 'true'): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS count FROM structures WHERE source = 'register' AND ${where}`))[0].count;

  it('lands every one of the 3,853 rows, flagging bad SIRETs and missing coordinates instead of dropping them', async () => {
    const summary = await importer.import(REGISTER_FILE);
    console.log(`[register-import] full register: ${summary.rows} rows, ${summary.inserted} inserted in ${summary.ms} ms`);
    expect(summary).toMatchObject({ rows: 3853, inserted: 3853, updated: 0, unchanged: 0, skipped: 0, rejected: [] });
    expect(summary.flags).toMatchObject({ INVALID_SIRET: 13, MISSING_LOCATION: 33 });
    expect(await count()).toBe(3853);
    expect(await count(`'INVALID_SIRET' = ANY(flags)`)).toBe(13);
    expect(await count(`'MISSING_LOCATION' = ANY(flags)`)).toBe(33);
    // Rows without coordinates sit at their commune's centre: every structure whose commune is known is on the map.
    expect(await count(`lat IS NULL AND commune_code IS NOT NULL`)).toBe(0);
    expect(await count(`commune_code IS NULL`)).toBe(summary.flags.UNKNOWN_COMMUNE ?? 0);
    // Kinds as in the register; sectors inferred and marked as such; the 50 km area is a default.
    const kinds = await t.dataSource.query(`SELECT kind, count(*)::int AS n FROM structures GROUP BY kind ORDER BY kind`);
    expect(Object.fromEntries(kinds.map((k: { kind: string; n: number }) => [k.kind, k.n]))).toEqual({ ACI: 1815, EI: 944, AI: 620, ETTI: 299, GEIQ: 172, EA: 3 });
    expect(await count(`NOT intervention_area_is_default OR intervention_area <> '{"type":"radius","radiusKm":50}'::jsonb`)).toBe(0);
    expect(await count(`EXISTS (SELECT 1 FROM jsonb_array_elements(sectors) s WHERE s->>'inferred' <> 'true')`)).toBe(0);
    expect(await count(`jsonb_array_length(sectors) > 0`)).toBeGreaterThan(3853 * 0.8);
    expect(await count(`kind IN ('AI','ETTI','GEIQ') AND prestation_types <> '{DISP}'`)).toBe(0);
    expect(await count(`kind IN ('EI','ACI','EA') AND prestation_types <> '{PREST}'`)).toBe(0);
    expect(await count(`open_to_co_contracting OR owner_id IS NOT NULL`)).toBe(0);
    // Every imported structure waits in the search outbox, written in the same transaction.
    const [{ pending }] = await t.dataSource.query(`SELECT count(*)::int AS pending FROM search_outbox WHERE entity = 'structure'`);
    expect(pending).toBe(3853);
  });

  it('serves BALUCHON from the imported register by SIRET, publicly', async () => {
    const res = await t.http().get('/api/v1/structures').query({ siret: BALUCHON }).expect(200);
    expect(res.body.total).toBe(1);
    const baluchon = res.body.items[0];
    expect(baluchon).toMatchObject({
      siret: BALUCHON,
      siren: '807469317',
      name: 'BALUCHON A TABLE CITOYENS',
      brand: 'Baluchon-À table citoyens',
      kind: 'EI',
      naf: '5621Z',
      communeCode: '93063',
      communeName: 'Romainville',
      department: '93',
      region: '11',
      location: { lat: 48.88053, lon: 2.431955 },
      interventionArea: { type: 'radius', radiusKm: 50 },
      interventionAreaIsDefault: true,
      prestationTypes: ['PREST'],
      source: 'register',
      flags: [],
      openToCoContracting: false,
      delistedAt: null,
      contact: { website: 'http://www.baluchon.fr' },
    });
    expect(baluchon.sectors.length).toBeGreaterThan(0);
    expect(baluchon.sectorDetails.every((s: { inferred: boolean }) => s.inferred)).toBe(true);
    expect(baluchon.sectorDetails.map((s: { code: string }) => s.code)).toEqual(baluchon.sectors);
    expect(baluchon).not.toHaveProperty('ownerId');
  });

  it('keeps rows whose SIRET fails the Luhn check, with the SIREN of their first 9 digits', async () => {
    const res = await t.http().get('/api/v1/structures').query({ siret: '12345678901234' }).expect(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ name: 'GEIQ Vertigo Films', siren: '123456789', flags: ['INVALID_SIRET'] });
  });

  it('places a row without coordinates at its commune centre, flagged MISSING_LOCATION', async () => {
    const res = await t.http().get('/api/v1/structures').query({ siret: '34255976200279' }).expect(200);
    const commune = await t.http().get('/api/v1/reference/communes/18197').expect(200);
    expect(res.body.items[0]).toMatchObject({ name: 'ADEF', communeCode: '18197', flags: ['MISSING_LOCATION'], location: commune.body.location });
  });

  it('finds the commune of a row without INSEE code from its town and department', async () => {
    // "GEIQ BATIMENT ALSACE", Strasbourg (67), has coordinates but no code_insee in the register.
    const res = await t.http().get('/api/v1/structures').query({ siret: '48968776400030' }).expect(200);
    expect(res.body.items[0]).toMatchObject({ communeCode: '67482', department: '67', region: '44', flags: [] });
  });

  it('keeps both structures of a SIRET the register lists under two kinds', async () => {
    const res = await t.http().get('/api/v1/structures').query({ siret: '40765547100057' }).expect(200);
    expect(res.body.items.map((s: { kind: string }) => s.kind).sort()).toEqual(['EI', 'ETTI']);
  });

  it('changes nothing when run again: same updated_at and version everywhere, nothing re-enqueued', async () => {
    const snapshot = () =>
      t.dataSource.query(`SELECT max(updated_at) AS updated, sum(version)::int AS versions, count(*)::int AS n,
        (SELECT max(revision) FROM search_outbox) AS revision FROM structures`);
    const before = await snapshot();
    const summary = await importer.import(REGISTER_FILE);
    console.log(`[register-import] re-run: ${summary.unchanged} unchanged in ${summary.ms} ms`);
    expect(summary).toMatchObject({ rows: 3853, inserted: 0, updated: 0, skipped: 0, unchanged: 3853 });
    expect(await snapshot()).toEqual(before);
  });

  it('never overwrites a structure its owner manages; updates unowned rows that changed', async () => {
    const supplier = await signUp(t, 'supplier');
    const baluchon = (await t.http().get('/api/v1/structures').query({ siret: BALUCHON }).expect(200)).body.items[0];
    const claim = await t.http().post(`/api/v1/structures/${baluchon.id}/claims`).set(supplier.auth).send({ message: 'Je suis la gérante' }).expect(201);
    await t.http().post(`/api/v1/structures/${baluchon.id}/claims/${claim.body.id}/approve`).set(adminAuth).expect(200);
    await t.http().patch(`/api/v1/structures/${baluchon.id}`).set(supplier.auth).send({ description: 'Traiteur et restaurant solidaire' }).expect(200);

    // A newer register in which both BALUCHON and LA COLLECTERIE changed name.
    const rows = readRegister(REGISTER_FILE).slice(0, 2);
    rows[0].name = 'BALUCHON (NOUVEAU NOM)';
    rows[1].name = 'LA COLLECTERIE MONTREUIL';
    const columns = Object.keys(rows[0]) as (keyof (typeof rows)[0])[];
    const csv = [columns.join(','), ...rows.map((row) => columns.map((c) => JSON.stringify(row[c])).join(','))].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'register-')), 'register.csv');
    writeFileSync(file, csv);

    const collecterieBefore = (await t.http().get('/api/v1/structures').query({ siret: '75187049400026' })).body.items[0];
    const summary = await importer.import(file);
    expect(summary).toMatchObject({ rows: 2, inserted: 0, updated: 1, skipped: 1, unchanged: 0 });

    const owned = await t.http().get(`/api/v1/structures/${baluchon.id}`).set(supplier.auth).expect(200);
    expect(owned.body).toMatchObject({ name: 'BALUCHON A TABLE CITOYENS', description: 'Traiteur et restaurant solidaire', ownerId: supplier.id });
    const collecterie = (await t.http().get('/api/v1/structures').query({ siret: '75187049400026' })).body.items[0];
    expect(collecterie.name).toBe('LA COLLECTERIE MONTREUIL');
    expect(collecterie.version).toBe(collecterieBefore.version + 1);
  });

  it('adds the demo EA/ESAT catalogue next to the register, idempotently, always source "demo"', async () => {
    const generator = new DemoGenerator(t.dataSource, await ReferenceIndex.load());
    const first = await generator.generate({ count: 60, seed: 2020, companyShare: 0.2 });
    expect(first).toMatchObject({ count: 60, inserted: 60, updated: 0, skipped: 0 });
    const again = await generator.generate({ count: 60, seed: 2020, companyShare: 0.2 });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 60 });
    const kinds = await t.dataSource.query(`SELECT DISTINCT kind FROM structures WHERE source = 'demo' ORDER BY kind`);
    expect(kinds.map((k: { kind: string }) => k.kind)).toEqual(['COMPANY', 'EA', 'ESAT']);
    expect(await count()).toBeGreaterThanOrEqual(3853); // the register is untouched
    const [demo] = (await t.http().get('/api/v1/structures').query({ siret: (await t.dataSource.query(`SELECT siret FROM structures WHERE source = 'demo' LIMIT 1`))[0].siret })).body.items;
    expect(demo).toMatchObject({ source: 'demo', flags: [], interventionAreaIsDefault: false });
    expect(demo.communeName).toEqual(expect.any(String));
  });
});
