// Issue 13, item 1: a substitution after submission (V9, R2142-26) needs the incoming structure's owner to
// accept (like any invitation) and the tender's buyer to authorise it; the lead alone changes nothing.
import type { BidView } from '@app/bids';
import { type Person, createBid, createBidTender, createOwnedStructure, person } from '../support/bid-fixtures';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(120_000);

const ONE_LOT = [{ number: 1, title: 'Entretien des espaces verts', sectors: ['entretien-espaces-verts'], estimatedAmountEur: 100_000, prestationType: 'PREST', reservation: 'NONE' }];

describe('substitution after submission: incoming owner consents, buyer authorises (item 1)', () => {
  let t: TestApp;
  let buyer: Person;
  let lead: Person;
  let partner: Person;
  let incomingOwner: Person;
  let outsider: Person;
  const s: Record<string, { id: string; name: string }> = {};
  let bidId: string;

  const http = () => t.http();
  const members = async (who: Person) => ((await http().get(`/api/v1/bids/${bidId}`).set(who.auth).expect(200)).body as BidView).members;
  const notificationTitles = async (who: Person) => (await http().get('/api/v1/notifications').set(who.auth).expect(200)).body.items.map((n: { title: string }) => n.title);

  beforeAll(async () => {
    t = await createTestApp();
    [buyer, lead, partner, incomingOwner, outsider] = await Promise.all([person(t, 'buyer'), person(t, 'company'), person(t, 'supplier'), person(t, 'supplier'), person(t, 'supplier')]);
    s.lead = await createOwnedStructure(t, lead, { name: 'Paysages SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts'], annualRevenueEur: 2_000_000 });
    s.partner = await createOwnedStructure(t, partner, { name: 'Jardins Solidaires', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    s.incoming = await createOwnedStructure(t, incomingOwner, { name: 'Vert Insertion', kind: 'EI', sectors: ['entretien-espaces-verts'] });
    s.second = await createOwnedStructure(t, incomingOwner, { name: 'Vert Insertion 2', kind: 'EI', sectors: ['entretien-espaces-verts'] });
    const tender = await createBidTender(t, buyer, { lots: ONE_LOT });
    const bid = await createBid(t, lead, { tenderId: tender.id, lots: [1], leadStructureId: s.lead.id });
    bidId = bid.id;
    await http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: s.partner.id }).expect(201);
    await http().post(`/api/v1/bids/${bidId}/members/${s.partner.id}/accept`).set(partner.auth).expect(200);
    const assignments = [
      { structureId: s.lead.id, lot: 1, share: 0.6 },
      { structureId: s.partner.id, lot: 1, share: 0.4 },
    ];
    await http().patch(`/api/v1/bids/${bidId}`).set(lead.auth).send({ assignments }).expect(200);
    await http().post(`/api/v1/bids/${bidId}/submit`).set(lead.auth).expect(200);
  });
  afterAll(() => t.close());

  let substitutionId: string;

  it('the lead’s request (even claiming authorisedByBuyer: true) changes no member: it is pending', async () => {
    const res = await http()
      .post(`/api/v1/bids/${bidId}/substitutions`)
      .set(lead.auth)
      .send({ outgoingStructureId: s.partner.id, incomingStructureId: s.incoming.id, reason: 'INCAPACITY', authorisedByBuyer: true })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'pending', incomingAnswer: 'pending', buyerDecision: 'pending', outgoingStructureId: s.partner.id, incomingStructureId: s.incoming.id });
    substitutionId = res.body.id;
    const now = await members(lead);
    expect(now.map((m) => m.structureId).sort()).toEqual([s.lead.id, s.partner.id].sort());
    expect(await notificationTitles(incomingOwner)).toContain('Proposition de substitution dans un groupement');
    expect(await notificationTitles(buyer)).toContain('Substitution à autoriser');
  });

  it('only the incoming structure’s owner answers, only the tender’s buyer authorises', async () => {
    const base = `/api/v1/bids/${bidId}/substitutions/${substitutionId}`;
    await http().post(`${base}/accept`).set(lead.auth).expect(403);
    await http().post(`${base}/accept`).set(buyer.auth).expect(403);
    await http().post(`${base}/accept`).set(outsider.auth).expect(404);
    await http().post(`${base}/authorise`).set(lead.auth).expect(403);
    await http().post(`${base}/authorise`).set(incomingOwner.auth).expect(403);
  });

  it('accepted by the incoming owner but not yet authorised: still nothing changes', async () => {
    const res = await http().post(`/api/v1/bids/${bidId}/substitutions/${substitutionId}/accept`).set(incomingOwner.auth).expect(200);
    expect(res.body).toMatchObject({ status: 'pending', incomingAnswer: 'accepted', buyerDecision: 'pending' });
    expect((await members(lead)).map((m) => m.structureId)).not.toContain(s.incoming.id);
  });

  it('the buyer’s authorisation applies it: the incoming structure takes the outgoing one’s place and work', async () => {
    const res = await http().post(`/api/v1/bids/${bidId}/substitutions/${substitutionId}/authorise`).set(buyer.auth).expect(200);
    expect(res.body).toMatchObject({ status: 'applied', incomingAnswer: 'accepted', buyerDecision: 'authorised' });
    const now = await members(lead);
    expect(now.map((m) => m.structureId)).not.toContain(s.partner.id);
    expect(now.find((m) => m.structureId === s.incoming.id)).toMatchObject({ status: 'accepted', assignments: [{ lot: 1, share: 0.4 }] });
    const history = (await http().get(`/api/v1/bids/${bidId}/history`).set(lead.auth).expect(200)).body.items as { type: string; actor: { id: string }; details: Record<string, unknown> }[];
    const types = history.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['SUBSTITUTION_REQUESTED', 'SUBSTITUTION_ACCEPTED', 'SUBSTITUTION_AUTHORISED', 'SUBSTITUTED']));
    expect(history.find((e) => e.type === 'SUBSTITUTION_AUTHORISED')!.actor.id).toBe(buyer.id);
    expect(history.find((e) => e.type === 'SUBSTITUTED')!.details).toMatchObject({ reason: 'INCAPACITY', authorisedBy: buyer.id, acceptedBy: incomingOwner.id });
  });

  it('a declined request changes nothing; the buyer may refuse with a reason', async () => {
    const body = { outgoingStructureId: s.incoming.id, incomingStructureId: s.second.id, reason: 'RESTRUCTURING' };
    const declined = (await http().post(`/api/v1/bids/${bidId}/substitutions`).set(lead.auth).send(body).expect(201)).body;
    await http().post(`/api/v1/bids/${bidId}/substitutions/${declined.id}/decline`).set(incomingOwner.auth).expect(200);
    await http().post(`/api/v1/bids/${bidId}/substitutions/${declined.id}/authorise`).set(buyer.auth).expect(409);
    const refused = (await http().post(`/api/v1/bids/${bidId}/substitutions`).set(lead.auth).send(body).expect(201)).body;
    const res = await http().post(`/api/v1/bids/${bidId}/substitutions/${refused.id}/refuse`).set(buyer.auth).send({ reason: 'Capacités insuffisantes' }).expect(200);
    expect(res.body).toMatchObject({ status: 'refused', buyerDecision: 'refused', decisionReason: 'Capacités insuffisantes' });
    expect((await members(lead)).map((m) => m.structureId)).not.toContain(s.second.id);
    const list = (await http().get(`/api/v1/bids/${bidId}/substitutions`).set(buyer.auth).expect(200)).body.items.map((x: { status: string }) => x.status);
    expect(list.sort()).toEqual(['applied', 'declined', 'refused']);
  });
});
