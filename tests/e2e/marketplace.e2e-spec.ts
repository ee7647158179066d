// The marketplace loop (issue 15), through the HTTP API against real PostgreSQL, Redis, the real worker and
// an SMTP sink: a buyer publishes → the owners of the best candidates are alerted (not a structure that
// does not serve the place, never a demo row) → two say « intéressé », one « pas intéressé » with a reason
// → the buyer is told twice and reads the list → a company asks for a partner on the board → a supplier
// asks for contact, the company accepts → a bid workspace starts from the contact → submit → the buyer
// is told. Then the authorisation and bad-input cases of each endpoint.
import { AlertsService } from '@app/marketplace';
import { type Person, createOwnedStructure, inDays, person, villeurbanneTender } from '../support/bid-fixtures';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../support/smtp-sink';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(120_000);

const unfold = (text: string) => text.replace(/=?\r?\n/g, '');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('marketplace loop: alerts, interests, partner board', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let buyer: Person, greensA: Person, greensB: Person, greensC: Person, faraway: Person, demoOwner: Person, company: Person, outsider: Person;
  const s: Record<string, { id: string; name: string }> = {};
  let tenderId: string;
  let requestId: string;
  let contactId: string;
  let bidId: string;

  const http = () => t.http();
  const notificationsOf = async (p: Person, type?: string) =>
    (await http().get('/api/v1/notifications?perPage=100').set(p.auth).expect(200)).body.items.filter((n: { type: string }) => !type || n.type === type);
  const mailsTo = (p: Person) => sink.messages.filter((m) => m.to.includes(p.email));

  async function alertsDone(id: string) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [row] = await t.dataSource.query(`SELECT alerts_status FROM tenders WHERE id = $1`, [id]);
      if (row.alerts_status === 'done') return;
      if (Date.now() > deadline) throw new Error(`alerts still ${row.alerts_status}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp({ smtpUrl: sink.url, mailFrom: 'Marché inclusif <no-reply@test.local>', alerts: { perLot: 20, sweepEveryMs: 200 } });
    await t.startWorker();
    [buyer, greensA, greensB, greensC, faraway, demoOwner, company, outsider] = await Promise.all([
      person(t, 'buyer'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'company'),
      person(t, 'supplier'),
    ]);
    s.a = await createOwnedStructure(t, greensA, { name: 'Jardins de Vénissieux', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    s.b = await createOwnedStructure(t, greensB, { name: 'Espaces Verts Solidaires', kind: 'EI', sectors: ['entretien-espaces-verts'] });
    s.c = await createOwnedStructure(t, greensC, { name: 'Atelier Vert ESAT', kind: 'ESAT', sectors: ['entretien-espaces-verts'] });
    // Serves only around Marseille: not a candidate of a tender in Villeurbanne.
    s.far = await createOwnedStructure(t, faraway, { name: 'Calanques Nature', kind: 'ACI', communeCode: '13055', sectors: ['entretien-espaces-verts'] });
    // A demo row (generated data) with an owner: never alerted.
    s.demo = await createOwnedStructure(t, demoOwner, { name: 'Démo Paysages', kind: 'EI', sectors: ['entretien-espaces-verts'] });
    await t.dataSource.query(`UPDATE structures SET source = 'demo' WHERE id = $1`, [s.demo.id]);
    s.company = await createOwnedStructure(t, company, { name: 'Paysages du Rhône SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts'] });
    s.outsider = await createOwnedStructure(t, outsider, { name: 'Propreté Phocéenne', kind: 'EI', communeCode: '13055', sectors: ['nettoyage-locaux'] });
  });

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  describe('the journey', () => {
    it('publishing alerts the owners of the best candidates, by e-mail with a link that needs no login', async () => {
      const created = await http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title: 'Entretien des parcs de Villeurbanne' })).expect(201);
      tenderId = created.body.id;
      const started = Date.now();
      await http().post(`/api/v1/tenders/${tenderId}/publish`).set(buyer.auth).expect(200);
      // Off the request path: publishing does not wait for the fan-out.
      expect(Date.now() - started).toBeLessThan(2000);
      await alertsDone(tenderId);

      const mails: SinkMessage[] = [];
      for (const owner of [greensA, greensB, greensC]) mails.push(await sink.waitFor((m) => m.to.includes(owner.email) && m.subject.includes('Entretien des parcs de Villeurbanne')));
      for (const [i, mail] of mails.entries()) {
        expect(mail.subject).toBe('Nouvel appel d’offres : Entretien des parcs de Villeurbanne');
        expect(mail.text).toContain(`« ${[s.a, s.b, s.c][i].name} » fait partie des mieux placées`);
        expect(mail.headers['list-unsubscribe']).toMatch(/\/alertes\/desabonnement\//);
      }
      expect(unfold(mails[0].text)).toContain(`Ouvrir : ${t.config.publicUrl}/appels-d-offres/lien/`);
      const link = /\/appels-d-offres\/lien\/[\w-]+\.[\w-]+/.exec(unfold(mails[0].text))![0];
      const page = await http().get(link).expect(200);
      expect(page.text).toContain('Entretien des parcs de Villeurbanne');
      expect(page.text).toContain('Répondre à l’acheteur');
      await http().get('/appels-d-offres/lien/not-a-token').expect(404);

      for (const owner of [greensA, greensB, greensC]) expect(await notificationsOf(owner, 'TENDER_ALERT')).toEqual([expect.objectContaining({ tenderId, link: expect.stringMatching(/^\/appels-d-offres\/lien\//) })]);
      // Not the structure that does not serve Villeurbanne, not the demo row, not the company (never listed as an inclusive supplier).
      for (const other of [faraway, demoOwner, company, outsider, buyer]) {
        expect(await notificationsOf(other, 'TENDER_ALERT')).toEqual([]);
        expect(mailsTo(other)).toEqual([]);
      }
    });

    it('the fan-out is idempotent: announcing the tender again tells nobody twice', async () => {
      await t.dataSource.query(`UPDATE tenders SET alerts_status = 'pending' WHERE id = $1`, [tenderId]);
      await alertsDone(tenderId);
      await sleep(500);
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM notifications WHERE tender_id = $1 AND type = 'TENDER_ALERT'`, [tenderId]);
      expect(count).toBe(3);
      expect(sink.messages.filter((m) => m.subject.startsWith('Nouvel appel d’offres')).length).toBe(3);
    });

    it('two structures say « intéressé », one « pas intéressé » with a reason; the buyer is told twice', async () => {
      await http().post(`/api/v1/tenders/${tenderId}/interests`).set(greensA.auth).send({ structureId: s.a.id, lots: [1], status: 'interested' }).expect(200);
      const b = await http().post(`/api/v1/tenders/${tenderId}/interests`).set(greensB.auth).send({ structureId: s.b.id, lots: [1], status: 'interested' }).expect(200);
      expect(b.body).toMatchObject({ tenderId, status: 'interested', lots: [1], structure: { id: s.b.id, name: s.b.name } });
      await http()
        .post(`/api/v1/tenders/${tenderId}/interests`)
        .set(greensC.auth)
        .send({ structureId: s.c.id, lots: [1], status: 'not_interested', reason: 'Plan de charge complet jusqu’en septembre' })
        .expect(200);

      const told = await notificationsOf(buyer, 'TENDER_INTEREST');
      expect(told.map((n: { title: string }) => n.title).sort()).toEqual([
        '2 structures sont intéressées par « Entretien des parcs de Villeurbanne »',
        'Une première structure est intéressée par « Entretien des parcs de Villeurbanne »',
      ]);
      await sink.waitFor((m) => m.to.includes(buyer.email) && m.subject.startsWith('2 structures sont intéressées'));
      expect(mailsTo(buyer).filter((m) => m.subject.includes('intéressée'))).toHaveLength(2);
    });

    it('an answer changes until the deadline; changing one’s mind does not re-announce a count', async () => {
      await http().post(`/api/v1/tenders/${tenderId}/interests`).set(greensB.auth).send({ structureId: s.b.id, lots: [1], status: 'not_interested', reason: 'Finalement non' }).expect(200);
      await http().post(`/api/v1/tenders/${tenderId}/interests`).set(greensB.auth).send({ structureId: s.b.id, lots: [1], status: 'interested' }).expect(200);
      expect(await notificationsOf(buyer, 'TENDER_INTEREST')).toHaveLength(2);
    });

    it('the buyer reads the counts and the list, and exports it', async () => {
      const res = await http().get(`/api/v1/tenders/${tenderId}/interests`).set(buyer.auth).expect(200);
      expect(res.body.counts).toEqual({ interested: 2, notInterested: 1, total: 3 });
      expect(res.body.items.map((i: { structure: { name: string }; status: string }) => [i.structure.name, i.status]).sort()).toEqual([
        ['Atelier Vert ESAT', 'not_interested'],
        ['Espaces Verts Solidaires', 'interested'],
        ['Jardins de Vénissieux', 'interested'],
      ]);
      const refused = res.body.items.find((i: { status: string }) => i.status === 'not_interested');
      expect(refused.reason).toBe('Plan de charge complet jusqu’en septembre');
      // The buyer can reach them: the structure's contact, else its owner's address.
      expect(refused.structure.contactEmail).toBe(greensC.email);

      const csv = await http().get(`/api/v1/tenders/${tenderId}/interests/export`).set(buyer.auth).expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('Structure,SIRET,Type,Département,Réponse,Lots,Raison,Contact,Répondu le,Fiche');
      expect(lines).toHaveLength(4);
      expect(csv.text).toContain('pas intéressé');
    });

    it('a company posts a partner request; others read it without the author’s identity', async () => {
      const res = await http()
        .post(`/api/v1/tenders/${tenderId}/partner-requests`)
        .set(company.auth)
        .send({ structureId: s.company.id, lots: [1], seeking: { kinds: ['ACI', 'EI'], share: 0.4 }, message: 'Nous cherchons une SIAE pour la taille des haies (40 % du lot).' })
        .expect(201);
      requestId = res.body.id;
      expect(res.body).toMatchObject({ mine: true, author: { id: s.company.id }, seeking: { kinds: ['ACI', 'EI'], share: 0.4 }, status: 'open' });

      const seen = await http().get(`/api/v1/tenders/${tenderId}/partner-requests`).set(greensA.auth).expect(200);
      expect(seen.body.items).toHaveLength(1);
      expect(seen.body.items[0]).toMatchObject({ id: requestId, author: null, mine: false, myContacts: [], message: expect.stringContaining('taille des haies') });
      expect(seen.body.items[0].contacts).toBeUndefined();
      expect(JSON.stringify(seen.body)).not.toContain(s.company.name);
      expect(JSON.stringify(seen.body)).not.toContain(s.company.id);
      // Signed-in users only.
      await http().get(`/api/v1/tenders/${tenderId}/partner-requests`).expect(401);
    });

    it('a supplier asks for contact, the company is told who asks and accepts; then both see each other', async () => {
      const asked = await http().post(`/api/v1/partner-requests/${requestId}/contacts`).set(greensA.auth).send({ structureId: s.a.id, message: 'Nous faisons de la taille toute l’année.' }).expect(201);
      contactId = asked.body.id;
      expect(asked.body).toMatchObject({ status: 'pending', structure: { id: s.a.id } });
      await http().post(`/api/v1/partner-requests/${requestId}/contacts`).set(greensA.auth).send({ structureId: s.a.id }).expect(409);

      const mail = await sink.waitFor((m) => m.to.includes(company.email) && m.subject === 'Une structure souhaite s’associer avec vous');
      expect(mail.text).toContain('« Jardins de Vénissieux » (ACI');
      const mine = await http().get(`/api/v1/partner-requests/${requestId}`).set(company.auth).expect(200);
      expect(mine.body.contacts).toEqual([expect.objectContaining({ id: contactId, status: 'pending', structure: expect.objectContaining({ name: 'Jardins de Vénissieux' }) })]);

      // Only the author answers.
      await http().post(`/api/v1/partner-contacts/${contactId}/accept`).set(greensA.auth).expect(403);
      await http().post(`/api/v1/partner-contacts/${contactId}/accept`).set(company.auth).expect(200);
      await sink.waitFor((m) => m.to.includes(greensA.email) && m.subject === 'Demande de contact acceptée');

      const afterA = await http().get(`/api/v1/tenders/${tenderId}/partner-requests`).set(greensA.auth).expect(200);
      expect(afterA.body.items[0].author).toMatchObject({ id: s.company.id, name: 'Paysages du Rhône SAS' });
      expect(afterA.body.items[0].myContacts).toEqual([expect.objectContaining({ status: 'accepted' })]);
      // Still hidden from the others.
      const afterB = await http().get(`/api/v1/tenders/${tenderId}/partner-requests`).set(greensB.auth).expect(200);
      expect(afterB.body.items[0].author).toBeNull();
    });

    it('a matching run for the tender proposes the structure that asked for partners first, and says why', async () => {
      const run = await http().post(`/api/v1/tenders/${tenderId}/matching-runs`).set(greensB.auth).send({ lots: [1] }).expect(202);
      const deadline = Date.now() + 30_000;
      let body;
      for (;;) {
        body = (await http().get(`/api/v1/matching-runs/${run.body.id}`).set(greensB.auth).expect(200)).body;
        if (body.status === 'succeeded') break;
        if (body.status === 'failed' || Date.now() > deadline) throw new Error(`run ${body.status}: ${body.error}`);
        await sleep(150);
      }
      expect(body.proposals.length).toBeGreaterThan(0);
      const first = body.proposals[0];
      expect(first.members.map((m: { structureId: string }) => m.structureId)).toContain(s.company.id);
      expect(first.explanations).toContain('« Paysages du Rhône SAS » a demandé des partenaires pour cet appel d’offres (bourse à la co-traitance) : proposée en priorité.');
    });

    it('a bid workspace starts from the accepted contact; once submitted, the buyer is told', async () => {
      await http().post(`/api/v1/partner-contacts/${contactId}/bid`).set(outsider.auth).expect(404);
      const bid = await http().post(`/api/v1/partner-contacts/${contactId}/bid`).set(company.auth).expect(201);
      bidId = bid.body.id;
      expect(bid.body).toMatchObject({ status: 'forming', leadStructureId: s.company.id, lots: [1], invitation: { channel: 'owner' } });
      expect(bid.body.members.map((m: { structureId: string; status: string }) => [m.structureId, m.status])).toEqual([
        [s.company.id, 'accepted'],
        [s.a.id, 'invited'],
      ]);
      const again = await http().post(`/api/v1/partner-contacts/${contactId}/bid`).set(greensA.auth).expect(409);
      expect(again.body.bidId).toBe(bidId);

      await http().post(`/api/v1/bids/${bidId}/members/${s.a.id}/accept`).set(greensA.auth).expect(200);
      await http()
        .patch(`/api/v1/bids/${bidId}`)
        .set(company.auth)
        .send({ assignments: [{ structureId: s.company.id, lot: 1, workPackage: 'TONTE', share: 1 }, { structureId: s.a.id, lot: 1, workPackage: 'TAILLE', share: 1 }] })
        .expect(200);
      await http().post(`/api/v1/bids/${bidId}/submit`).set(company.auth).expect(200);

      const told = await notificationsOf(buyer, 'BID_SUBMITTED');
      expect(told).toEqual([expect.objectContaining({ bidId, tenderId, title: 'Un groupement a déposé une offre' })]);
      expect(told[0].body).toContain('« Paysages du Rhône SAS »');
      const mail = await sink.waitFor((m) => m.to.includes(buyer.email) && m.subject === 'Un groupement a déposé une offre');
      expect(unfold(mail.text)).toContain(`${t.config.publicUrl}/groupements/${bidId}`);
      // The buyer reads the submitted groupement.
      await http().get(`/api/v1/bids/${bidId}`).set(buyer.auth).expect(200);
    });
  });

  describe('who may do what', () => {
    it('nobody answers for a structure they do not own; bad input changes nothing', async () => {
      await http().post(`/api/v1/tenders/${tenderId}/interests`).set(outsider.auth).send({ structureId: s.a.id, lots: [1], status: 'not_interested' }).expect(403);
      const bad = await http().post(`/api/v1/tenders/${tenderId}/interests`).set(greensA.auth).send({ structureId: s.a.id, lots: [9], status: 'peut-être' }).expect(400);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('status');
      const unknownLot = await http().post(`/api/v1/tenders/${tenderId}/interests`).set(greensA.auth).send({ structureId: s.a.id, lots: [9], status: 'not_interested' }).expect(400);
      expect(unknownLot.body.errors).toEqual([{ field: 'lots', message: expect.stringContaining('lot(s) inconnu(s)') }]);
      const [{ status }] = await t.dataSource.query(`SELECT status FROM tender_interests WHERE tender_id = $1 AND structure_id = $2`, [tenderId, s.a.id]);
      expect(status).toBe('interested');
      await http().post(`/api/v1/tenders/${tenderId}/interests`).send({ structureId: s.a.id, lots: [1], status: 'interested' }).expect(401);
    });

    it('only the tender’s buyer reads the interests', async () => {
      await http().get(`/api/v1/tenders/${tenderId}/interests`).set(greensA.auth).expect(403);
      await http().get(`/api/v1/tenders/${tenderId}/interests/export`).set(company.auth).expect(403);
      const other = await person(t, 'buyer');
      await http().get(`/api/v1/tenders/${tenderId}/interests`).set(other.auth).expect(403);
      const mine = await http().get(`/api/v1/tenders/${tenderId}/interests/mine`).set(greensA.auth).expect(200);
      expect(mine.body).toEqual([expect.objectContaining({ structure: expect.objectContaining({ id: s.a.id }), status: 'interested' })]);
    });

    it('answers close with the tender; drafts are unknown', async () => {
      const draft = await http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title: 'Brouillon' })).expect(201);
      await http().post(`/api/v1/tenders/${draft.body.id}/interests`).set(greensA.auth).send({ structureId: s.a.id, lots: [1], status: 'interested' }).expect(404);
      await http().post(`/api/v1/tenders/${draft.body.id}/publish`).set(buyer.auth).expect(200);
      await http().post(`/api/v1/tenders/${draft.body.id}/close`).set(buyer.auth).expect(200);
      await http().post(`/api/v1/tenders/${draft.body.id}/interests`).set(greensA.auth).send({ structureId: s.a.id, lots: [1], status: 'interested' }).expect(409);
    });

    it('partner requests: for one’s own structure, valid seeking, no contact with oneself', async () => {
      await http().post(`/api/v1/tenders/${tenderId}/partner-requests`).set(outsider.auth).send({ structureId: s.a.id, lots: [1], seeking: {}, message: 'x' }).expect(403);
      const bad = await http().post(`/api/v1/tenders/${tenderId}/partner-requests`).set(greensB.auth).send({ structureId: s.b.id, lots: [1], seeking: { kinds: ['XX'], share: 2 }, message: '' }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['seeking.kinds', 'seeking.share'].sort());
      const unknownSector = await http().post(`/api/v1/tenders/${tenderId}/partner-requests`).set(greensB.auth).send({ structureId: s.b.id, lots: [1], seeking: { sectors: ['pas-un-secteur'] }, message: ' ' }).expect(400);
      expect(unknownSector.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['message', 'seeking.sectors[0]']);
      await http().post(`/api/v1/partner-requests/${requestId}/contacts`).set(company.auth).send({ structureId: s.company.id }).expect(409);
      await http().post(`/api/v1/partner-requests/${requestId}/contacts`).set(greensB.auth).send({ structureId: s.a.id }).expect(403);
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM partner_requests WHERE tender_id = $1`, [tenderId]);
      expect(count).toBe(1);
    });

    it('a declined contact keeps the identity hidden, and no workspace can start from it', async () => {
      const asked = await http().post(`/api/v1/partner-requests/${requestId}/contacts`).set(greensB.auth).send({ structureId: s.b.id }).expect(201);
      await http().post(`/api/v1/partner-contacts/${asked.body.id}/decline`).set(company.auth).expect(200);
      const seen = await http().get(`/api/v1/tenders/${tenderId}/partner-requests`).set(greensB.auth).expect(200);
      expect(seen.body.items[0]).toMatchObject({ author: null, myContacts: [expect.objectContaining({ status: 'declined' })] });
      await http().post(`/api/v1/partner-contacts/${asked.body.id}/bid`).set(greensB.auth).expect(409);
    });
  });

  describe('alert profiles', () => {
    it('a saved search alerts at once on a matching publication, not on another; DELETE stops it', async () => {
      const watcher = await person(t, 'supplier');
      const res = await http()
        .post('/api/v1/alerts')
        .set(watcher.auth)
        .send({ name: 'Nettoyage réservé dans le Rhône', sectors: ['nettoyage-locaux'], departments: ['69'], reservations: ['L2113-13'], frequency: 'immediate' })
        .expect(201);
      expect(res.body).toMatchObject({ name: 'Nettoyage réservé dans le Rhône', frequency: 'immediate', departments: ['69'] });
      const bad = await http().post('/api/v1/alerts').set(watcher.auth).send({ name: '', sectors: ['inconnu'], departments: ['999'], frequency: 'weekly' }).expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('frequency');
      expect((await http().get('/api/v1/alerts').set(watcher.auth).expect(200)).body.items).toHaveLength(1);

      // Villeurbanne (69) with a cleaning lot reserved L2113-13: matches. Marseille: does not.
      const lyon = await http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title: 'Nettoyage des gymnases' })).expect(201);
      const marseille = await http().post('/api/v1/tenders').set(buyer.auth).send({ ...villeurbanneTender({ title: 'Nettoyage à Marseille' }), executionCommuneCode: '13055' }).expect(201);
      for (const id of [lyon.body.id, marseille.body.id]) {
        await http().post(`/api/v1/tenders/${id}/publish`).set(buyer.auth).expect(200);
        await alertsDone(id);
      }
      const mail = await sink.waitFor((m) => m.to.includes(watcher.email));
      expect(mail.subject).toBe('Nouvel appel d’offres : Nettoyage des gymnases');
      expect(mail.text).toContain('votre alerte « Nettoyage réservé dans le Rhône »');
      expect((await notificationsOf(watcher, 'TENDER_ALERT')).map((n: { tenderId: string }) => n.tenderId)).toEqual([lyon.body.id]);

      // Someone else cannot delete it; its owner can.
      await http().delete(`/api/v1/alerts/${res.body.id}`).set(outsider.auth).expect(404);
      await http().delete(`/api/v1/alerts/${res.body.id}`).set(watcher.auth).expect(204);
      expect((await http().get('/api/v1/alerts').set(watcher.auth).expect(200)).body.items).toEqual([]);
    });

    it('a daily profile gathers matches into one digest', async () => {
      const watcher = await person(t, 'supplier');
      await http().post('/api/v1/alerts').set(watcher.auth).send({ name: 'Espaces verts Auvergne-Rhône-Alpes', sectors: ['entretien-espaces-verts'], regions: ['84'], frequency: 'daily' }).expect(201);
      for (const title of ['Tonte des stades', 'Élagage des avenues']) {
        const created = await http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title })).expect(201);
        await http().post(`/api/v1/tenders/${created.body.id}/publish`).set(buyer.auth).expect(200);
        await alertsDone(created.body.id);
      }
      // Nothing before the day is over…
      await sleep(600);
      expect(mailsTo(watcher)).toEqual([]);
      // …then one digest (the profile is made a day old rather than waiting for one).
      await t.dataSource.query(`UPDATE alert_profiles SET created_at = now() - interval '25 hours' WHERE account_id = $1`, [watcher.id]);
      const mail = await sink.waitFor((m) => m.to.includes(watcher.email));
      expect(mail.subject).toBe('2 nouvel(s) appel(s) d’offres pour vos alertes');
      expect(mail.text).toContain('« Tonte des stades »');
      expect(mail.text).toContain('« Élagage des avenues »');
      // One digest a day: a third match waits for tomorrow's.
      const third = await http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title: 'Fleurissement' })).expect(201);
      await http().post(`/api/v1/tenders/${third.body.id}/publish`).set(buyer.auth).expect(200);
      await alertsDone(third.body.id);
      await sleep(600);
      expect(mailsTo(watcher)).toHaveLength(1);
    });

    it('the unsubscribe link stops publication alerts for the account', async () => {
      const mail = mailsTo(greensA).find((m) => m.subject.startsWith('Nouvel appel d’offres'))!;
      const path = /Ne plus recevoir ces alertes : \S+?(\/alertes\/desabonnement\/[\w-]+\.[\w-]+)/.exec(unfold(mail.text))![1];
      const page = await http().get(path).expect(200);
      expect(page.text).toContain('Se désabonner');
      await http().get('/alertes/desabonnement/faux').expect(404);
      // The page's button posts the form (a CSRF-protected page form; the browser test clicks it).
      const target = await t.app.get(AlertsService).unsubscribe(path.split('/').pop()!);
      expect(target).toEqual({ email: greensA.email });
      expect((await http().get('/api/v1/alerts').set(greensA.auth).expect(200)).body.candidateAlerts).toBe(false);
      const next = await http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title: 'Taille des haies du cimetière' })).expect(201);
      await http().post(`/api/v1/tenders/${next.body.id}/publish`).set(buyer.auth).expect(200);
      await alertsDone(next.body.id);
      const alerted = await t.dataSource.query(`SELECT account_id FROM tender_alerts WHERE tender_id = $1`, [next.body.id]);
      expect(alerted.map((r: { account_id: string }) => r.account_id).sort()).toEqual([greensB.id, greensC.id].sort());
    });
  });

  describe('favourite lists', () => {
    it('named lists of structures, owner-only, exportable, shareable by e-mail', async () => {
      const list = await http().post('/api/v1/favourite-lists').set(buyer.auth).send({ name: 'Espaces verts Lyon' }).expect(201);
      await http().post('/api/v1/favourite-lists').set(buyer.auth).send({ name: 'Espaces verts Lyon' }).expect(409);
      await http().post('/api/v1/favourite-lists').set(buyer.auth).send({ name: '   ' }).expect(400);
      await http().post(`/api/v1/favourite-lists/${list.body.id}/items`).set(buyer.auth).send({ structureId: s.a.id, note: 'Très réactifs' }).expect(201);
      const withTwo = await http().post(`/api/v1/favourite-lists/${list.body.id}/items`).set(buyer.auth).send({ structureId: s.b.id }).expect(201);
      expect(withTwo.body).toMatchObject({ name: 'Espaces verts Lyon', count: 2, items: [{ structure: { id: s.a.id }, note: 'Très réactifs' }, { structure: { id: s.b.id } }] });
      await http().post(`/api/v1/favourite-lists/${list.body.id}/items`).set(buyer.auth).send({ structureId: '00000000-0000-4000-8000-000000000000' }).expect(400);

      // Owner-only: another account does not even see it.
      await http().get(`/api/v1/favourite-lists/${list.body.id}`).set(company.auth).expect(404);
      await http().post(`/api/v1/favourite-lists/${list.body.id}/items`).set(company.auth).send({ structureId: s.c.id }).expect(404);
      await http().delete(`/api/v1/favourite-lists/${list.body.id}`).set(company.auth).expect(404);
      expect((await http().get('/api/v1/favourite-lists').set(company.auth).expect(200)).body.items).toEqual([]);

      const csv = await http().get(`/api/v1/favourite-lists/${list.body.id}/export`).set(buyer.auth).expect(200);
      expect(csv.text.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(3);
      expect(csv.text).toContain('Très réactifs');

      const shared = await http().post(`/api/v1/favourite-lists/${list.body.id}/share`).set(buyer.auth).send({ email: 'collegue@mairie.example', message: 'Pour le marché des parcs' }).expect(200);
      expect(shared.body).toEqual({ sent: true, email: 'collegue@mairie.example' });
      const mail = await sink.waitFor((m) => m.to.includes('collegue@mairie.example'));
      expect(mail.subject).toContain('vous partage la liste « Espaces verts Lyon »');
      expect(unfold(mail.text)).toContain(`${t.config.publicUrl}/structures/${s.a.id}`);

      await http().delete(`/api/v1/favourite-lists/${list.body.id}/items/${s.b.id}`).set(buyer.auth).expect(200);
      await http().delete(`/api/v1/favourite-lists/${list.body.id}`).set(buyer.auth).expect(204);
      await http().get(`/api/v1/favourite-lists/${list.body.id}`).set(buyer.auth).expect(404);
    });
  });

  describe('invitations that reach someone', () => {
    it('a structure nobody owns is invited by e-mail with a claim link; without any address the answer says nobody receives it', async () => {
      const [unowned] = await t.dataSource.query(
        `INSERT INTO structures (siret, siren, name, kind, commune_code, department, region, lat, lon, intervention_area, sectors, prestation_types, contact, source)
         SELECT '90000000000012', '900000000', 'Régie de Quartier Sans Compte', 'ACI', c.code, c.department, c.region, c.lat, c.lon, '{"type":"radius","radiusKm":50}', '[]', '{PREST}', '{}', 'register'
           FROM communes c WHERE c.code = '69266' RETURNING id`,
      );
      const created = await http().post('/api/v1/bids').set(company.auth).send({ tenderId, lots: [2], leadStructureId: s.company.id }).expect(201);
      const none = await http().post(`/api/v1/bids/${created.body.id}/invitations`).set(company.auth).send({ structureId: unowned.id }).expect(201);
      expect(none.body.invitation).toEqual({ channel: 'none', email: null });
      await http().delete(`/api/v1/bids/${created.body.id}/members/${unowned.id}`).set(company.auth).expect(200);
      const byMail = await http().post(`/api/v1/bids/${created.body.id}/invitations`).set(company.auth).send({ structureId: unowned.id, email: 'contact@regie.example' }).expect(201);
      expect(byMail.body.invitation).toEqual({ channel: 'email', email: 'contact@regie.example' });
      const mail = await sink.waitFor((m) => m.to.includes('contact@regie.example'));
      expect(mail.subject).toBe('Invitation à rejoindre un groupement : Entretien des parcs de Villeurbanne');
      expect(unfold(mail.text)).toContain(`${t.config.publicUrl}/structures/${unowned.id}/revendiquer`);
      await http().post(`/api/v1/bids/${created.body.id}/invitations`).set(company.auth).send({ structureId: s.b.id, email: 'pas-une-adresse' }).expect(400);
    });
  });
});
