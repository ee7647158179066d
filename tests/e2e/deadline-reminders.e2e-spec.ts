// Response deadlines: three days before a published tender closes, the worker reminds the structures that said
// they were interested and the members of a groupement still being formed, once, in-app (and by e-mail when SMTP is
// set). Tenders further away, and people with nothing pending, are left alone.
import { DeadlineReminders } from '@app/marketplace';
import { type Person, createBid, createBidTender, createOwnedStructure, inDays, person } from '../support/bid-fixtures';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(120_000);

describe('response-deadline reminders (worker sweep)', () => {
  let t: TestApp;
  let buyer: Person, interested: Person, lead: Person, bystander: Person;
  const reminders = async (who: Person) =>
    ((await t.http().get('/api/v1/notifications?perPage=100').set(who.auth).expect(200)).body.items as { type: string; title: string; body: string; link: string }[]).filter((n) => n.type === 'TENDER_DEADLINE');

  beforeAll(async () => {
    t = await createTestApp();
    [buyer, interested, lead, bystander] = await Promise.all([person(t, 'buyer'), person(t, 'supplier'), person(t, 'company'), person(t, 'supplier')]);
  });
  afterAll(() => t?.close());

  it('reminds the interested structure and the forming groupement of a tender closing in two days, once', async () => {
    const soon = await createBidTender(t, buyer, { title: 'Tonte des stades' });
    await t.dataSource.query(`UPDATE tenders SET response_deadline = $2 WHERE id = $1`, [soon.id, inDays(2)]);
    const later = await createBidTender(t, buyer, { title: 'Entretien des cimetières' });
    const jardins = await createOwnedStructure(t, interested, { name: 'Jardins Solidaires', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    await createOwnedStructure(t, bystander, { name: 'Vert Insertion', kind: 'EI', sectors: ['entretien-espaces-verts'] });
    const paysages = await createOwnedStructure(t, lead, { name: 'Paysages SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts'] });
    for (const tender of [soon, later]) {
      await t.http().post(`/api/v1/tenders/${tender.id}/interests`).set(interested.auth).send({ structureId: jardins.id, lots: [1], status: 'interested' }).expect(200);
      await createBid(t, lead, { tenderId: tender.id, lots: [1], leadStructureId: paysages.id });
    }

    const worker = await t.startWorker();
    const deadline = Date.now() + 30_000;
    while ((await reminders(interested)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const [forInterested] = await reminders(interested);
    expect(forInterested).toMatchObject({ title: 'Date limite proche : Tonte des stades', link: `/appels-d-offres/${soon.id}` });
    expect(forInterested.body).toMatch(/^Les réponses à « Tonte des stades », qui vous intéresse, sont attendues avant le /);
    const forLead = await reminders(lead);
    expect(forLead).toHaveLength(1);
    expect(forLead[0].body).toContain('Votre groupement n’est pas encore déposé');
    expect(await reminders(bystander)).toEqual([]);
    expect(await reminders(buyer)).toEqual([]);

    expect(await worker.get(DeadlineReminders).sendDue()).toBe(0);
    expect(await reminders(interested)).toHaveLength(1);
    // The later tender's turn comes three days before its own deadline, not before.
    expect(await worker.get(DeadlineReminders).sendDue(new Date(Date.now() + 28 * 86_400_000))).toBe(2);
  });
});
