// The bid workspace through the real API, with a real proposal from the real matching worker: proposal →
// bid → invitations → accept/decline → assignments → submit → frozen, the rule refusals (V3, V4, V5, V7,
// V13, unanswered invitations), substitution (V9), history, summary, listing, access control and races.
import { INestApplicationContext } from '@nestjs/common';
import type { BidView, BidSummary } from '@app/bids';
import type { ProposalView } from '@app/matching';
import { type Person, createBid, createBidTender, createOwnedStructure, person } from '../support/bid-fixtures';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rulesOf = (body: { violations?: { rule: string }[] }) => [...new Set((body.violations ?? []).map((v) => v.rule))].sort();
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('bids (co-contracting workspace)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let buyer: Person;
  let otherBuyer: Person;
  let lead: Person; // company owning the anchor
  let greens: Person; // supplier owning the ACI and the EA
  let pruners: Person; // supplier owning the EI
  let cleaners: Person; // supplier owning an EI in another trade
  let outsider: Person;
  let tenderId: string;
  const s: Record<string, { id: string; siret: string; name: string; kind: string }> = {};

  const http = () => t.http();
  const getBid = async (who: Person, id: string) => (await http().get(`/api/v1/bids/${id}`).set(who.auth).expect(200)).body as BidView;
  const notificationsOf = async (who: Person) => (await http().get('/api/v1/notifications').set(who.auth).expect(200)).body;
  const owners = new Map<string, Person>();
  const ownerOf = (structureId: string): Person => owners.get(structureId)!;
  async function structure(key: string, owner: Person, body: Parameters<typeof createOwnedStructure>[2]) {
    s[key] = await createOwnedStructure(t, owner, body);
    owners.set(s[key].id, owner);
    return s[key];
  }

  async function waitForRun(runId: string): Promise<ProposalView[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await http().get(`/api/v1/matching-runs/${runId}`).set(lead.auth).expect(200);
      if (res.body.status === 'succeeded') return res.body.proposals;
      if (res.body.status === 'failed' || Date.now() > deadline) throw new Error(`run ${res.body.status}: ${res.body.error}`);
      await sleep(150);
    }
  }

  /** A bid of `owner`'s `leadId` with `partners` accepted and a given split, ready to submit. */
  async function readyBid(tender: string, owner: Person, leadId: string, lots: number[], partners: string[], assignments: object[], patch: object = {}) {
    const bid = await createBid(t, owner, { tenderId: tender, lots, leadStructureId: leadId });
    for (const id of partners) {
      await http().post(`/api/v1/bids/${bid.id}/invitations`).set(owner.auth).send({ structureId: id }).expect(201);
      await http().post(`/api/v1/bids/${bid.id}/members/${id}/accept`).set(ownerOf(id).auth).expect(200);
    }
    await http().patch(`/api/v1/bids/${bid.id}`).set(owner.auth).send({ assignments, ...patch }).expect(200);
    return bid.id as string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    worker = await t.startWorker();
    [buyer, otherBuyer, lead, greens, pruners, cleaners, outsider] = await Promise.all([
      person(t, 'buyer'),
      person(t, 'buyer'),
      person(t, 'company'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'company'),
    ]);
    await structure('anchor', lead, { name: 'Paysages du Rhône SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts', 'elagage-abattage'], annualRevenueEur: 2_000_000 });
    // Another trade: never proposed on lot 1, so the journey's invitations all go to other owners.
    await structure('companyB', lead, { name: 'Propreté Est SARL', kind: 'COMPANY', sectors: ['nettoyage-locaux'], annualRevenueEur: 1_500_000 });
    await structure('aciGreen', greens, { name: 'Jardins de Vénissieux', kind: 'ACI', communeCode: '69259', sectors: ['entretien-espaces-verts'], annualRevenueEur: 400_000 });
    await structure('eaGreen', greens, { name: 'Atelier Vert Adapté', kind: 'EA', communeCode: '69290', sectors: ['entretien-espaces-verts'], annualRevenueEur: 600_000 });
    await structure('eiPruning', pruners, { name: 'Élagage Solidaire', kind: 'EI', sectors: ['elagage-abattage'], annualRevenueEur: 350_000 });
    await structure('eiCleaning', cleaners, { name: 'Net’Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['nettoyage-locaux'], annualRevenueEur: 500_000 });
    await structure('outsiderCo', outsider, { name: 'Dehors SA', kind: 'COMPANY', sectors: ['nettoyage-locaux'] });
    tenderId = (await createBidTender(t, buyer)).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('the whole journey: proposal → bid → invitations → answers → assignments → submit → frozen', () => {
    let proposal: ProposalView;
    let bidId: string;
    let invitedIds: string[];

    it('starts from a real proposal of the matching worker', async () => {
      const run = await http().post(`/api/v1/tenders/${tenderId}/matching-runs`).set(lead.auth).send({ anchorStructureId: s.anchor.id, lots: [1], maxMembers: 3, topK: 2 }).expect(202);
      const proposals = await waitForRun(run.body.id);
      expect(proposals.length).toBeGreaterThan(0);
      proposal = proposals.find((p) => p.members.length >= 2)!;
      expect(proposal).toBeDefined();
      expect(worker).toBeDefined();
      // Created after the run, so never in the proposal: the substitution brings it in later.
      await structure('eiPruning2', pruners, { name: 'Arbres et Insertion', kind: 'EI', sectors: ['elagage-abattage'], annualRevenueEur: 300_000 });
    });

    it('creates the bid from the proposal: members invited with the proposal’s assignments, lead accepted', async () => {
      const res = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId, lots: [1], leadStructureId: s.anchor.id, fromProposalId: proposal.id }).expect(201);
      const bid: BidView = res.body;
      bidId = bid.id;
      expect(bid).toMatchObject({ status: 'forming', tenderId, lots: [1], leadStructureId: s.anchor.id, fromProposalId: proposal.id, form: proposal.form, mandataireSolidaire: proposal.mandataireSolidaire });
      expect(bid.members.map((m) => m.structureId).sort()).toEqual(proposal.members.map((m) => m.structureId).sort());
      for (const m of bid.members) {
        const proposed = proposal.members.find((p) => p.structureId === m.structureId)!;
        expect(m.status).toBe(m.structureId === s.anchor.id ? 'accepted' : 'invited');
        expect(m.role).toBe(proposed.role);
        expect(m.assignments).toEqual(proposed.assignments);
        expect(m.siret).toBe(proposed.siret);
      }
      expect(bid.mandataireStructureId).toBe(proposal.members.find((m) => m.role === 'MANDATAIRE')!.structureId);
      expect(bid.viewer).toMatchObject({ isLead: true, canEdit: true });
      invitedIds = bid.members.filter((m) => m.status === 'invited').map((m) => m.structureId);
      expect(invitedIds.length).toBeGreaterThan(0);
    });

    it('tells each invited structure’s owner in-app (no SMTP configured: in-app only)', async () => {
      for (const id of invitedIds) {
        const list = await notificationsOf(ownerOf(id));
        const invitation = list.items.find((n: { bidId: string; type: string }) => n.bidId === bidId && n.type === 'BID_INVITATION');
        expect(invitation).toMatchObject({ read: false, title: 'Invitation à rejoindre un groupement' });
        expect(invitation.body).toContain('Paysages du Rhône SAS');
      }
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM notifications WHERE bid_id = $1 AND email_status <> 'none'`, [bidId]);
      expect(count).toBe(0);
    });

    it('refuses to submit while invitations are unanswered, naming each pending member', async () => {
      const res = await http().post(`/api/v1/bids/${bidId}/submit`).set(lead.auth).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.violations.filter((v: { rule: string }) => v.rule === 'MEMBERS_ACCEPTED')).toHaveLength(invitedIds.length);
      expect((await getBid(lead, bidId)).status).toBe('forming');
    });

    it('invites another structure; inviting it twice is a 409', async () => {
      const res = await http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: s.eiCleaning.id }).expect(201);
      expect(res.body.members.find((m: { structureId: string }) => m.structureId === s.eiCleaning.id)).toMatchObject({ status: 'invited', role: 'COTRAITANT', hasOwner: true });
      const again = await http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: s.eiCleaning.id }).expect(409);
      expect(again.body.errors).toEqual([{ field: 'structureId', message: expect.any(String) }]);
      await http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: UNKNOWN_ID }).expect(400);
    });

    it('lets only that structure’s owner answer: others get 403, outsiders 404', async () => {
      await http().post(`/api/v1/bids/${bidId}/members/${s.eiCleaning.id}/accept`).set(lead.auth).expect(403);
      await http().post(`/api/v1/bids/${bidId}/members/${s.eiCleaning.id}/accept`).set(ownerOf(invitedIds[0]).auth).expect(403);
      await http().post(`/api/v1/bids/${bidId}/members/${s.eiCleaning.id}/decline`).set(outsider.auth).expect(404);
      await http().post(`/api/v1/bids/${bidId}/members/${s.outsiderCo.id}/accept`).set(outsider.auth).expect(404);
    });

    it('the invited owner declines: the member stays for the record, does not count, and the lead is told', async () => {
      const res = await http().post(`/api/v1/bids/${bidId}/members/${s.eiCleaning.id}/decline`).set(cleaners.auth).expect(200);
      expect(res.body.members.find((m: { structureId: string }) => m.structureId === s.eiCleaning.id)).toMatchObject({ status: 'declined', assignments: [] });
      // Declining is final for this invitation: accepting afterwards needs a new invitation.
      await http().post(`/api/v1/bids/${bidId}/members/${s.eiCleaning.id}/accept`).set(cleaners.auth).expect(409);
      await http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: s.eiCleaning.id }).expect(409);
      const leadNotes = await notificationsOf(lead);
      expect(leadNotes.items.find((n: { type: string; bidId: string }) => n.type === 'BID_ANSWERED' && n.bidId === bidId).body).toContain('Net’Insertion Lyon');
      // A declined structure still reads the bid it was invited to.
      await http().get(`/api/v1/bids/${bidId}`).set(cleaners.auth).expect(200);
    });

    it('the invited owners accept; accepting twice changes nothing', async () => {
      for (const id of invitedIds) {
        const res = await http().post(`/api/v1/bids/${bidId}/members/${id}/accept`).set(ownerOf(id).auth).expect(200);
        expect(res.body.members.find((m: { structureId: string }) => m.structureId === id).status).toBe('accepted');
      }
      const before = await getBid(lead, bidId);
      await http().post(`/api/v1/bids/${bidId}/members/${invitedIds[0]}/accept`).set(ownerOf(invitedIds[0]).auth).expect(200);
      expect((await getBid(lead, bidId)).version).toBe(before.version);
    });

    it('refuses invalid changes with 400 naming every faulty field, and changes nothing', async () => {
      const before = await getBid(lead, bidId);
      const res = await http()
        .patch(`/api/v1/bids/${bidId}`)
        .set(lead.auth)
        .send({
          form: 'MIXTE',
          mandataireStructureId: s.eiCleaning.id, // declined
          assignments: [
            { structureId: s.anchor.id, lot: 1, workPackage: 'TONTE', share: 1.5 },
            { structureId: s.anchor.id, lot: 2, share: 0.5 },
            { structureId: s.outsiderCo.id, lot: 1, workPackage: 'TAILLE', share: 0.5 },
            { structureId: s.anchor.id, lot: 1, workPackage: 'NOPE', share: 0.5 },
          ],
        })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['form', 'assignments[0].share']));
      // Shape is fine but the content is not: the service lists every field.
      const semantic = await http()
        .patch(`/api/v1/bids/${bidId}`)
        .set(lead.auth)
        .send({
          mandataireStructureId: s.eiCleaning.id,
          assignments: [
            { structureId: s.anchor.id, lot: 2, share: 0.5 },
            { structureId: s.outsiderCo.id, lot: 1, workPackage: 'TAILLE', share: 0.5 },
            { structureId: s.anchor.id, lot: 1, workPackage: 'NOPE', share: 0.5 },
            { structureId: s.anchor.id, lot: 1, share: 0.5 },
          ],
        })
        .expect(400);
      expect(semantic.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'mandataireStructureId',
        'assignments[0].lot',
        'assignments[1].structureId',
        'assignments[2].workPackage',
        'assignments[3].workPackage',
      ]);
      await http().patch(`/api/v1/bids/${bidId}`).set(lead.auth).send({ unknownField: 1 }).expect(400);
      const after = await getBid(lead, bidId);
      expect(after.version).toBe(before.version);
      expect(after.members.map((m) => m.assignments)).toEqual(before.members.map((m) => m.assignments));
    });

    it('only the lead changes the bid: members and the buyer get 403, outsiders 404', async () => {
      await http().patch(`/api/v1/bids/${bidId}`).set(ownerOf(invitedIds[0]).auth).send({ form: 'SOLIDAIRE' }).expect(403);
      await http().patch(`/api/v1/bids/${bidId}`).set(buyer.auth).send({ form: 'SOLIDAIRE' }).expect(403);
      await http().patch(`/api/v1/bids/${bidId}`).set(outsider.auth).send({ form: 'SOLIDAIRE' }).expect(404);
      await http().post(`/api/v1/bids/${bidId}/invitations`).set(ownerOf(invitedIds[0]).auth).send({ structureId: s.eaGreen.id }).expect(403);
      await http().post(`/api/v1/bids/${bidId}/submit`).set(ownerOf(invitedIds[0]).auth).expect(403);
      await http().post(`/api/v1/bids/${bidId}/submit`).set(outsider.auth).expect(404);
    });

    it('the lead settles form, mandataire and an incomplete split; submit names V7 and nothing is submitted', async () => {
      const partner = invitedIds[0];
      const res = await http()
        .patch(`/api/v1/bids/${bidId}`)
        .set(lead.auth)
        .send({
          form: 'CONJOINT',
          mandataireSolidaire: true,
          mandataireStructureId: s.anchor.id,
          assignments: [
            { structureId: s.anchor.id, lot: 1, workPackage: 'TONTE', share: 0.5 },
            { structureId: partner, lot: 1, workPackage: 'TAILLE', share: 1 },
          ],
        })
        .expect(200);
      expect(res.body.mandataireStructureId).toBe(s.anchor.id);
      const submit = await http().post(`/api/v1/bids/${bidId}/submit`).set(lead.auth).expect(422);
      expect(rulesOf(submit.body)).toEqual(['V7']);
      expect(submit.body.violations[0].message).toMatch(/Tonte/);
      expect((await http().get(`/api/v1/bids/${bidId}/check`).set(lead.auth).expect(200)).body.violations.map((v: { rule: string }) => v.rule)).toEqual(['V7']);
    });

    it('with a complete split the bid is submitted; warnings are returned and do not block', async () => {
      const partner = invitedIds[0];
      const others = invitedIds.slice(1);
      await http()
        .patch(`/api/v1/bids/${bidId}`)
        .set(lead.auth)
        .send({
          assignments: [
            { structureId: s.anchor.id, lot: 1, workPackage: 'TONTE', share: others.length ? 0.5 : 1 },
            ...others.map((id) => ({ structureId: id, lot: 1, workPackage: 'TONTE', share: 0.5 / others.length })),
            { structureId: partner, lot: 1, workPackage: 'TAILLE', share: 1 },
          ],
        })
        .expect(200);
      const res = await http().post(`/api/v1/bids/${bidId}/submit`).set(lead.auth).expect(200);
      expect(res.body).toMatchObject({ status: 'submitted', violations: [], viewer: { canEdit: false } });
      expect(res.body.submittedAt).toEqual(expect.any(String));
      expect(Array.isArray(res.body.warnings)).toBe(true);
      if (others.length) expect(res.body.warnings.map((w: { rule: string }) => w.rule)).toContain('V7'); // TONTE shared in a conjoint group
    });

    it('a submitted bid is frozen (V9): every change answers 409 and nothing changes', async () => {
      const before = await getBid(lead, bidId);
      const frozen = [
        http().patch(`/api/v1/bids/${bidId}`).set(lead.auth).send({ form: 'SOLIDAIRE' }),
        http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: s.eaGreen.id }),
        http().post(`/api/v1/bids/${bidId}/members/${invitedIds[0]}/decline`).set(ownerOf(invitedIds[0]).auth),
        http().delete(`/api/v1/bids/${bidId}/members/${invitedIds[0]}`).set(lead.auth),
        http().post(`/api/v1/bids/${bidId}/submit`).set(lead.auth),
      ];
      for (const res of await Promise.all(frozen)) {
        expect(res.status).toBe(409);
        expect(res.body.detail).toMatch(/V9/);
      }
      expect((await getBid(lead, bidId)).version).toBe(before.version);
    });

    it('the summary gives the buyer what goes into the DC1 and the acte d’engagement', async () => {
      const summary: BidSummary = (await http().get(`/api/v1/bids/${bidId}/summary`).set(buyer.auth).expect(200)).body;
      expect(summary).toMatchObject({
        bidId,
        status: 'submitted',
        form: 'CONJOINT',
        formLabel: 'Groupement conjoint',
        mandataireSolidaire: true,
        mandataire: { structureId: s.anchor.id, siret: s.anchor.siret, name: s.anchor.name },
        tender: { id: tenderId, reference: tenderId, buyer: { name: 'Ville de Villeurbanne' }, lots: [{ number: 1, estimatedAmountEur: 300_000, workPackages: [{ code: 'TONTE' }, { code: 'TAILLE' }] }] },
        check: { violations: [] },
      });
      expect(summary.members[0]).toMatchObject({ structureId: s.anchor.id, role: 'MANDATAIRE', kind: 'COMPANY', siret: s.anchor.siret, lots: [1] });
      expect(summary.members.map((m) => m.structureId)).not.toContain(s.eiCleaning.id); // declined: not in the groupement
      expect(summary.members.every((m) => m.status === 'accepted' && /^\d{14}$/.test(m.siret))).toBe(true);
      const total = summary.members.reduce((sum, m) => sum + m.estimatedAmountEur, 0);
      expect(total).toBeCloseTo(300_000, 0);
      expect(summary.totals.estimatedAmountEur).toBe(300_000);
      const anchorTonte = summary.members[0].assignments.find((a) => a.workPackage === 'TONTE')!;
      expect(anchorTonte).toMatchObject({ lot: 1, lotTitle: 'Entretien des espaces verts', workPackageTitle: 'Tonte et débroussaillage' });
      expect(anchorTonte.amountEur).toBeCloseTo(anchorTonte.shareOfLot * 300_000, 1);
      expect(summary.totals.insertionHoursRequired).toBeGreaterThan(0);
      expect(summary.members.reduce((sum, m) => sum + m.insertionHours, 0)).toBeGreaterThan(0);
      expect(summary.members.reduce((sum, m) => sum + m.shareOfTotal, 0)).toBeCloseTo(1, 2);
    });

    it('a substitution the incoming owner accepted and the buyer authorised is the one change after submission, recorded (V9)', async () => {
      const outgoing = invitedIds.find((id) => id !== s.anchor.id)!;
      const body = { outgoingStructureId: outgoing, incomingStructureId: s.eiPruning2.id, reason: 'INCAPACITY' };
      await http().post(`/api/v1/bids/${bidId}/substitutions`).set(ownerOf(outgoing).auth).send(body).expect(403);
      await http().post(`/api/v1/bids/${bidId}/substitutions`).set(lead.auth).send({ ...body, outgoingStructureId: s.anchor.id }).expect(400);
      const before = (await getBid(lead, bidId)).members.find((m) => m.structureId === outgoing)!;
      const requested = await http().post(`/api/v1/bids/${bidId}/substitutions`).set(lead.auth).send(body).expect(201);
      expect(requested.body.status).toBe('pending');
      await http().post(`/api/v1/bids/${bidId}/substitutions/${requested.body.id}/accept`).set(pruners.auth).expect(200);
      await http().post(`/api/v1/bids/${bidId}/substitutions/${requested.body.id}/authorise`).set(buyer.auth).expect(200);
      const res = { body: await getBid(lead, bidId) };
      const members: BidView['members'] = res.body.members;
      expect(members.map((m) => m.structureId)).not.toContain(outgoing);
      expect(members.find((m) => m.structureId === s.eiPruning2.id)).toMatchObject({ status: 'accepted', assignments: before.assignments });
      expect(res.body.status).toBe('submitted');
      // The outgoing structure is no longer a member: its owner no longer reads the bid, unless it owns another member.
      const stillMember = members.some((m) => ownerOf(m.structureId) === ownerOf(outgoing));
      await http().get(`/api/v1/bids/${bidId}`).set(ownerOf(outgoing).auth).expect(stillMember ? 200 : 404);
    });

    it('every member sees the history: who invited, accepted, declined, changed what, when', async () => {
      const res = await http().get(`/api/v1/bids/${bidId}/history`).set(pruners.auth).expect(200);
      const types = res.body.items.map((e: { type: string }) => e.type);
      expect(types[0]).toBe('CREATED');
      expect(types).toEqual(expect.arrayContaining(['INVITED', 'ACCEPTED', 'DECLINED', 'UPDATED', 'SUBMITTED', 'SUBSTITUTED']));
      expect(types.indexOf('SUBMITTED')).toBeLessThan(types.indexOf('SUBSTITUTED'));
      const declined = res.body.items.find((e: { type: string }) => e.type === 'DECLINED');
      expect(declined).toMatchObject({ actor: { id: cleaners.id }, structure: { id: s.eiCleaning.id, name: 'Net’Insertion Lyon' } });
      const update = res.body.items.find((e: { type: string; details: { changes: Record<string, unknown> } }) => e.type === 'UPDATED' && e.details.changes.assignments !== undefined);
      expect(update.actor.id).toBe(lead.id);
      expect(update.details.changes.assignments.to).toEqual(expect.arrayContaining([{ structureId: invitedIds[0], lot: 1, workPackage: 'TAILLE', share: 1 }]));
      const substitution = res.body.items.find((e: { type: string }) => e.type === 'SUBSTITUTED');
      expect(substitution.details).toMatchObject({ reason: 'INCAPACITY', authorisedBy: buyer.id, acceptedBy: pruners.id, incoming: { structureId: s.eiPruning2.id } });
      for (const e of res.body.items) expect(Date.parse(e.at)).toBeGreaterThan(0);
      await http().get(`/api/v1/bids/${bidId}/history`).set(outsider.auth).expect(404);
    });

    it('members are told of changes and the submission; notifications are marked read one by one or all at once', async () => {
      const member = ownerOf(invitedIds[0]); // a member at submission, then the outgoing one of the substitution
      const notes = await notificationsOf(member);
      const types = notes.items.filter((n: { bidId: string }) => n.bidId === bidId).map((n: { type: string }) => n.type);
      expect(types).toEqual(expect.arrayContaining(['BID_INVITATION', 'BID_UPDATED', 'BID_SUBMITTED', 'BID_SUBSTITUTION']));
      expect(notes.unread).toBeGreaterThan(0);
      const first = notes.items[0];
      const read = await http().post(`/api/v1/notifications/${first.id}/read`).set(member.auth).expect(200);
      expect(read.body).toMatchObject({ id: first.id, read: true });
      await http().post(`/api/v1/notifications/${first.id}/read`).set(lead.auth).expect(404);
      const unread = await http().get('/api/v1/notifications?unread=true').set(member.auth).expect(200);
      expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(first.id);
      expect(unread.body.unread).toBe(notes.unread - 1);
      const all = await http().post('/api/v1/notifications/read-all').set(member.auth).expect(200);
      expect(all.body).toEqual({ updated: notes.unread - 1 });
      expect((await notificationsOf(member)).unread).toBe(0);
      await http().get('/api/v1/notifications').expect(401);
    });

    it('reading: members and the tender’s buyer only; others get 404 as for an unknown id', async () => {
      await http().get(`/api/v1/bids/${bidId}`).set(buyer.auth).expect(200);
      await http().get(`/api/v1/bids/${bidId}/summary`).set(pruners.auth).expect(200);
      for (const who of [otherBuyer, outsider]) {
        await http().get(`/api/v1/bids/${bidId}`).set(who.auth).expect(404);
        await http().get(`/api/v1/bids/${bidId}/summary`).set(who.auth).expect(404);
      }
      await http().get(`/api/v1/bids/${UNKNOWN_ID}`).set(lead.auth).expect(404);
      await http().get('/api/v1/bids/not-a-uuid').set(lead.auth).expect(404);
      await http().get(`/api/v1/bids/${bidId}`).expect(401);
    });

    it('lists “mes groupements” for the lead, the members and the buyer, and nothing for others', async () => {
      const mine = await http().get(`/api/v1/bids?tenderId=${tenderId}`).set(lead.auth).expect(200);
      expect(mine.body.items.find((b: { id: string }) => b.id === bidId)).toMatchObject({ relation: 'lead', status: 'submitted', tenderTitle: expect.any(String), leadStructureName: s.anchor.name });
      expect((await http().get('/api/v1/bids').set(pruners.auth).expect(200)).body.items.find((b: { id: string }) => b.id === bidId).relation).toBe('member');
      expect((await http().get(`/api/v1/bids?tenderId=${tenderId}`).set(buyer.auth).expect(200)).body.items.find((b: { id: string }) => b.id === bidId).relation).toBe('buyer');
      expect((await http().get('/api/v1/bids').set(outsider.auth).expect(200)).body).toMatchObject({ total: 0, items: [] });
      await http().get('/api/v1/bids?tenderId=nope').set(lead.auth).expect(400);
    });
  });

  describe('creating a bid: what is refused', () => {
    it('400 naming every faulty field (unknown lots, unknown lead, unknown proposal), nothing stored', async () => {
      const [{ count: before }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM bids`);
      const res = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId, lots: [1, 7], leadStructureId: UNKNOWN_ID, fromProposalId: UNKNOWN_ID }).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['fromProposalId', 'leadStructureId', 'lots']);
      const shape = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId: 'x', lots: [], leadStructureId: s.anchor.id, extra: true }).expect(400);
      expect(shape.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'lots', 'tenderId']);
      const [{ count: after }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM bids`);
      expect(after).toBe(before);
    });

    it('400 for a tender that is not published, or closed', async () => {
      const draft = await createBidTender(t, buyer, { publish: false });
      const res = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId: draft.id, lots: [1], leadStructureId: s.anchor.id }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'tenderId', message: expect.stringMatching(/publié/) }]);
      const closed = await createBidTender(t, buyer);
      await http().post(`/api/v1/tenders/${closed.id}/close`).set(buyer.auth).expect(200);
      await http().post('/api/v1/bids').set(lead.auth).send({ tenderId: closed.id, lots: [1], leadStructureId: s.anchor.id }).expect(400);
    });

    it('403 when the caller does not own the lead structure, or is a buyer', async () => {
      await http().post('/api/v1/bids').set(outsider.auth).send({ tenderId, lots: [1], leadStructureId: s.anchor.id }).expect(403);
      await http().post('/api/v1/bids').set(buyer.auth).send({ tenderId, lots: [1], leadStructureId: s.anchor.id }).expect(403);
      await http().post('/api/v1/bids').send({ tenderId, lots: [1], leadStructureId: s.anchor.id }).expect(401);
    });

    it('a proposal must be of that tender, cover the lots and include the lead', async () => {
      const [proposal] = await t.dataSource.query(`SELECT p.id, p.members FROM proposals p JOIN matching_runs r ON r.id = p.run_id WHERE r.tender_id = $1 LIMIT 1`, [tenderId]);
      const other = await createBidTender(t, buyer);
      const wrongTender = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId: other.id, lots: [1], leadStructureId: s.anchor.id, fromProposalId: proposal.id }).expect(400);
      expect(wrongTender.body.errors).toEqual([{ field: 'fromProposalId', message: expect.any(String) }]);
      const notCovered = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId, lots: [1, 2], leadStructureId: s.anchor.id, fromProposalId: proposal.id }).expect(400);
      expect(notCovered.body.errors).toEqual([{ field: 'lots', message: expect.stringMatching(/ne porte pas sur/) }]);
      const notIn = await http().post('/api/v1/bids').set(lead.auth).send({ tenderId, lots: [1], leadStructureId: s.companyB.id, fromProposalId: proposal.id }).expect(400);
      expect(notIn.body.errors).toEqual([{ field: 'leadStructureId', message: expect.any(String) }]);
    });
  });

  describe('declined members and removal', () => {
    it('a declining mandataire drops its work and hands the role back to the lead; the lead may remove and re-invite', async () => {
      const bid = { id: await readyBid(tenderId, lead, s.companyB.id, [1], [s.aciGreen.id], [{ structureId: s.aciGreen.id, lot: 1, workPackage: 'TONTE', share: 1 }], { mandataireStructureId: s.aciGreen.id }) };
      const declined = await http().post(`/api/v1/bids/${bid.id}/members/${s.aciGreen.id}/decline`).set(greens.auth).expect(200);
      expect(declined.body.mandataireStructureId).toBe(s.companyB.id);
      expect(declined.body.members.find((m: { structureId: string }) => m.structureId === s.aciGreen.id)).toMatchObject({ status: 'declined', assignments: [], role: 'COTRAITANT' });
      // The lead cannot leave, nor remove itself.
      await http().post(`/api/v1/bids/${bid.id}/members/${s.companyB.id}/decline`).set(lead.auth).expect(409);
      await http().delete(`/api/v1/bids/${bid.id}/members/${s.companyB.id}`).set(lead.auth).expect(409);
      await http().delete(`/api/v1/bids/${bid.id}/members/${s.aciGreen.id}`).set(greens.auth).expect(403);
      const removed = await http().delete(`/api/v1/bids/${bid.id}/members/${s.aciGreen.id}`).set(lead.auth).expect(200);
      expect(removed.body.members.map((m: { structureId: string }) => m.structureId)).toEqual([s.companyB.id]);
      await http().get(`/api/v1/bids/${bid.id}`).set(greens.auth).expect(404);
      expect((await notificationsOf(greens)).items.some((n: { type: string; bidId: string }) => n.type === 'BID_MEMBER_REMOVED' && n.bidId === bid.id)).toBe(true);
      await http().post(`/api/v1/bids/${bid.id}/invitations`).set(lead.auth).send({ structureId: s.aciGreen.id }).expect(201);
    });

    it('a declined member does not block the submission', async () => {
      const bid = await createBid(t, lead, { tenderId, lots: [1], leadStructureId: s.companyB.id });
      await http().post(`/api/v1/bids/${bid.id}/invitations`).set(lead.auth).send({ structureId: s.eaGreen.id }).expect(201);
      await http().post(`/api/v1/bids/${bid.id}/members/${s.eaGreen.id}/decline`).set(greens.auth).expect(200);
      await http()
        .patch(`/api/v1/bids/${bid.id}`)
        .set(lead.auth)
        .send({ assignments: [{ structureId: s.companyB.id, lot: 1, workPackage: 'TONTE', share: 1 }, { structureId: s.companyB.id, lot: 1, workPackage: 'TAILLE', share: 1 }] })
        .expect(200);
      await http().post(`/api/v1/bids/${bid.id}/submit`).set(lead.auth).expect(200);
    });
  });

  describe('the rules at submission, each failure named', () => {
    const soloLot = [{ number: 1, title: 'Élagage', sectors: ['elagage-abattage'], estimatedAmountEur: 80_000, prestationType: 'PREST', reservation: 'NONE' }];
    const reservedLot = [{ number: 1, title: 'Entretien réservé', sectors: ['entretien-espaces-verts'], estimatedAmountEur: 90_000, prestationType: 'PREST', reservation: 'L2113-13' }];

    it('V13: an ordinary company cannot be in a group answering a lot reserved to SIAE; an EA neither', async () => {
      const tender = await createBidTender(t, buyer, { lots: reservedLot });
      const bid = await readyBid(tender.id, greens, s.aciGreen.id, [1], [s.eaGreen.id], [{ structureId: s.aciGreen.id, lot: 1, share: 1 }]);
      await http().post(`/api/v1/bids/${bid}/invitations`).set(greens.auth).send({ structureId: s.anchor.id }).expect(201);
      await http().post(`/api/v1/bids/${bid}/members/${s.anchor.id}/accept`).set(lead.auth).expect(200);
      const res = await http().post(`/api/v1/bids/${bid}/submit`).set(greens.auth).expect(422);
      expect(rulesOf(res.body)).toEqual(['V13']);
      const messages = res.body.violations.map((v: { message: string }) => v.message).join(' ');
      expect(messages).toContain('Paysages du Rhône SAS');
      expect(messages).toContain('Atelier Vert Adapté');
    });

    it('V5: a conjoint group without a solidaire mandataire when the buyer requires one; then it passes', async () => {
      const tender = await createBidTender(t, buyer, { lots: soloLot, mandataireSolidaireRequired: true });
      const bid = await readyBid(tender.id, pruners, s.eiPruning.id, [1], [], [{ structureId: s.eiPruning.id, lot: 1, share: 1 }], { form: 'CONJOINT', mandataireSolidaire: false });
      expect(rulesOf((await http().post(`/api/v1/bids/${bid}/submit`).set(pruners.auth).expect(422)).body)).toEqual(['V5']);
      await http().patch(`/api/v1/bids/${bid}`).set(pruners.auth).send({ mandataireSolidaire: true }).expect(200);
      await http().post(`/api/v1/bids/${bid}/submit`).set(pruners.auth).expect(200);
    });

    it('V2: no mandataire once the designated one has left', async () => {
      const tender = await createBidTender(t, buyer, { lots: soloLot });
      const bid = await readyBid(tender.id, pruners, s.eiPruning.id, [1], [], [{ structureId: s.eiPruning.id, lot: 1, share: 1 }]);
      await t.dataSource.query(`UPDATE bids SET mandataire_structure_id = NULL WHERE id = $1`, [bid]); // as an older client could leave it
      expect(rulesOf((await http().post(`/api/v1/bids/${bid}/submit`).set(pruners.auth).expect(422)).body)).toEqual(['V2']);
    });

    it('V3: the lead is already mandataire of another submitted group on the lot; another lot is fine', async () => {
      const tender = await createBidTender(t, buyer, { lots: [...soloLot, { ...soloLot[0], number: 2, title: 'Élagage Est' }] });
      const first = await readyBid(tender.id, pruners, s.eiPruning.id, [1], [s.aciGreen.id], [{ structureId: s.eiPruning.id, lot: 1, share: 0.5 }, { structureId: s.aciGreen.id, lot: 1, share: 0.5 }]);
      await http().post(`/api/v1/bids/${first}/submit`).set(pruners.auth).expect(200);
      const second = await readyBid(tender.id, pruners, s.eiPruning.id, [1], [s.eiPruning2.id], [{ structureId: s.eiPruning.id, lot: 1, share: 0.5 }, { structureId: s.eiPruning2.id, lot: 1, share: 0.5 }]);
      const res = await http().post(`/api/v1/bids/${second}/submit`).set(pruners.auth).expect(422);
      expect(rulesOf(res.body)).toEqual(['V3']);
      expect(res.body.violations[0]).toMatchObject({ rule: 'V3', message: expect.stringContaining('lot 1') });
      const third = await readyBid(tender.id, pruners, s.eiPruning.id, [2], [s.eiPruning2.id], [{ structureId: s.eiPruning.id, lot: 2, share: 0.5 }, { structureId: s.eiPruning2.id, lot: 2, share: 0.5 }]);
      await http().post(`/api/v1/bids/${third}/submit`).set(pruners.auth).expect(200);
    });

    it('V4: when multiple bids are forbidden, a member already in another submitted bid on the lot', async () => {
      const tender = await createBidTender(t, buyer, { lots: soloLot, multipleBidsForbidden: true });
      const first = await readyBid(tender.id, lead, s.anchor.id, [1], [s.eiPruning.id], [{ structureId: s.anchor.id, lot: 1, share: 0.5 }, { structureId: s.eiPruning.id, lot: 1, share: 0.5 }]);
      await http().post(`/api/v1/bids/${first}/submit`).set(lead.auth).expect(200);
      const second = await readyBid(tender.id, greens, s.aciGreen.id, [1], [s.eiPruning.id], [{ structureId: s.aciGreen.id, lot: 1, share: 0.5 }, { structureId: s.eiPruning.id, lot: 1, share: 0.5 }]);
      const res = await http().post(`/api/v1/bids/${second}/submit`).set(greens.auth).expect(422);
      expect(rulesOf(res.body)).toEqual(['V4']);
      expect(res.body.violations[0].message).toContain('Élagage Solidaire');
    });

    it('warnings never block: an EITI on a reserved lot is “eligibility uncertain”', async () => {
      const eiti = await createOwnedStructure(t, cleaners, { name: 'Indépendants Solidaires', kind: 'EITI', sectors: ['entretien-espaces-verts'] });
      const tender = await createBidTender(t, buyer, { lots: reservedLot });
      const bid = await readyBid(tender.id, cleaners, eiti.id, [1], [], [{ structureId: eiti.id, lot: 1, share: 1 }]);
      const res = await http().post(`/api/v1/bids/${bid}/submit`).set(cleaners.auth).expect(200);
      expect(res.body.warnings.map((w: { rule: string }) => w.rule)).toContain('V13');
    });
  });

  describe('concurrency', () => {
    const lot = [{ number: 1, title: 'Élagage', sectors: ['elagage-abattage'], estimatedAmountEur: 80_000, prestationType: 'PREST', reservation: 'NONE' }];

    it('accept racing submit never yields a submitted bid with an unanswered member', async () => {
      const tender = await createBidTender(t, buyer, { lots: lot });
      {
        const bid = await createBid(t, pruners, { tenderId: tender.id, lots: [1], leadStructureId: s.eiPruning.id });
        await http().post(`/api/v1/bids/${bid.id}/invitations`).set(pruners.auth).send({ structureId: s.aciGreen.id }).expect(201);
        await http()
          .patch(`/api/v1/bids/${bid.id}`)
          .set(pruners.auth)
          .send({ assignments: [{ structureId: s.eiPruning.id, lot: 1, share: 0.5 }, { structureId: s.aciGreen.id, lot: 1, share: 0.5 }] })
          .expect(200);
        const [accepted, submitted] = await Promise.all([
          http().post(`/api/v1/bids/${bid.id}/members/${s.aciGreen.id}/accept`).set(greens.auth),
          http().post(`/api/v1/bids/${bid.id}/submit`).set(pruners.auth),
        ]);
        const final = await getBid(pruners, bid.id);
        if (submitted.status === 200) {
          expect(accepted.status).toBe(200); // accept went first
          expect(final.status).toBe('submitted');
        } else {
          expect(submitted.status).toBe(422);
          expect(final.status).toBe('forming');
        }
        expect(final.members.every((m) => m.status === 'accepted')).toBe(true);
      }
    });

    it('two bids of one lead on one lot submitted at once: exactly one passes V3', async () => {
      const tender = await createBidTender(t, buyer, { lots: lot });
      const make = (partner: string) =>
        readyBid(tender.id, pruners, s.eiPruning.id, [1], [partner], [{ structureId: s.eiPruning.id, lot: 1, share: 0.5 }, { structureId: partner, lot: 1, share: 0.5 }]);
      const [a, b] = [await make(s.aciGreen.id), await make(s.eiPruning2.id)];
      const results = await Promise.all([a, b].map((id) => http().post(`/api/v1/bids/${id}/submit`).set(pruners.auth)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
      expect(rulesOf(results.find((r) => r.status === 422)!.body)).toEqual(['V3']);
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM bids WHERE tender_id = $1 AND status = 'submitted'`, [tender.id]);
      expect(count).toBe(1);
    });
  });

  it('documents the bid and notification endpoints in OpenAPI', async () => {
    const { paths } = (await http().get('/api/docs-json').expect(200)).body;
    for (const path of ['/api/v1/bids', '/api/v1/bids/{id}', '/api/v1/bids/{id}/submit', '/api/v1/bids/{id}/summary', '/api/v1/bids/{id}/substitutions', '/api/v1/notifications']) {
      expect(paths[path]).toBeDefined();
    }
  });

  it('a bid whose tender deadline has passed cannot be submitted (the check says why)', async () => {
    const tender = await createBidTender(t, buyer, { lots: [{ number: 1, title: 'Élagage', sectors: ['elagage-abattage'], estimatedAmountEur: 80_000, prestationType: 'PREST', reservation: 'NONE' }] });
    const bid = await createBid(t, pruners, { tenderId: tender.id, lots: [1], leadStructureId: s.eiPruning.id });
    await http().patch(`/api/v1/bids/${bid.id}`).set(pruners.auth).send({ assignments: [{ structureId: s.eiPruning.id, lot: 1, share: 1 }] }).expect(200);
    await t.dataSource.query(`UPDATE tenders SET response_deadline = now() - interval '1 minute' WHERE id = $1`, [tender.id]);
    expect(rulesOf((await http().post(`/api/v1/bids/${bid.id}/submit`).set(pruners.auth).expect(422)).body)).toEqual(['TENDER_OPEN']);
  });
});
