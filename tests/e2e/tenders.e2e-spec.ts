// Tenders through HTTP on real PostgreSQL: lifecycle draft → published → closed, who may see and change
// what, the derived figures of the contract (V17 hours, V23 procedure, V24 flag) and every validation error.
import { createTestApp, signUp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

type Auth = { Authorization: string };

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

function tenderBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Entretien des espaces verts et nettoyage des locaux',
    description: 'Marché de services de la ville',
    buyer: { name: 'Ville de Lyon', kind: 'public', siret: '21690123100011' },
    cpvCodes: ['77310000-6'],
    executionCommuneCode: '69123',
    responseDeadline: inDays(30),
    startDate: inDays(60).slice(0, 10),
    durationMonths: 24,
    multipleBidsForbidden: false,
    mandataireSolidaireRequired: true,
    lots: [
      {
        number: 1,
        title: 'Espaces verts',
        cpvCodes: ['77310000'],
        estimatedAmountEur: 1_000_000,
        prestationType: 'PREST',
        reservation: 'NONE',
        socialClause: { type: 'EXECUTION_CONDITION', labourShare: 0.5 },
        workPackages: [
          { code: 'TONTE', title: 'Tonte', share: 0.6 },
          { code: 'TAILLE', title: 'Taille des haies', sectors: ['elagage-abattage'], share: 0.4 },
        ],
      },
      {
        number: 2,
        title: 'Nettoyage des locaux',
        sectors: ['nettoyage-locaux'],
        estimatedAmountEur: 300_000,
        prestationType: 'PREST',
        reservation: 'L2113-13',
        socialClause: { type: 'EXECUTION_CONDITION', insertionHours: 1200 },
      },
      {
        number: 3,
        title: 'Nettoyage des vitres',
        cpvCodes: ['90911300'],
        estimatedAmountEur: 250_000,
        prestationType: 'PREST',
        reservation: 'NONE',
      },
    ],
    ...overrides,
  };
}

describe('Tenders (e2e)', () => {
  let t: TestApp;
  let buyer: { id: string; auth: Auth };
  let otherBuyer: { id: string; auth: Auth };
  let supplier: { id: string; auth: Auth };

  beforeAll(async () => {
    t = await createTestApp();
    [buyer, otherBuyer, supplier] = await Promise.all([signUp(t, 'buyer'), signUp(t, 'buyer'), signUp(t, 'supplier')]);
  });

  afterAll(async () => {
    await t?.close();
  });

  const create = (auth: Auth, body: unknown = tenderBody()) => t.http().post('/api/v1/tenders').set(auth).send(body as object);
  const countTenders = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM tenders`))[0].n as number;
  const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  describe('POST /api/v1/tenders', () => {
    it('creates a draft owned by the buyer, with V17 hours, V23 procedure and V24 flag per the contract', async () => {
      const res = await create(buyer.auth).expect(201);
      expect(res.body).toMatchObject({ status: 'draft', source: 'manual', executionCommuneCode: '69123', durationMonths: 24, mandataireSolidaireRequired: true });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(res.body.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(res.body.cpvCodes).toEqual(['77310000-6']);
      const [lot1, lot2, lot3] = res.body.lots;
      // V17: 1 M€ × 50 % × 5 % ÷ 30 €/h = 833 h (MEF Sud 77 worked example).
      expect(lot1.insertionHoursRequired).toBe(833);
      expect(lot1.insertionHoursBasis).toEqual({ computed: true, labourShare: 0.5, insertionRate: 0.05, hourlyCostEur: 30 });
      expect(lot1.effectiveSectors).toContain('entretien-espaces-verts');
      expect(lot1.workPackages).toHaveLength(2);
      // Given hours always win.
      expect(lot2.insertionHoursRequired).toBe(1200);
      expect(lot2.insertionHoursBasis.computed).toBe(false);
      // No clause: nothing required.
      expect(lot3.insertionHoursRequired).toBe(0);
      expect(lot3.effectiveSectors).toContain('nettoyage-vitres');
      // V23 on the value of all lots (1.55 M€ of services ≥ 216 k€ from 2026): formalised procedure.
      expect(lot1.procedure).toMatchObject({ code: 'FORMALISED', euThresholdEur: 216_000, basisEur: 1_550_000 });
      // V24: above the EU threshold after August 2026, lot 3 has no social clause → "possible exception".
      expect(res.body.flags).toEqual([expect.objectContaining({ rule: 'V24', code: 'MISSING_SOCIAL_CLAUSE', lots: [3] })]);
      expect(res.body.flags[0].message).toMatch(/Exception possible/);
    });

    it('computes hours with the labour share of the lot’s sector group when none is given (cleaning: 80 %)', async () => {
      const body = tenderBody({
        lots: [{ number: 1, title: 'Nettoyage', sectors: ['nettoyage-locaux'], estimatedAmountEur: 600_000, prestationType: 'PREST', reservation: 'NONE', socialClause: { type: 'EXECUTION_CONDITION' } }],
      });
      const res = await create(buyer.auth, body).expect(201);
      // 600 000 × 0.8 × 0.05 / 30 = 800 h
      expect(res.body.lots[0].insertionHoursRequired).toBe(800);
      expect(res.body.flags).toEqual([]);
    });

    it('tags a small lot as awardable without publicity (V23)', async () => {
      const body = tenderBody({ lots: [{ number: 1, title: 'Petit lot', estimatedAmountEur: 30_000, prestationType: 'PREST', reservation: 'NONE' }] });
      const res = await create(buyer.auth, body).expect(201);
      expect(res.body.lots[0].procedure.code).toBe('NO_PUBLICITY');
      expect(res.body.lots[0].effectiveSectors).toContain('entretien-espaces-verts');
    });

    it('refuses suppliers (403) and anonymous callers (401)', async () => {
      const before = await countTenders();
      const forbidden = await create(supplier.auth).expect(403);
      expect(forbidden.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.http().post('/api/v1/tenders').send(tenderBody()).expect(401);
      expect(await countTenders()).toBe(before);
    });

    const invalid: [string, Record<string, unknown>, string[]][] = [
      ['no lots', { lots: [] }, ['lots']],
      [
        'duplicate lot numbers',
        { lots: [tenderBody().lots[2], { ...tenderBody().lots[2], title: 'Autre' }] },
        ['lots[1].number'],
      ],
      ['an amount ≤ 0', { lots: [{ ...tenderBody().lots[2], estimatedAmountEur: 0 }, { ...tenderBody().lots[1], estimatedAmountEur: -5 }] }, ['lots[0].estimatedAmountEur', 'lots[1].estimatedAmountEur']],
      [
        'work package shares not summing to 1',
        { lots: [{ ...tenderBody().lots[0], workPackages: [{ code: 'A', title: 'A', share: 0.5 }, { code: 'B', title: 'B', share: 0.49 }] }] },
        ['lots[0].workPackages'],
      ],
      ['an unknown CPV code', { cpvCodes: ['99999999'], lots: [{ ...tenderBody().lots[2], cpvCodes: ['77310000-1'] }] }, ['cpvCodes[0]', 'lots[0].cpvCodes[0]']],
      ['an unknown sector', { lots: [{ ...tenderBody().lots[1], sectors: ['nettoyage-locaux', 'astronautique'] }] }, ['lots[0].sectors[1]']],
      ['an unknown commune', { executionCommuneCode: '99999' }, ['executionCommuneCode']],
      ['a past deadline', { responseDeadline: inDays(-1) }, ['responseDeadline']],
      ['staff provision reserved to EA/ESAT (makes no sense, V13)', { lots: [{ ...tenderBody().lots[2], prestationType: 'DISP', reservation: 'L2113-12' }] }, ['lots[0].reservation']],
      ['an ESS reservation on goods (V16)', { lots: [{ ...tenderBody().lots[2], prestationType: 'BUILD', reservation: 'L2113-15' }] }, ['lots[0].reservation']],
      ['an ESS reservation over 36 months (V16)', { durationMonths: 48, lots: [{ ...tenderBody().lots[2], reservation: 'L2113-15' }] }, ['lots[0].reservation']],
      ['a duration of 0 months', { durationMonths: 0 }, ['durationMonths']],
      ['a duration over 240 months', { durationMonths: 241 }, ['durationMonths']],
      ['an invalid buyer SIRET', { buyer: { name: 'Ville', kind: 'public', siret: '12345678901234' } }, ['buyer.siret']],
      ['an unknown field', { colour: 'bleu' }, ['colour']],
      ['an unknown prestation type', { lots: [{ ...tenderBody().lots[2], prestationType: 'CLEAN' }] }, ['lots[0].prestationType']],
    ];
    it.each(invalid)('answers 400 naming the field for %s, and writes nothing', async (_case, overrides, fields) => {
      const before = await countTenders();
      const res = await create(buyer.auth, tenderBody(overrides)).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.status).toBe(400);
      for (const field of fields) expect(fieldsOf(res.body)).toContain(field);
      expect(await countTenders()).toBe(before);
    });

    it('lists every faulty field of one request together', async () => {
      const res = await create(
        buyer.auth,
        tenderBody({ executionCommuneCode: '00000', responseDeadline: inDays(-3), lots: [{ ...tenderBody().lots[0], cpvCodes: ['12'], workPackages: [{ code: 'A', title: 'A', share: 0.2 }] }] }),
      ).expect(400);
      expect(fieldsOf(res.body)).toEqual(expect.arrayContaining(['executionCommuneCode', 'responseDeadline', 'lots[0].cpvCodes[0]', 'lots[0].workPackages']));
    });
  });

  describe('visibility, editing and lifecycle', () => {
    let id: string;

    beforeAll(async () => {
      id = (await create(buyer.auth).expect(201)).body.id;
    });

    it('shows a draft to its owner only: others and anonymous callers get 404', async () => {
      await t.http().get(`/api/v1/tenders/${id}`).set(buyer.auth).expect(200);
      await t.http().get(`/api/v1/tenders/${id}`).set(otherBuyer.auth).expect(404);
      await t.http().get(`/api/v1/tenders/${id}`).expect(404);
      await t.http().get(`/api/v1/tenders/${id}/lots/1/candidates`).expect(404);
      await t.http().get('/api/v1/tenders/not-a-uuid').expect(404);
    });

    it('lists drafts only for their owner', async () => {
      const mine = await t.http().get('/api/v1/tenders?mine=true&perPage=100').set(buyer.auth).expect(200);
      expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(id);
      const anonymous = await t.http().get('/api/v1/tenders?perPage=100').expect(200);
      expect(anonymous.body.items.map((x: { id: string }) => x.id)).not.toContain(id);
      const other = await t.http().get('/api/v1/tenders?status=draft&perPage=100').set(otherBuyer.auth).expect(200);
      expect(other.body.items.map((x: { id: string }) => x.id)).not.toContain(id);
      await t.http().get('/api/v1/tenders?mine=true').expect(400);
      await t.http().get('/api/v1/tenders?perPage=101').expect(400);
      await t.http().get('/api/v1/tenders?status=archived').expect(400);
    });

    it('lets the owner edit a draft (lots replaced, merged body validated); others get 404 on a draft', async () => {
      await t.http().patch(`/api/v1/tenders/${id}`).set(otherBuyer.auth).send({ title: 'Piraté' }).expect(404);
      await t.http().patch(`/api/v1/tenders/${id}`).set(buyer.auth).send({ durationMonths: 0 }).expect(400);
      const bad = await t.http().patch(`/api/v1/tenders/${id}`).set(buyer.auth).send({ lots: [{ ...tenderBody().lots[2], reservation: 'L2113-15' }], durationMonths: 48 }).expect(400);
      expect(fieldsOf(bad.body)).toContain('lots[0].reservation');
      const res = await t.http().patch(`/api/v1/tenders/${id}`).set(buyer.auth).send({ title: 'Espaces verts 2027', lots: [tenderBody().lots[0]] }).expect(200);
      expect(res.body.title).toBe('Espaces verts 2027');
      expect(res.body.lots.map((l: { number: number }) => l.number)).toEqual([1]);
      expect(res.body.description).toBe('Marché de services de la ville');
    });

    it('publishes (owner only), then everyone sees it and it can no longer be edited (409)', async () => {
      await t.http().post(`/api/v1/tenders/${id}/publish`).set(otherBuyer.auth).expect(404);
      const published = await t.http().post(`/api/v1/tenders/${id}/publish`).set(buyer.auth).expect(200);
      expect(published.body.status).toBe('published');
      expect(published.body.publishedAt).toBeTruthy();
      const anonymous = await t.http().get(`/api/v1/tenders/${id}`).expect(200);
      expect(anonymous.body.ownerId).toBeUndefined();
      const list = await t.http().get('/api/v1/tenders?status=published&q=verts 2027').expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toContain(id);
      expect(list.body).toMatchObject({ page: 1, perPage: 20 });
      // Another buyer sees it but cannot change it.
      await t.http().patch(`/api/v1/tenders/${id}`).set(otherBuyer.auth).send({ title: 'Piraté' }).expect(403);
      await t.http().post(`/api/v1/tenders/${id}/close`).set(otherBuyer.auth).expect(403);
      await t.http().patch(`/api/v1/tenders/${id}`).set(buyer.auth).send({ title: 'Trop tard' }).expect(409);
      await t.http().post(`/api/v1/tenders/${id}/publish`).set(buyer.auth).expect(409);
    });

    it('closes a published tender once', async () => {
      const closed = await t.http().post(`/api/v1/tenders/${id}/close`).set(buyer.auth).expect(200);
      expect(closed.body.status).toBe('closed');
      await t.http().post(`/api/v1/tenders/${id}/close`).set(buyer.auth).expect(409);
      const list = await t.http().get('/api/v1/tenders?status=closed&perPage=100').expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toContain(id);
    });

    it('refuses to close a draft (409) and answers 404 for unknown ids', async () => {
      const draft = (await create(buyer.auth).expect(201)).body.id;
      await t.http().post(`/api/v1/tenders/${draft}/close`).set(buyer.auth).expect(409);
      await t.http().post('/api/v1/tenders/00000000-0000-4000-8000-000000000000/publish').set(buyer.auth).expect(404);
    });
  });
});
