// Advice per lot through HTTP on real PostgreSQL: reserve, clause or nothing from the structures that serve
// the place (demo rows never count), contracts won nearby (DECP), V17 hours; who may read it; one-click apply.
import { DecpImporter, LotAdviceService, newAdviceCache, parseDecp } from '@app/tenders';
import { createTestApp, signUp, TestApp } from '../support/test-app';
import { insertStructure } from '../support/tender-fixtures';

jest.setTimeout(120_000);

type Auth = { Authorization: string };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];
const greenSpaces = [{ code: 'entretien-espaces-verts', inferred: true }];

function tenderBody(communeCode: string) {
  return {
    title: 'Propreté et espaces verts',
    buyer: { name: 'Ville de Lyon', kind: 'public' },
    cpvCodes: ['90910000'],
    executionCommuneCode: communeCode,
    responseDeadline: inDays(30),
    durationMonths: 24,
    lots: [
      { number: 1, title: 'Nettoyage des écoles', sectors: ['nettoyage-locaux'], estimatedAmountEur: 240_000, prestationType: 'PREST', reservation: 'NONE' },
      { number: 2, title: 'Espaces verts', sectors: ['entretien-espaces-verts'], estimatedAmountEur: 1_200_000, prestationType: 'PREST', reservation: 'NONE' },
      { number: 3, title: 'Saisie de données', sectors: ['saisie-donnees'], estimatedAmountEur: 30_000, prestationType: 'PREST', reservation: 'NONE' },
    ],
  };
}

describe('Advice per lot (e2e)', () => {
  let t: TestApp;
  let buyer: { auth: Auth };
  let otherBuyer: { auth: Auth };
  let supplier: { auth: Auth };
  let lyonDraft: string;
  let remoteDraft: string;

  beforeAll(async () => {
    t = await createTestApp();
    [buyer, otherBuyer, supplier] = [await signUp(t, 'buyer'), await signUp(t, 'buyer'), await signUp(t, 'supplier')];
    // Around Lyon: three cleaning EI with declared revenues, ACI doing green spaces (no revenue), two AI.
    await insertStructure(t.dataSource, { name: 'EI Propreté 1', kind: 'EI', communeCode: '69123', sectors: cleaning, annualRevenueEur: 1_000_000 });
    await insertStructure(t.dataSource, { name: 'EI Propreté 2', kind: 'EI', communeCode: '69266', sectors: cleaning, annualRevenueEur: 300_000 });
    await insertStructure(t.dataSource, { name: 'EI Propreté 3', kind: 'EI', communeCode: '69123', sectors: cleaning });
    const aci = await insertStructure(t.dataSource, { name: 'ACI Jardins 1', kind: 'ACI', communeCode: '69123', sectors: greenSpaces });
    await insertStructure(t.dataSource, { name: 'ACI Jardins 2', kind: 'ACI', communeCode: '69266', sectors: greenSpaces });
    await insertStructure(t.dataSource, { name: 'ACI Jardins 3', kind: 'ACI', communeCode: '69123', sectors: greenSpaces });
    await insertStructure(t.dataSource, { name: 'AI Lyon', kind: 'AI', communeCode: '69123' });
    await insertStructure(t.dataSource, { name: 'ETTI Lyon', kind: 'ETTI', communeCode: '69123' });
    await insertStructure(t.dataSource, { name: 'GEIQ Propreté', kind: 'GEIQ', communeCode: '69123', sectors: cleaning });
    // Demo rows never count: five cleaning ESAT with large revenues, marked demo.
    for (let i = 0; i < 5; i++) {
      const { id } = await insertStructure(t.dataSource, { name: `ESAT démo ${i}`, kind: 'ESAT', communeCode: '69123', sectors: cleaning, annualRevenueEur: 5_000_000 });
      await t.dataSource.query(`UPDATE structures SET source = 'demo' WHERE id = $1`, [id]);
    }
    // A green-spaces contract the first ACI won in Lyon (DECP 2019 format): evidence for lot 2.
    const decp = JSON.stringify({
      source: 'test', id: 'T16-ADVICE-1', acheteur: { id: '21690123100011', nom: 'Ville de Lyon' }, nature: 'Marché',
      objet: 'Entretien des parcs', codeCPV: '77310000', procedure: 'Procédure adaptée',
      lieuExecution: { code: '69003', typeCode: 'Code postal', nom: 'Lyon' }, dureeMois: 12, dateNotification: '2019-03-01', montant: 90000,
      titulaires: [{ id: aci.siret, typeIdentifiant: 'SIRET', denominationSociale: 'ACI Jardins 1' }],
    });
    await t.app.get(DecpImporter).importRecords(parseDecp(decp));

    lyonDraft = (await t.http().post('/api/v1/tenders').set(buyer.auth).send(tenderBody('69123')).expect(201)).body.id;
    // Ajaccio: no structure serves it (the Lyon structures have 50 km radii).
    remoteDraft = (await t.http().post('/api/v1/tenders').set(buyer.auth).send(tenderBody('2A004')).expect(201)).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const advice = async (tenderId: string, lot: number) => (await t.http().get(`/api/v1/tenders/${tenderId}/lots/${lot}/advice`).set(buyer.auth).expect(200)).body;

  it('reserves a lot to SIAE when three of them do the trade and one can take it below 30 % of its revenue', async () => {
    const body = await advice(lyonDraft, 1);
    expect(Object.keys(body).sort()).toEqual(['alternatives', 'articles', 'evidence', 'insertionHours', 'reasons', 'recommendation']);
    expect(body.recommendation).toBe('reserve_siae');
    expect(body.articles).toEqual(['L2113-13', 'R2113-7']);
    expect(body.evidence).toMatchObject({
      eligibleServing: { siae: 3, disability: 0, geiq: 1 },
      withKnownCapacity: 2,
      dependencyRatio: 0.12,
      capacityCoverage: 3.25,
      pastContractsNearby: 0,
    });
    expect(body.reasons.join(' ')).toContain('12 % de son chiffre d’affaires');
    expect(body.insertionHours).toMatchObject({ hours: 320, yearlyHours: 160, computed: true });
    const options = body.alternatives.map((a: { option: string }) => a.option);
    expect(options.sort()).toEqual(['award_criterion', 'none', 'reserve_disability', 'social_clause']);
    const disability = body.alternatives.find((a: { option: string }) => a.option === 'reserve_disability');
    expect(disability.allowed).toBe(false); // the five demo ESAT are not counted
  });

  it('says capacity is unknown and relies on contracts won nearby; over 1.2 M€ it explains why', async () => {
    const body = await advice(lyonDraft, 2);
    expect(body.evidence.eligibleServing.siae).toBe(3);
    expect(body.evidence.withKnownCapacity).toBe(0);
    expect(body.evidence.capacityCoverage).toBeNull();
    expect(body.evidence.pastContractsNearby).toBe(1);
    expect(body.recommendation).toBe('reserve_siae');
    expect(body.reasons.join(' ')).toContain('Capacité inconnue');
    expect(body.reasons.join(' ')).toContain('1 marché similaire a déjà été remporté');
  });

  it('recommends no reservation where too few eligible structures do the trade, and nothing where nothing serves', async () => {
    const small = await advice(lyonDraft, 3);
    expect(small.recommendation).toBe('award_criterion');
    const remote = await advice(remoteDraft, 1);
    expect(remote.recommendation).toBe('none');
    expect(remote.evidence.eligibleServing).toEqual({ siae: 0, disability: 0, geiq: 0 });
  });

  it('gives the same advice from the in-memory snapshot a purchase plan uses as from the per-place queries', async () => {
    const advisor = t.app.get(LotAdviceService);
    const cache = newAdviceCache(await advisor.snapshot());
    const place = { communeCode: '69123', location: { lat: 45.758, lon: 4.835 }, department: '69', region: '84', scope: 'commune' as const };
    for (const target of [
      { sectors: ['entretien-espaces-verts'], cpvCodes: ['77310000'], prestationType: 'PREST' as const, amountEur: 600_000, durationMonths: 12 },
      { sectors: ['nettoyage-locaux'], cpvCodes: [], prestationType: 'PREST' as const, amountEur: 120_000, durationMonths: 12 },
    ]) {
      const direct = await advisor.adviseAt(place, target);
      expect(await advisor.adviseAt(place, target, { cache })).toEqual(direct);
    }
    expect((await advisor.adviseAt(place, { sectors: ['entretien-espaces-verts'], cpvCodes: [], prestationType: 'PREST', amountEur: 1, durationMonths: 12 }, { cache })).evidence.pastContractsNearby).toBe(1);
  });

  it('is for the tender’s buyer only, with problem+json errors', async () => {
    await t.http().get(`/api/v1/tenders/${lyonDraft}/lots/1/advice`).expect(401);
    // Drafts are invisible to others (404); on a published tender they are refused (403).
    await t.http().get(`/api/v1/tenders/${lyonDraft}/lots/1/advice`).set(otherBuyer.auth).expect(404);
    await t.http().get(`/api/v1/tenders/${lyonDraft}/lots/9/advice`).set(buyer.auth).expect(404);
    const bad = await t.http().get(`/api/v1/tenders/${lyonDraft}/lots/un/advice`).set(buyer.auth).expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const published = (await t.http().post('/api/v1/tenders').set(buyer.auth).send(tenderBody('69123')).expect(201)).body.id;
    await t.http().post(`/api/v1/tenders/${published}/publish`).set(buyer.auth).expect(200);
    const refused = await t.http().get(`/api/v1/tenders/${published}/lots/1/advice`).set(supplier.auth).expect(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    await t.http().get(`/api/v1/tenders/${published}/lots/1/advice`).set(otherBuyer.auth).expect(403);
    await t.http().get(`/api/v1/tenders/${published}/lots/1/advice`).set(buyer.auth).expect(200);
  });

  it('applies an option in one click to the draft, refuses bad options and others, and changes nothing then', async () => {
    const draft = (await t.http().post('/api/v1/tenders').set(buyer.auth).send(tenderBody('69123')).expect(201)).body.id;
    const before = (await t.http().get(`/api/v1/tenders/${draft}`).set(buyer.auth).expect(200)).body;
    const bad = await t.http().post(`/api/v1/tenders/${draft}/lots/1/advice/apply`).set(buyer.auth).send({ option: 'reserve_everyone' }).expect(400);
    expect(bad.body.errors[0].field).toBe('option');
    await t.http().post(`/api/v1/tenders/${draft}/lots/1/advice/apply`).set(otherBuyer.auth).send({ option: 'reserve_siae' }).expect(404);
    await t.http().post(`/api/v1/tenders/${draft}/lots/1/advice/apply`).send({ option: 'reserve_siae' }).expect(401);
    const unchanged = (await t.http().get(`/api/v1/tenders/${draft}`).set(buyer.auth).expect(200)).body;
    expect(unchanged.lots).toEqual(before.lots);

    const reserved = (await t.http().post(`/api/v1/tenders/${draft}/lots/1/advice/apply`).set(buyer.auth).send({ option: 'reserve_siae' }).expect(200)).body;
    expect(reserved.lots[0].reservation).toBe('L2113-13');
    expect(reserved.lots[1]).toEqual(before.lots[1]);
    const clause = (await t.http().post(`/api/v1/tenders/${draft}/lots/2/advice/apply`).set(buyer.auth).send({ option: 'social_clause' }).expect(200)).body;
    expect(clause.lots[1].socialClause).toEqual({ type: 'EXECUTION_CONDITION' });
    expect(clause.lots[1].insertionHoursRequired).toBe(1200); // 1.2 M€ × 60 % × 5 % ÷ 30 €/h (V17)
    expect(clause.lots[0].reservation).toBe('L2113-13');

    await t.http().post(`/api/v1/tenders/${draft}/publish`).set(buyer.auth).expect(200);
    await t.http().post(`/api/v1/tenders/${draft}/lots/3/advice/apply`).set(buyer.auth).send({ option: 'award_criterion' }).expect(409);
  });
});
