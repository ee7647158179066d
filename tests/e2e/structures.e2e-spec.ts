import { hasValidLuhnKey } from '@app/domain';
import { TestApp, createTestApp, signUp } from '../support/test-app';

// testTimeout in a Jest project config is ignored (it is a global option): set it here.
jest.setTimeout(60_000);

const ADMIN = { email: 'admin@example.org', password: 'mot de passe administrateur' };
const PROBLEM = 'application/problem+json';

let sequence = 0;
/** A fresh SIRET with a valid Luhn key, in a range the tests own. */
function newSiret(): string {
  const partial = `98${String(++sequence).padStart(6, '0')}10001`;
  for (let digit = 0; digit <= 9; digit++) if (hasValidLuhnKey(`${partial}${digit}`)) return `${partial}${digit}`;
  throw new Error('unreachable');
}

function body(overrides: Record<string, unknown> = {}) {
  return {
    siret: newSiret(),
    name: 'Les Jardins de Romainville',
    kind: 'ACI',
    communeCode: '93063',
    sectors: ['entretien-espaces-verts'],
    prestationTypes: ['PREST'],
    openToCoContracting: true,
    ...overrides,
  };
}

type Auth = { Authorization: string };

describe('structures (the catalogue)', () => {
  let t: TestApp;
  let supplier: { id: string; auth: Auth };
  let other: { id: string; auth: Auth };
  let buyer: { id: string; auth: Auth };
  let company: { id: string; auth: Auth };
  let admin: Auth;

  beforeAll(async () => {
    t = await createTestApp({ admin: ADMIN });
    [supplier, other, buyer, company] = await Promise.all([signUp(t, 'supplier'), signUp(t, 'supplier'), signUp(t, 'buyer'), signUp(t, 'company')]);
    const login = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    admin = { Authorization: `Bearer ${login.body.accessToken}` };
  });
  afterAll(() => t.close());

  const structureCount = async (): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM structures`))[0].n;
  const outboxRevision = async (id: string): Promise<string | undefined> =>
    (await t.dataSource.query(`SELECT revision FROM search_outbox WHERE entity = 'structure' AND entity_id = $1`, [id]))[0]?.revision;
  const create = async (auth: Auth, overrides: Record<string, unknown> = {}) =>
    (await t.http().post('/api/v1/structures').set(auth).send(body(overrides)).expect(201)).body;
  const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

  describe('POST /api/v1/structures', () => {
    it('creates a structure owned by the supplier, placed from its commune, with declared sectors', async () => {
      const sent = body({ brand: 'Jardins 93', naf: '81.30Z', address: '12 rue de Paris', postCode: '93230' });
      const res = await t.http().post('/api/v1/structures').set(supplier.auth).send(sent).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        siret: sent.siret,
        siren: sent.siret.slice(0, 9),
        name: 'Les Jardins de Romainville',
        brand: 'Jardins 93',
        kind: 'ACI',
        naf: '8130Z',
        communeCode: '93063',
        communeName: 'Romainville',
        department: '93',
        region: '11',
        location: { lat: expect.any(Number), lon: expect.any(Number) },
        interventionArea: { type: 'radius', radiusKm: 50 },
        interventionAreaIsDefault: true,
        sectors: ['entretien-espaces-verts'],
        sectorDetails: [{ code: 'entretien-espaces-verts', label: 'Entretien des espaces verts', inferred: false }],
        prestationTypes: ['PREST'],
        openToCoContracting: true,
        source: 'self',
        flags: [],
        delistedAt: null,
        ownerId: supplier.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const commune = await t.http().get('/api/v1/reference/communes/93063').expect(200);
      expect(res.body.location).toEqual(commune.body.location);
      expect(await outboxRevision(res.body.id)).toBeDefined(); // enqueued for indexing in the same transaction
    });

    it('stores every field of the contract body and returns it', async () => {
      const full = body({
        kind: 'EA',
        interventionArea: { type: 'departments', codes: ['93', '75', '2a'] },
        sectors: ['nettoyage-locaux', 'blanchisserie'],
        prestationTypes: ['PREST', 'BUILD'],
        description: 'Nettoyage de bureaux et blanchisserie',
        offers: [{ title: 'Nettoyage de bureaux', description: 'Quotidien ou hebdomadaire' }, { title: 'Blanchisserie' }],
        clientReferences: [{ name: 'Mairie de Montreuil', year: 2024 }, { name: 'Région Île-de-France' }],
        capacity: { annualRevenueEur: 1_200_000, employees: 40, insertionEmployees: 28, annualInsertionHours: 36_000 },
        labels: ['Qualiopi'],
        networks: ['UNEA', 'Réseau Gesat'],
        contact: { email: 'contact@example.org', phone: '01 23 45 67 89', website: 'https://example.org' },
        openToCoContracting: false,
      });
      const created = await t.http().post('/api/v1/structures').set(supplier.auth).send(full).expect(201);
      const read = await t.http().get(`/api/v1/structures/${created.body.id}`).expect(200);
      expect(read.body).toMatchObject({
        ...full,
        interventionArea: { type: 'departments', codes: ['93', '75', '2A'] },
        interventionAreaIsDefault: false,
      });
    });

    it('lets a company create its structure', async () => {
      const res = await create(company.auth, { kind: 'COMPANY', name: 'Bâtisseurs SAS', sectors: ['renovation-batiment'] });
      expect(res).toMatchObject({ kind: 'COMPANY', ownerId: company.id, source: 'self' });
    });

    it('refuses buyers (403) and anonymous callers (401), writing nothing', async () => {
      const before = await structureCount();
      const asBuyer = await t.http().post('/api/v1/structures').set(buyer.auth).send(body()).expect(403);
      expect(asBuyer.headers['content-type']).toContain(PROBLEM);
      await t.http().post('/api/v1/structures').send(body()).expect(401);
      expect(await structureCount()).toBe(before);
    });

    it('refuses a SIRET with a wrong Luhn key, a short one, and accepts the La Poste exception', async () => {
      const valid = newSiret();
      const wrongKey = `${valid.slice(0, 13)}${(Number(valid[13]) + 1) % 10}`;
      for (const siret of [wrongKey, '1234567890123', '8074693170001A']) {
        const res = await t.http().post('/api/v1/structures').set(supplier.auth).send(body({ siret })).expect(400);
        expect(res.headers['content-type']).toContain(PROBLEM);
        expect(fields(res)).toEqual(['siret']);
      }
      // La Poste establishments: Luhn fails but the digit sum is a multiple of 5.
      const laPoste = await create(supplier.auth, { siret: '35600000052135', name: 'La Poste – plateforme', kind: 'COMPANY' });
      expect(laPoste.siren).toBe('356000000');
      // Spaces typed or pasted around the groups are ignored.
      const spaced = newSiret();
      const res = await create(supplier.auth, { siret: `${spaced.slice(0, 3)} ${spaced.slice(3, 6)} ${spaced.slice(6, 9)} ${spaced.slice(9)}` });
      expect(res.siret).toBe(spaced);
    });

    it('answers 409 for a SIRET already in the catalogue and points to it', async () => {
      const first = await create(supplier.auth);
      const before = await structureCount();
      const res = await t.http().post('/api/v1/structures').set(other.auth).send(body({ siret: first.siret, kind: 'EI' })).expect(409);
      expect(res.headers['content-type']).toContain(PROBLEM);
      expect(res.body).toMatchObject({ status: 409, existingStructureIds: [first.id], errors: [{ field: 'siret', message: expect.any(String) }] });
      expect(await structureCount()).toBe(before);
    });

    it('lists every faulty field at once (commune, sector, kind, capacity, area, unknown field) and writes nothing', async () => {
      const before = await structureCount();
      const res = await t
        .http()
        .post('/api/v1/structures')
        .set(supplier.auth)
        .send(
          body({
            communeCode: '99999',
            sectors: ['entretien-espaces-verts', 'jonglerie'],
            kind: 'SCOP',
            capacity: { employees: -3, annualRevenueEur: -1 },
            prestationTypes: ['PREST', 'SOUS-TRAITANCE'],
            interventionArea: { type: 'radius', radiusKm: 0 },
            offers: [{ title: '' }],
            contact: { email: 'pas-un-email' },
            favouriteColour: 'vert',
          }),
        )
        .expect(400);
      expect(res.headers['content-type']).toContain(PROBLEM);
      expect(fields(res)).toEqual(
        expect.arrayContaining([
          'communeCode',
          'sectors',
          'kind',
          'capacity.employees',
          'capacity.annualRevenueEur',
          'prestationTypes',
          'interventionArea.radiusKm',
          'offers[0].title',
          'contact.email',
          'favouriteColour',
        ]),
      );
      expect(res.body.errors.find((e: { field: string }) => e.field === 'sectors').message).toContain('jonglerie');
      expect(await structureCount()).toBe(before);
    });

    it('validates the intervention area per type', async () => {
      const cases: [unknown, string][] = [
        [{ type: 'radius', radiusKm: 1001 }, 'interventionArea.radiusKm'],
        [{ type: 'radius' }, 'interventionArea.radiusKm'],
        [{ type: 'departments', codes: ['93', '00'] }, 'interventionArea.codes'],
        [{ type: 'departments', codes: [] }, 'interventionArea.codes'],
        [{ type: 'galaxy' }, 'interventionArea.type'],
        ['50km', 'interventionArea'],
        [{ type: 'national', extra: 1 }, 'interventionArea.extra'],
      ];
      for (const [interventionArea, field] of cases) {
        const res = await t.http().post('/api/v1/structures').set(supplier.auth).send(body({ interventionArea })).expect(400);
        expect(fields(res)).toContain(field);
      }
      // Region codes are checked as regions: "69" is a department (Rhône), not a region.
      const unknownRegion = await t.http().post('/api/v1/structures').set(supplier.auth).send(body({ interventionArea: { type: 'regions', codes: ['69'] } })).expect(400);
      expect(fields(unknownRegion)).toEqual(['interventionArea.codes']);
      expect(unknownRegion.body.errors[0].message).toContain('69');
      // Valid areas of every type.
      for (const interventionArea of [{ type: 'radius', radiusKm: 1 }, { type: 'radius', radiusKm: 1000 }, { type: 'regions', codes: ['11', '93'] }, { type: 'national' }]) {
        const created = await create(supplier.auth, { interventionArea });
        expect(created.interventionArea).toEqual(interventionArea);
        expect(created.interventionAreaIsDefault).toBe(false);
      }
    });

    it('answers malformed JSON with 400 and bodies over 1 MiB with 413, writing nothing', async () => {
      const before = await structureCount();
      const malformed = await t.http().post('/api/v1/structures').set(supplier.auth).set('Content-Type', 'application/json').send('{"siret": "8074').expect(400);
      expect(malformed.headers['content-type']).toContain(PROBLEM);
      expect(malformed.body.status).toBe(400);
      const huge = await t.http().post('/api/v1/structures').set(supplier.auth).send(body({ description: 'x'.repeat(1_100_000) })).expect(413);
      expect(huge.headers['content-type']).toContain(PROBLEM);
      expect(await structureCount()).toBe(before);
    });

    it('stores and returns SQL metacharacters in names verbatim', async () => {
      const name = `Robert'); DROP TABLE structures;-- "100%" _x_ \\ ' OR '1'='1`;
      const created = await create(supplier.auth, { name, brand: `%' UNION SELECT * FROM accounts --`, description: '$1 $$ ;' });
      const read = await t.http().get(`/api/v1/structures/${created.id}`).expect(200);
      expect(read.body.name).toBe(name);
      expect(read.body.brand).toBe(`%' UNION SELECT * FROM accounts --`);
      expect(read.body.description).toBe('$1 $$ ;');
      expect(await structureCount()).toBeGreaterThan(0);
    });
  });

  describe('GET', () => {
    it('reads a structure by id without an account, hiding the owner', async () => {
      const created = await create(supplier.auth);
      const res = await t.http().get(`/api/v1/structures/${created.id}`).expect(200);
      expect(res.body).toMatchObject({ id: created.id, siret: created.siret, name: created.name });
      expect(res.body).not.toHaveProperty('ownerId');
      const asOther = await t.http().get(`/api/v1/structures/${created.id}`).set(other.auth).expect(200);
      expect(asOther.body).not.toHaveProperty('ownerId');
      const asAdmin = await t.http().get(`/api/v1/structures/${created.id}`).set(admin).expect(200);
      expect(asAdmin.body.ownerId).toBe(supplier.id);
    });

    it('answers 404 for unknown ids, as problem+json', async () => {
      const unknown = await t.http().get('/api/v1/structures/00000000-0000-4000-8000-000000000000').expect(404);
      expect(unknown.headers['content-type']).toContain(PROBLEM);
      await t.http().get('/api/v1/structures/not-a-uuid').expect(404);
    });

    it('finds structures by SIRET publicly, and lists the caller\'s own with mine=true', async () => {
      const mine = await create(other.auth, { name: 'Structure de l’autre fournisseur' });
      const bySiret = await t.http().get('/api/v1/structures').query({ siret: mine.siret }).expect(200);
      expect(bySiret.body).toMatchObject({ total: 1, page: 1, perPage: 20, items: [{ id: mine.id }] });
      const none = await t.http().get('/api/v1/structures').query({ siret: newSiret() }).expect(200);
      expect(none.body).toMatchObject({ total: 0, items: [] });
      const own = await t.http().get('/api/v1/structures').query({ mine: 'true' }).set(other.auth).expect(200);
      expect(own.body.items.map((s: { id: string }) => s.id)).toContain(mine.id);
      expect(own.body.items.every((s: { ownerId: string }) => s.ownerId === other.id)).toBe(true);
      await t.http().get('/api/v1/structures').query({ mine: 'true' }).expect(401);
      const bad = await t.http().get('/api/v1/structures').query({ siret: '123', perPage: 500 }).expect(400);
      expect(fields(bad)).toEqual(expect.arrayContaining(['siret', 'perPage']));
    });
  });

  describe('PATCH /api/v1/structures/:id', () => {
    it('changes only the fields sent; a declared area is no longer a default; declared sectors replace inferred ones', async () => {
      const created = await create(supplier.auth, { description: 'avant' });
      // As if it came from the register: inferred sectors.
      await t.dataSource.query(`UPDATE structures SET sectors = '[{"code":"nettoyage-locaux","inferred":true}]' WHERE id = $1`, [created.id]);
      const revision = await outboxRevision(created.id);
      const res = await t
        .http()
        .patch(`/api/v1/structures/${created.id}`)
        .set(supplier.auth)
        .send({ interventionArea: { type: 'radius', radiusKm: 25 }, sectors: ['entretien-espaces-verts', 'elagage-abattage'], capacity: { employees: 12 } })
        .expect(200);
      expect(res.body).toMatchObject({
        name: created.name,
        description: 'avant',
        interventionArea: { type: 'radius', radiusKm: 25 },
        interventionAreaIsDefault: false,
        sectors: ['entretien-espaces-verts', 'elagage-abattage'],
        sectorDetails: [
          { code: 'entretien-espaces-verts', inferred: false, label: expect.any(String) },
          { code: 'elagage-abattage', inferred: false, label: expect.any(String) },
        ],
        capacity: { employees: 12 },
        version: created.version + 1,
      });
      expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThan(new Date(created.updatedAt).getTime());
      expect(BigInt((await outboxRevision(created.id))!)).toBeGreaterThan(BigInt(revision!));
    });

    it('moves the structure when its commune changes, and clears optional text with null', async () => {
      const created = await create(supplier.auth, { brand: 'Marque', description: 'texte' });
      const res = await t.http().patch(`/api/v1/structures/${created.id}`).set(supplier.auth).send({ communeCode: '69123', brand: null }).expect(200);
      const lyon = await t.http().get('/api/v1/reference/communes/69123').expect(200);
      expect(res.body).toMatchObject({ communeCode: '69123', communeName: 'Lyon', department: '69', region: '84', location: lyon.body.location, brand: null, description: 'texte' });
    });

    it('validates like creation, refuses null on required fields and the SIRET, and changes nothing', async () => {
      const created = await create(supplier.auth);
      const res = await t
        .http()
        .patch(`/api/v1/structures/${created.id}`)
        .set(supplier.auth)
        .send({ communeCode: '00000', interventionArea: { type: 'radius', radiusKm: 5000 }, capacity: { annualInsertionHours: -10 }, name: null, siret: newSiret() })
        .expect(400);
      expect(fields(res)).toEqual(expect.arrayContaining(['communeCode', 'interventionArea.radiusKm', 'capacity.annualInsertionHours', 'name', 'siret']));
      const kind = await t.http().patch(`/api/v1/structures/${created.id}`).set(supplier.auth).send({ kind: 'SARL', sectors: ['inconnu'] }).expect(400);
      expect(fields(kind)).toEqual(expect.arrayContaining(['kind', 'sectors']));
      const nullArea = await t.http().patch(`/api/v1/structures/${created.id}`).set(supplier.auth).send({ interventionArea: null }).expect(400);
      expect(fields(nullArea)).toEqual(['interventionArea']);
      const after = await t.http().get(`/api/v1/structures/${created.id}`).expect(200);
      expect(after.body.version).toBe(created.version);
      expect(after.body.updatedAt).toBe(created.updatedAt);
    });

    it('is refused to other suppliers (403), buyers (403) and anonymous callers (401); admins may edit', async () => {
      const created = await create(supplier.auth);
      const asOther = await t.http().patch(`/api/v1/structures/${created.id}`).set(other.auth).send({ name: 'Piratée' }).expect(403);
      expect(asOther.headers['content-type']).toContain(PROBLEM);
      await t.http().patch(`/api/v1/structures/${created.id}`).set(buyer.auth).send({ name: 'Piratée' }).expect(403);
      await t.http().patch(`/api/v1/structures/${created.id}`).send({ name: 'Piratée' }).expect(401);
      expect((await t.http().get(`/api/v1/structures/${created.id}`)).body.name).toBe(created.name);
      const byAdmin = await t.http().patch(`/api/v1/structures/${created.id}`).set(admin).send({ name: 'Corrigée par l’admin' }).expect(200);
      expect(byAdmin.body).toMatchObject({ name: 'Corrigée par l’admin', ownerId: supplier.id });
      await t.http().patch('/api/v1/structures/00000000-0000-4000-8000-000000000000').set(supplier.auth).send({ name: 'x' }).expect(404);
    });

    it('does not bump the version when nothing changes', async () => {
      const created = await create(supplier.auth);
      const res = await t.http().patch(`/api/v1/structures/${created.id}`).set(supplier.auth).send({ name: created.name }).expect(200);
      expect(res.body.version).toBe(created.version);
    });
  });

  describe('DELETE /api/v1/structures/:id (delisting)', () => {
    it('is refused to others; the owner delists: kept in the database, readable by id, out of listings, reindexed', async () => {
      const created = await create(supplier.auth);
      await t.http().delete(`/api/v1/structures/${created.id}`).set(other.auth).expect(403);
      await t.http().delete(`/api/v1/structures/${created.id}`).set(buyer.auth).expect(403);
      await t.http().delete(`/api/v1/structures/${created.id}`).expect(401);
      const revision = await outboxRevision(created.id);
      const res = await t.http().delete(`/api/v1/structures/${created.id}`).set(supplier.auth).expect(200);
      expect(res.body.delistedAt).toEqual(expect.any(String));
      const read = await t.http().get(`/api/v1/structures/${created.id}`).expect(200);
      expect(read.body.delistedAt).toBe(res.body.delistedAt);
      const [row] = await t.dataSource.query(`SELECT delisted_at FROM structures WHERE id = $1`, [created.id]);
      expect(row.delisted_at).not.toBeNull();
      expect(BigInt((await outboxRevision(created.id))!)).toBeGreaterThan(BigInt(revision!));
      const listed = await t.http().get('/api/v1/structures').query({ perPage: 100 }).expect(200);
      expect(listed.body.items.map((s: { id: string }) => s.id)).not.toContain(created.id);
      // Delisting twice changes nothing more.
      const again = await t.http().delete(`/api/v1/structures/${created.id}`).set(supplier.auth).expect(200);
      expect(again.body.delistedAt).toBe(res.body.delistedAt);
      await t.http().delete('/api/v1/structures/00000000-0000-4000-8000-000000000000').set(supplier.auth).expect(404);
    });

    it('lets an admin delist any structure', async () => {
      const created = await create(other.auth);
      const res = await t.http().delete(`/api/v1/structures/${created.id}`).set(admin).expect(200);
      expect(res.body.delistedAt).not.toBeNull();
    });
  });

  describe('claims of structures nobody owns', () => {
    let unowned: string;
    beforeAll(async () => {
      const [row] = await t.dataSource.query(
        `INSERT INTO structures (siret, siren, name, kind, commune_code, department, region, lat, lon, intervention_area, intervention_area_is_default, source)
         VALUES ($1, $2, 'Régie de quartier importée', 'ACI', '93048', '93', '11', 48.86, 2.44, '{"type":"radius","radiusKm":50}', true, 'register') RETURNING id`,
        [newSiret(), '980000000'],
      );
      unowned = row.id;
    });

    it('records a pending claim, refuses duplicates and non-suppliers', async () => {
      const claim = await t.http().post(`/api/v1/structures/${unowned}/claims`).set(supplier.auth).send({ message: 'Je suis le directeur' }).expect(201);
      expect(claim.body).toMatchObject({ id: expect.any(String), structureId: unowned, accountId: supplier.id, status: 'pending', message: 'Je suis le directeur', decidedAt: null });
      await t.http().post(`/api/v1/structures/${unowned}/claims`).set(supplier.auth).send({}).expect(409);
      await t.http().post(`/api/v1/structures/${unowned}/claims`).set(buyer.auth).send({}).expect(403);
      await t.http().post(`/api/v1/structures/${unowned}/claims`).send({}).expect(401);
      await t.http().post('/api/v1/structures/00000000-0000-4000-8000-000000000000/claims').set(supplier.auth).send({}).expect(404);
      // Claimants see their own claims; admins see all.
      await t.http().post(`/api/v1/structures/${unowned}/claims`).set(other.auth).send({}).expect(201);
      const mine = await t.http().get(`/api/v1/structures/${unowned}/claims`).set(supplier.auth).expect(200);
      expect(mine.body).toHaveLength(1);
      const all = await t.http().get(`/api/v1/structures/${unowned}/claims`).set(admin).expect(200);
      expect(all.body).toHaveLength(2);
    });

    it('lets only an admin approve; approval sets the owner and rejects the competing claims', async () => {
      const claims = (await t.http().get(`/api/v1/structures/${unowned}/claims`).set(admin).expect(200)).body;
      const mineClaim = claims.find((c: { accountId: string }) => c.accountId === supplier.id);
      await t.http().post(`/api/v1/structures/${unowned}/claims/${mineClaim.id}/approve`).set(supplier.auth).expect(403);
      await t.http().patch(`/api/v1/structures/${unowned}`).set(supplier.auth).send({ name: 'Pas encore' }).expect(403);
      const approved = await t.http().post(`/api/v1/structures/${unowned}/claims/${mineClaim.id}/approve`).set(admin).expect(200);
      expect(approved.body).toMatchObject({ status: 'approved', decidedAt: expect.any(String) });
      const structure = await t.http().get(`/api/v1/structures/${unowned}`).set(supplier.auth).expect(200);
      expect(structure.body).toMatchObject({ ownerId: supplier.id, source: 'register' });
      const after = (await t.http().get(`/api/v1/structures/${unowned}/claims`).set(admin).expect(200)).body;
      expect(after.find((c: { accountId: string }) => c.accountId === other.id).status).toBe('rejected');
      // The new owner edits; the owner cannot claim its own structure; another claim is now contested (its owner is told);
      // a decided claim cannot be decided again.
      await t.http().patch(`/api/v1/structures/${unowned}`).set(supplier.auth).send({ openToCoContracting: true }).expect(200);
      await t.http().post(`/api/v1/structures/${unowned}/claims`).set(supplier.auth).send({}).expect(409);
      const contested = await t.http().post(`/api/v1/structures/${unowned}/claims`).set(other.auth).send({}).expect(201);
      expect(contested.body).toMatchObject({ status: 'pending', contested: true });
      await t.http().post(`/api/v1/structures/${unowned}/claims/${mineClaim.id}/approve`).set(admin).expect(409);
      await t.http().post(`/api/v1/structures/${unowned}/claims/00000000-0000-4000-8000-000000000000/approve`).set(admin).expect(404);
    });

    it('lets an admin reject a claim', async () => {
      const created = await t.dataSource.query(
        `INSERT INTO structures (siret, siren, name, kind, intervention_area, source) VALUES ($1, '980000001', 'Autre', 'EI', '{"type":"national"}', 'register') RETURNING id`,
        [newSiret()],
      );
      const claim = await t.http().post(`/api/v1/structures/${created[0].id}/claims`).set(other.auth).send({}).expect(201);
      const rejected = await t.http().post(`/api/v1/structures/${created[0].id}/claims/${claim.body.id}/reject`).set(admin).send({ reason: 'Aucun lien établi' }).expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'Aucun lien établi' });
      const structure = await t.http().get(`/api/v1/structures/${created[0].id}`).set(admin).expect(200);
      expect(structure.body.ownerId).toBeNull();
    });
  });
});
