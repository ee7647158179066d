// Ranked candidates for a lot, through HTTP on real PostgreSQL: who serves the execution place (radius,
// departments, regions, national), who may answer a reserved lot (V13), and how they are ranked and why.
import { DecpImporter, parseDecp } from '@app/tenders';
import { createTestApp, signUp, TestApp } from '../support/test-app';
import { insertStructure } from '../support/tender-fixtures';

jest.setTimeout(120_000);

type Auth = { Authorization: string };
type Candidate = { structure: { id: string; name: string; kind: string; demo: boolean }; score: number; scoreBreakdown: Record<string, number>; distanceKm: number | null; reasons: string[]; eligibleForReservation: boolean };

const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];

describe('Candidates of a lot (e2e)', () => {
  let t: TestApp;
  let buyer: { auth: Auth };
  let tenderId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    buyer = await signUp(t, 'buyer');
    const add = async (key: string, fields: Parameters<typeof insertStructure>[1]) => {
      const { id, siret } = await insertStructure(t.dataSource, fields);
      ids[key] = id;
      return siret;
    };
    // Around Lyon (execution place 69123).
    await add('declaredEI', { name: 'Propreté Villeurbanne EI', kind: 'EI', communeCode: '69266', interventionArea: { type: 'radius', radiusKm: 30 }, sectors: cleaning, prestationTypes: ['PREST'], annualRevenueEur: 600_000, openToCoContracting: true });
    const aciSiret = await add('inferredACI', { name: 'Chantier propreté Lyon', kind: 'ACI', communeCode: '69123', sectors: [{ code: 'nettoyage-locaux', inferred: true }] });
    await add('unrelatedEI', { name: 'Jardins de Lyon', kind: 'EI', communeCode: '69123', sectors: [{ code: 'entretien-espaces-verts', inferred: false }], prestationTypes: ['PREST'] });
    await add('unknownTradeEI', { name: 'EI sans activité déclarée', kind: 'EI', communeCode: '69266' });
    await add('guessedFarACI', { name: 'Jardins du Forez', kind: 'ACI', communeCode: '42218', interventionArea: { type: 'radius', radiusKm: 80 }, sectors: [{ code: 'entretien-espaces-verts', inferred: true }] });
    await add('geiq', { name: 'GEIQ Propreté Rhône', kind: 'GEIQ', communeCode: '69123', sectors: cleaning });
    await add('eiti', { name: 'EITI Services Lyon', kind: 'EITI', communeCode: '69123', sectors: cleaning });
    await add('esat', { name: 'ESAT du Rhône', kind: 'ESAT', communeCode: '69123', sectors: cleaning });
    await add('ai', { name: 'AI Emplois Lyon', kind: 'AI', communeCode: '69123', sectors: [{ code: 'mise-a-disposition-personnel', inferred: false }], prestationTypes: ['DISP'] });
    await add('company', { name: 'Grande Propreté SA', kind: 'COMPANY', communeCode: '69123', sectors: cleaning, annualRevenueEur: 10_000_000 });
    await add('delisted', { name: 'Ancienne EI', kind: 'EI', communeCode: '69123', sectors: cleaning, delisted: true });
    // Far away, reaching Lyon only through their declared area.
    await add('farEI', { name: 'Propreté Marseille', kind: 'EI', communeCode: '13055', sectors: cleaning });
    await add('nationalEI', { name: 'Propreté France EI', kind: 'EI', communeCode: '13055', interventionArea: { type: 'national' }, sectors: cleaning });
    await add('departmentACI', { name: 'ACI Paris-Rhône', kind: 'ACI', communeCode: '75056', interventionArea: { type: 'departments', codes: ['69'] }, sectors: cleaning });
    await add('regionACI', { name: 'ACI Auvergne-Rhône-Alpes', kind: 'ACI', communeCode: '75056', interventionArea: { type: 'regions', codes: ['84'] }, sectors: cleaning });
    // A generated demo ESAT next door, declaring everything: it must not compete with real structures.
    await add('demoESAT', { name: 'ESAT démo Lyon', kind: 'ESAT', communeCode: '69123', sectors: cleaning, prestationTypes: ['PREST'], annualRevenueEur: 5_000_000, openToCoContracting: true, source: 'demo' });
    // Register rows in Bourg-en-Bresse (~60 km): the import's default 50 km radius is a guess, kept a little beyond.
    await add('defaultRadiusACI', { name: 'ACI Bourg propreté', kind: 'ACI', communeCode: '01053', sectors: [{ code: 'nettoyage-locaux', inferred: true }], source: 'register', areaIsDefault: true });
    await add('declaredRadiusEI', { name: 'EI Bourg propreté', kind: 'EI', communeCode: '01053', interventionArea: { type: 'radius', radiusKm: 50 }, sectors: cleaning });
    await add('otherRegionACI', { name: 'ACI Île-de-France', kind: 'ACI', communeCode: '75056', interventionArea: { type: 'regions', codes: ['11'] }, sectors: cleaning });

    // A contract the ACI won in Lyon (DECP 2019 format): evidence for its reasons.
    const decp = JSON.stringify({
      source: 'test', id: 'T4-EVIDENCE-1', acheteur: { id: '21690123100011', nom: 'Ville de Lyon' }, nature: 'Marché',
      objet: 'Nettoyage des écoles', codeCPV: '90911200', procedure: 'Procédure adaptée',
      lieuExecution: { code: '69003', typeCode: 'Code postal', nom: 'Lyon' }, dureeMois: 12, dateNotification: '2019-03-01', montant: 80000,
      titulaires: [{ id: aciSiret, typeIdentifiant: 'SIRET', denominationSociale: 'Chantier propreté Lyon' }],
    });
    await t.app.get(DecpImporter).importRecords(parseDecp(decp));

    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await t.http().post('/api/v1/tenders').set(buyer.auth).send({
      title: 'Propreté des bâtiments municipaux', buyer: { name: 'Ville de Lyon', kind: 'public' }, cpvCodes: ['90910000'],
      executionCommuneCode: '69123', responseDeadline: deadline, durationMonths: 24,
      lots: [
        { number: 1, title: 'Nettoyage', sectors: ['nettoyage-locaux'], estimatedAmountEur: 200_000, prestationType: 'PREST', reservation: 'NONE' },
        { number: 2, title: 'Nettoyage réservé SIAE', sectors: ['nettoyage-locaux'], estimatedAmountEur: 100_000, prestationType: 'PREST', reservation: 'L2113-13' },
        { number: 3, title: 'Renfort de personnel', cpvCodes: ['79620000'], estimatedAmountEur: 100_000, prestationType: 'DISP', reservation: 'NONE' },
      ],
    }).expect(201);
    tenderId = created.body.id;
    await t.http().post(`/api/v1/tenders/${tenderId}/publish`).set(buyer.auth).expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  const candidates = async (lot: number, query = 'perPage=100') => {
    const res = await t.http().get(`/api/v1/tenders/${tenderId}/lots/${lot}/candidates?${query}`).expect(200);
    return res.body as { total: number; page: number; perPage: number; items: Candidate[] };
  };
  const keysOf = (items: Candidate[]) => items.map((c) => Object.keys(ids).find((k) => ids[k] === c.structure.id));

  it('lists the structures that serve the place (radius, departments, regions, national) and may do the work', async () => {
    const res = await candidates(1);
    // Out: delisted, out of area (a declared 50 km radius), companies and demo structures (by default), and
    // structures whose declared trades are unrelated (the green-spaces EI, the staff-provision AI). Kept: an
    // unknown trade, rows whose sectors are only inferred (a guess), and a register row a little beyond its
    // default radius (also a guess).
    expect(new Set(keysOf(res.items))).toEqual(
      new Set(['declaredEI', 'inferredACI', 'unknownTradeEI', 'guessedFarACI', 'geiq', 'eiti', 'esat', 'nationalEI', 'departmentACI', 'regionACI', 'defaultRadiusACI']),
    );
    expect(res.total).toBe(11);
    const national = res.items.find((c) => c.structure.id === ids.nationalEI)!;
    expect(national.distanceKm).toBeGreaterThan(250);
    expect(national.distanceKm).toBeLessThan(300);
  });

  it('ranks by the fitted, explained score: local structures whose trade matches first, a guessed trade or area lower', async () => {
    const { items } = await candidates(1);
    const position = (key: string) => items.findIndex((c) => c.structure.id === ids[key]);
    // Same commune (Villeurbanne), same kind: the declared cleaning trade beats an unknown one.
    expect(position('declaredEI')).toBeLessThan(position('unknownTradeEI'));
    expect(items[position('unknownTradeEI')].reasons).toContain('Activités non renseignées : métier à vérifier');
    // A guessed trade that does not match, and a row beyond its guessed radius, come after the local cleaners.
    for (const local of ['declaredEI', 'inferredACI', 'esat']) {
      expect(position(local)).toBeLessThan(position('guessedFarACI'));
      expect(position(local)).toBeLessThan(position('defaultRadiusACI'));
    }
    for (let i = 1; i < items.length; i++) expect(items[i - 1].score).toBeGreaterThanOrEqual(items[i].score);
    for (const c of items) expect(Object.values(c.scoreBreakdown).reduce((a, b) => a + b, 0)).toBeCloseTo(c.score, 5);

    const aci = items[position('inferredACI')];
    expect(aci.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Secteur déduit de son activité/),
        expect.stringMatching(/^À (moins de )?[\d,]+ km du lieu d'exécution/),
        "Située dans la commune du lieu d'exécution",
        "Atelier et chantier d'insertion (ACI) : type habituel pour le nettoyage",
        'A remporté 1 marché similaire à moins de 30 km',
      ]),
    );
    // A buyer looks for a supplier: openness to co-contracting is not a criterion of this list.
    expect(items.every((c) => !('openness' in c.scoreBreakdown) && !c.reasons.includes('Ouverte à la co-traitance'))).toBe(true);
    expect(items[position('guessedFarACI')].reasons).toContain('Aucun des secteurs du lot parmi ses activités');
    expect(items[position('defaultRadiusACI')].reasons).toContain('Au-delà de son rayon d’intervention par défaut (50 km, une estimation de l’import) : zone à confirmer');
  });

  it('leaves demo structures out unless includeDemo=true, and marks them', async () => {
    const plain = await candidates(1);
    expect(keysOf(plain.items)).not.toContain('demoESAT');
    expect(plain.items.every((c) => c.structure.demo === false)).toBe(true);
    const withDemo = await candidates(1, 'perPage=100&includeDemo=true');
    expect(withDemo.total).toBe(12);
    expect(withDemo.items.find((c) => c.structure.id === ids.demoESAT)?.structure.demo).toBe(true);
    await t.http().get(`/api/v1/tenders/${tenderId}/lots/1/candidates?includeDemo=maybe`).expect(400);
  });

  it('leaves companies out unless includeCompanies=true', async () => {
    const withCompanies = await candidates(1, 'perPage=100&includeCompanies=true');
    expect(withCompanies.total).toBe(12);
    expect(keysOf(withCompanies.items)).toContain('company');
  });

  it('excludes kinds a reserved lot refuses (GEIQ, ESAT, COMPANY for L2113-13) and keeps uncertain ones with a warning', async () => {
    const res = await candidates(2, 'perPage=100&includeCompanies=true');
    const keys = keysOf(res.items);
    expect(keys).not.toContain('geiq');
    expect(keys).not.toContain('esat');
    expect(keys).not.toContain('company');
    expect(res.items.every((c) => c.eligibleForReservation)).toBe(true);
    const eiti = res.items.find((c) => c.structure.id === ids.eiti)!;
    expect(eiti.reasons.some((r) => r.startsWith('Éligibilité à vérifier'))).toBe(true);
    const ei = res.items.find((c) => c.structure.id === ids.declaredEI)!;
    expect(ei.reasons.some((r) => /éligible à un lot réservé aux SIAE/.test(r))).toBe(true);
  });

  it('favours staff-provision kinds for a staff-provision lot (V21)', async () => {
    const { items } = await candidates(3);
    expect(items[0].structure.id).toBe(ids.ai);
    expect(items[0].reasons).toContain('Association intermédiaire (AI) : type habituel pour la mise à disposition de personnel');
    const aci = items.find((c) => c.structure.id === ids.inferredACI)!;
    expect(aci.reasons).toContain("Atelier et chantier d'insertion (ACI) : type peu habituel pour la mise à disposition de personnel");
    // Declared cleaning only: not a candidate for staff provision.
    expect(keysOf(items)).not.toContain('declaredEI');
  });

  it('never drops a structure for a declared unrelated trade being a guess; drops it when the trade is declared', async () => {
    // Saint-Étienne (~50 km) with an 80 km radius serves Lyon; its only trade is green spaces, but inferred: kept, low.
    expect(keysOf((await candidates(1)).items)).toContain('guessedFarACI');
    expect(keysOf((await candidates(1)).items)).not.toContain('unrelatedEI');
    expect(keysOf((await candidates(3)).items)).toContain('inferredACI');
  });

  it('paginates the ranked list', async () => {
    const all = await candidates(1);
    const page = await candidates(1, 'page=2&perPage=3');
    expect(page).toMatchObject({ total: 11, page: 2, perPage: 3 });
    expect(page.items.map((c) => c.structure.id)).toEqual(all.items.slice(3, 6).map((c) => c.structure.id));
  });

  it('answers 404 for an unknown lot or tender and 400 for bad parameters', async () => {
    await t.http().get(`/api/v1/tenders/${tenderId}/lots/9/candidates`).expect(404);
    await t.http().get('/api/v1/tenders/00000000-0000-4000-8000-000000000000/lots/1/candidates').expect(404);
    await t.http().get(`/api/v1/tenders/${tenderId}/lots/abc/candidates`).expect(400);
    await t.http().get(`/api/v1/tenders/${tenderId}/lots/1/candidates?perPage=0`).expect(400);
  });

  it('shows the contracts a structure won, with a distance filter (GET /structures/:id/contracts)', async () => {
    const res = await t.http().get(`/api/v1/structures/${ids.inferredACI}/contracts`).expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({ title: 'Nettoyage des écoles', source: 'decp-2019', amountEur: 80000, notifiedOn: '2019-03-01' });
    const near = await t.http().get(`/api/v1/structures/${ids.inferredACI}/contracts?near=69266&radiusKm=20&cpv=90910000`).expect(200);
    expect(near.body.total).toBe(1);
    expect(near.body.items[0].distanceKm).toBeLessThan(20);
    const far = await t.http().get(`/api/v1/structures/${ids.inferredACI}/contracts?near=13055&radiusKm=20`).expect(200);
    expect(far.body.total).toBe(0);
    const none = await t.http().get(`/api/v1/structures/${ids.declaredEI}/contracts`).expect(200);
    expect(none.body).toMatchObject({ total: 0, items: [] });
    await t.http().get(`/api/v1/structures/${ids.inferredACI}/contracts?near=99999`).expect(400);
    await t.http().get('/api/v1/structures/00000000-0000-4000-8000-000000000000/contracts').expect(404);
  });
});
