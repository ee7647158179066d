import { ReferenceIndex, seedCommunes } from '@app/reference';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(60_000);

describe('reference data (public)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists the activity taxonomy with CPV prefixes and NAF codes, without an account', async () => {
    const res = await t.http().get('/api/v1/reference/sectors').expect(200);
    expect(res.body.length).toBeGreaterThanOrEqual(100);
    const codes = new Set(res.body.map((s: { code: string }) => s.code));
    expect(codes.size).toBe(res.body.length);
    for (const sector of res.body) {
      expect(sector).toEqual({ code: expect.any(String), label: expect.any(String), group: expect.any(String), cpvPrefixes: expect.any(Array), nafCodes: expect.any(Array) });
      expect(sector.cpvPrefixes.length + sector.nafCodes.length).toBeGreaterThan(0);
    }
    expect(res.body.find((s: { code: string }) => s.code === 'nettoyage-locaux')).toMatchObject({ group: 'PROPRETE', nafCodes: expect.arrayContaining(['8121Z']) });
  });

  it('lists sector groups with their sectors, every sector in exactly one group', async () => {
    const [groups, sectors] = await Promise.all([t.http().get('/api/v1/reference/sector-groups').expect(200), t.http().get('/api/v1/reference/sectors').expect(200)]);
    expect(groups.body.length).toBeGreaterThanOrEqual(20);
    const grouped = groups.body.flatMap((g: { sectors: string[] }) => g.sectors);
    expect(grouped.sort()).toEqual(sectors.body.map((s: { code: string }) => s.code).sort());
    expect(groups.body.find((g: { code: string }) => g.code === 'ESPACES_VERTS')).toMatchObject({ label: 'Espaces verts et paysage' });
  });

  it('finds communes by name without accents, exact name first, then by population', async () => {
    const lyon = await t.http().get('/api/v1/reference/communes').query({ q: 'lyon' }).expect(200);
    expect(lyon.body).toMatchObject({ page: 1, perPage: 20 });
    expect(lyon.body.items[0]).toEqual({
      code: '69123',
      name: 'Lyon',
      department: '69',
      region: '84',
      postCodes: expect.arrayContaining(['69001']),
      population: expect.any(Number),
      location: { lat: expect.closeTo(45.76, 1), lon: expect.closeTo(4.83, 1) },
    });
    const etienne = await t.http().get('/api/v1/reference/communes').query({ q: 'saint etienne' }).expect(200);
    expect(etienne.body.items[0]).toMatchObject({ code: '42218', name: 'Saint-Étienne' });
    const abbreviated = await t.http().get('/api/v1/reference/communes').query({ q: 'St-Etienne' }).expect(200);
    expect(abbreviated.body.items[0].code).toBe('42218');
    const accents = await t.http().get('/api/v1/reference/communes').query({ q: 'ÉVRY' }).expect(200);
    expect(accents.body.items.map((c: { name: string }) => c.name)).toContain('Évry-Courcouronnes');
  });

  it('finds communes by postcode prefix and paginates', async () => {
    const res = await t.http().get('/api/v1/reference/communes').query({ q: '93230' }).expect(200);
    expect(res.body.items.map((c: { code: string }) => c.code)).toContain('93063'); // Romainville
    const page1 = await t.http().get('/api/v1/reference/communes').query({ q: '69', perPage: 5 }).expect(200);
    const page2 = await t.http().get('/api/v1/reference/communes').query({ q: '69', perPage: 5, page: 2 }).expect(200);
    expect(page1.body.total).toBeGreaterThan(100);
    expect(page1.body.items).toHaveLength(5);
    expect(page2.body.items[0].code).not.toBe(page1.body.items[0].code);
  });

  it('refuses a missing query or a bad page size with 400 naming the field', async () => {
    const missing = await t.http().get('/api/v1/reference/communes').expect(400);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('q');
    const big = await t.http().get('/api/v1/reference/communes').query({ q: 'a', perPage: 1000 }).expect(400);
    expect(big.body.errors.map((e: { field: string }) => e.field)).toContain('perPage');
  });

  it('gives a commune by INSEE code, including Corsica and communes without a centre of their own', async () => {
    const ajaccio = await t.http().get('/api/v1/reference/communes/2A004').expect(200);
    expect(ajaccio.body).toMatchObject({ code: '2A004', name: 'Ajaccio', department: '2A', region: '94' });
    // 15031 was restored in 2025 and has no centre: it is placed at its department's chef-lieu (Aurillac).
    const [restored, aurillac] = await Promise.all([t.http().get('/api/v1/reference/communes/15031').expect(200), t.http().get('/api/v1/reference/communes/15014').expect(200)]);
    expect(restored.body.location).toEqual(aurillac.body.location);
    const unknown = await t.http().get('/api/v1/reference/communes/99999').expect(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });

  it('answers a CPV code with or without its check digit, with the sectors it maps to', async () => {
    const plain = await t.http().get('/api/v1/reference/cpv/77310000').expect(200);
    const checked = await t.http().get('/api/v1/reference/cpv/77310000-6').expect(200);
    expect(plain.body).toEqual(checked.body);
    expect(plain.body).toMatchObject({ code: '77310000-6', label: expect.stringMatching(/espaces verts/i) });
    expect(plain.body.sectors).toContain('entretien-espaces-verts');
    await t.http().get('/api/v1/reference/cpv/77310000-1').expect(404); // wrong check digit
    await t.http().get('/api/v1/reference/cpv/99999999').expect(404);
    const malformed = await t.http().get('/api/v1/reference/cpv/7731').expect(400);
    expect(malformed.body.errors[0].field).toBe('code');
  });

  it('lists departments and regions for the pages', async () => {
    const [departments, regions] = await Promise.all([t.http().get('/api/v1/reference/departments').expect(200), t.http().get('/api/v1/reference/regions').expect(200)]);
    // The 101 departments plus the overseas collectivities the register also covers (975, 978…).
    expect(departments.body.length).toBeGreaterThanOrEqual(101);
    expect(departments.body).toContainEqual({ code: '93', name: 'Seine-Saint-Denis', region: '11' });
    expect(departments.body).toContainEqual({ code: '2A', name: 'Corse-du-Sud', region: '94' });
    expect(departments.body.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['971', '974', '976']));
    expect(regions.body.length).toBeGreaterThanOrEqual(18);
    expect(regions.body).toContainEqual({ code: '11', name: 'Île-de-France' });
  });

  it('has loaded every commune into the database (structures reference them)', async () => {
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM communes`);
    expect(count).toBeGreaterThan(34_900);
    const [paris] = await t.dataSource.query(`SELECT name, department, post_codes FROM communes WHERE code = '75056'`);
    expect(paris).toMatchObject({ name: 'Paris', department: '75' });
  });

  it('re-seeds communes idempotently: a second load writes nothing', async () => {
    const result = await seedCommunes(t.dataSource, (await ReferenceIndex.load()).allCommunes);
    expect(result).toMatchObject({ total: 35_014, written: 0 });
  });
});
