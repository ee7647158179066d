// Issue 13 item 8 (SIRET squatting) and the claims workflow of issue 15: user-created structures are
// « non vérifiée » until an admin confirms them, and do not count as eligible for reserved lots meanwhile;
// all-zero SIRETs are refused; a SIRET someone else registered can be claimed (admin review, both parties
// notified); the claimant sees where the claim stands; approval makes the claimant owner.
import { type Person, createBidTender, person } from '../support/bid-fixtures';
import { insertStructure } from '../support/tender-fixtures';
import { TestApp, createTestApp } from '../support/test-app';
import { validSiret } from '../support/web-fixtures';
import { BROWSER_ACCEPT, formPage, postForm } from '../support/web-forms';
import request from 'supertest';

jest.setTimeout(120_000);

const ADMIN = { email: 'admin-claims@example.org', password: 'mot de passe administrateur' };

const structureBody = (siret: string, name: string, kind = 'EI') => ({
  siret,
  name,
  kind,
  communeCode: '69266',
  interventionArea: { type: 'radius', radiusKm: 50 },
  sectors: ['nettoyage-locaux'],
  prestationTypes: ['PREST'],
  openToCoContracting: true,
});

describe('SIRET squatting and claims (item 8)', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let squatter: Person;
  let realOwner: Person;
  let otherClaimant: Person;
  let buyer: Person;
  let tenderId: string;
  let squatted: { id: string; siret: string };
  let verifiedEi: { id: string };

  const http = () => t.http();
  const titles = async (who: Person) => (await http().get('/api/v1/notifications').set(who.auth).expect(200)).body.items.map((n: { title: string }) => n.title);
  const candidatesOfLot2 = async () => (await http().get(`/api/v1/tenders/${tenderId}/lots/2/candidates?perPage=100`).expect(200)).body.items as { structure: { id: string }; eligibleForReservation: boolean; reasons: string[] }[];

  beforeAll(async () => {
    t = await createTestApp({ admin: ADMIN });
    const login = await http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    admin = { Authorization: `Bearer ${login.body.accessToken}` };
    [squatter, realOwner, otherClaimant, buyer] = await Promise.all([person(t, 'supplier'), person(t, 'supplier'), person(t, 'company'), person(t, 'buyer')]);
    // A structure the register vouches for (written as the importer would: verified).
    verifiedEi = await insertStructure(t.dataSource, { name: 'Propreté Insertion Villeurbanne', kind: 'EI', communeCode: '69266', sectors: [{ code: 'nettoyage-locaux', inferred: false }], prestationTypes: ['PREST'], openToCoContracting: true });
    tenderId = (await createBidTender(t, buyer)).id; // lot 2: cleaning, reserved L2113-13
  });
  afterAll(() => t.close());

  it('refuses an all-zero SIRET (checksum-valid but nobody’s)', async () => {
    const res = await http().post('/api/v1/structures').set(squatter.auth).send(structureBody('00000000000000', 'Personne')).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('siret');
  });

  it('a structure created by a user is « non vérifiée »', async () => {
    const res = await http().post('/api/v1/structures').set(squatter.auth).send(structureBody(validSiret(), 'EI Inventée')).expect(201);
    squatted = { id: res.body.id, siret: res.body.siret };
    expect(res.body).toMatchObject({ verified: false, source: 'self' });
    expect((await http().get(`/api/v1/structures/${verifiedEi.id}`).expect(200)).body.verified).toBe(true);
  });

  it('an unverified kind is not eligible for a reserved lot: listed with a warning, after verified ones', async () => {
    const items = await candidatesOfLot2();
    const squat = items.findIndex((c) => c.structure.id === squatted.id);
    const real = items.findIndex((c) => c.structure.id === verifiedEi.id);
    expect(squat).toBeGreaterThanOrEqual(0);
    expect(real).toBeGreaterThanOrEqual(0);
    expect(items[squat].eligibleForReservation).toBe(false);
    expect(items[squat].reasons.join(' ')).toMatch(/non vérifiée/);
    expect(items[real].eligibleForReservation).toBe(true);
    expect(real).toBeLessThan(squat);
  });

  let claimId: string;

  it('the real owner, refused on create (409), can claim the SIRET: pending review, both parties told', async () => {
    const refused = await http().post('/api/v1/structures').set(realOwner.auth).send(structureBody(squatted.siret, 'La vraie')).expect(409);
    expect(refused.body.existingStructureIds).toEqual([squatted.id]);
    const res = await http().post(`/api/v1/structures/${squatted.id}/claims`).set(realOwner.auth).send({ message: 'Je suis la gérante, Kbis joint sur demande.' }).expect(201);
    expect(res.body).toMatchObject({ status: 'pending', structureId: squatted.id, contested: true });
    claimId = res.body.id;
    expect(await titles(realOwner)).toContain('Revendication enregistrée');
    expect(await titles(squatter)).toContain('Votre structure est revendiquée');
    // A company may claim too; its claim will be rejected below.
    await http().post(`/api/v1/structures/${squatted.id}/claims`).set(otherClaimant.auth).send({ message: 'C’est nous.' }).expect(201);
  });

  it('GET /structures/mine lists the claimant’s pending claim, with its status', async () => {
    const mine = await http().get('/api/v1/structures/mine').set(realOwner.auth).expect(200);
    expect(mine.body.items).toEqual([]);
    expect(mine.body.claims).toEqual([expect.objectContaining({ id: claimId, structureId: squatted.id, structureName: 'EI Inventée', status: 'pending' })]);
  });

  it('the structure page shows « revendication en cours » and what happens next to the claimant', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const { csrf } = await formPage(agent, '/connexion');
    await postForm(agent, '/connexion', csrf, { email: realOwner.email, password: 'un mot de passe solide' }).expect(303);
    const page = await agent.get(`/structures/${squatted.id}`).set('Accept', BROWSER_ACCEPT).expect(200);
    expect(page.text).toContain('Revendication en cours');
    expect(page.text).toMatch(/administrateur/);
  });

  it('only admins review: the squatter and the claimant cannot approve; admins list pending claims', async () => {
    await http().post(`/api/v1/structures/${squatted.id}/claims/${claimId}/approve`).set(squatter.auth).expect(403);
    await http().post(`/api/v1/structures/${squatted.id}/claims/${claimId}/approve`).set(realOwner.auth).expect(403);
    await http().get('/api/v1/claims?status=pending').set(realOwner.auth).expect(403);
    const list = await http().get('/api/v1/claims?status=pending').set(admin).expect(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(claimId);
    expect(list.body.items.find((c: { id: string }) => c.id === claimId)).toMatchObject({ structureName: 'EI Inventée', contested: true, claimant: { email: realOwner.email } });
  });

  it('the admin review page lists the claim with approve and reject (with a reason) buttons', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const { csrf } = await formPage(agent, '/connexion');
    await postForm(agent, '/connexion', csrf, ADMIN).expect(303);
    const page = await agent.get('/admin/revendications').set('Accept', BROWSER_ACCEPT).expect(200);
    expect(page.text).toContain('EI Inventée');
    expect(page.text).toContain('Approuver');
    expect(page.text).toContain('Rejeter');
    expect(page.text).toContain('name="reason"');
    const supplierAgent = request.agent(t.app.getHttpServer());
    const login = await formPage(supplierAgent, '/connexion');
    await postForm(supplierAgent, '/connexion', login.csrf, { email: squatter.email, password: 'un mot de passe solide' }).expect(303);
    await supplierAgent.get('/admin/revendications').set('Accept', BROWSER_ACCEPT).expect(403);
  });

  it('approval makes the claimant owner (the squatter loses the structure), verifies it and tells them', async () => {
    const res = await http().post(`/api/v1/structures/${squatted.id}/claims/${claimId}/approve`).set(admin).expect(200);
    expect(res.body.status).toBe('approved');
    const structure = (await http().get(`/api/v1/structures/${squatted.id}`).set(realOwner.auth).expect(200)).body;
    expect(structure).toMatchObject({ ownerId: realOwner.id, verified: true });
    await http().patch(`/api/v1/structures/${squatted.id}`).set(squatter.auth).send({ name: 'Encore à moi' }).expect(403);
    await http().patch(`/api/v1/structures/${squatted.id}`).set(realOwner.auth).send({ name: 'La vraie EI' }).expect(200);
    expect(await titles(realOwner)).toContain('Revendication approuvée');
    const mine = await http().get('/api/v1/structures/mine').set(realOwner.auth).expect(200);
    expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([squatted.id]);
    expect(mine.body.claims[0]).toMatchObject({ id: claimId, status: 'approved' });
    // The other claim was rejected in the same decision, and its author told why.
    const other = await http().get('/api/v1/structures/mine').set(otherClaimant.auth).expect(200);
    expect(other.body.claims[0]).toMatchObject({ status: 'rejected' });
    expect(other.body.claims[0].decisionReason).toBeTruthy();
    expect(await titles(otherClaimant)).toContain('Revendication rejetée');
  });

  it('a rejection needs a reason and tells the claimant', async () => {
    const created = await http().post('/api/v1/structures').set(squatter.auth).send(structureBody(validSiret(), 'Autre EI')).expect(201);
    const claim = (await http().post(`/api/v1/structures/${created.body.id}/claims`).set(otherClaimant.auth).send({ message: 'À nous.' }).expect(201)).body;
    const noReason = await http().post(`/api/v1/structures/${created.body.id}/claims/${claim.id}/reject`).set(admin).send({}).expect(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const res = await http().post(`/api/v1/structures/${created.body.id}/claims/${claim.id}/reject`).set(admin).send({ reason: 'Aucun justificatif' }).expect(200);
    expect(res.body).toMatchObject({ status: 'rejected', decisionReason: 'Aucun justificatif' });
  });

  it('an admin verifies a structure: its kind then counts for reserved lots', async () => {
    const created = await http().post('/api/v1/structures').set(realOwner.auth).send(structureBody(validSiret(), 'EI à vérifier')).expect(201);
    await http().post(`/api/v1/structures/${created.body.id}/verify`).set(realOwner.auth).expect(403);
    const res = await http().post(`/api/v1/structures/${created.body.id}/verify`).set(admin).expect(200);
    expect(res.body.verified).toBe(true);
    const items = await candidatesOfLot2();
    expect(items.find((c) => c.structure.id === created.body.id)?.eligibleForReservation).toBe(true);
  });
});
