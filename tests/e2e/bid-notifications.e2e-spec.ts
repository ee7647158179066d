// Notification e-mails: written with the change in the request's transaction, delivered by the real worker
// to a real SMTP server (an in-process sink), never during the request — a slow or failing SMTP server
// neither slows nor fails the HTTP call, and failed deliveries are retried.
import { type Person, createBid, createBidTender, createOwnedStructure, person } from '../support/bid-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(90_000);

describe('bid notifications by e-mail (SMTP configured)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let lead: Person;
  let invitee: Person;
  let bidId: string;
  let inviteeStructure: { id: string; name: string };

  const emailStatuses = async (accountId: string): Promise<{ type: string; email_status: string; email_attempts: number; email_error: string | null }[]> =>
    // The groupement's notifications (publishing the tender also alerts its best candidates: not these tests' subject).
    t.dataSource.query(`SELECT type, email_status, email_attempts, email_error FROM notifications WHERE account_id = $1 AND type LIKE 'BID\\_%' ORDER BY created_at`, [accountId]);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp({ smtpUrl: sink.url, mailFrom: 'Marché inclusif <no-reply@test.local>' });
    await t.startWorker();
    [lead, invitee] = await Promise.all([person(t, 'company'), person(t, 'supplier')]);
    const buyer = await person(t, 'buyer');
    const leadStructure = await createOwnedStructure(t, lead, { name: 'Paysages du Rhône SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts'] });
    inviteeStructure = await createOwnedStructure(t, invitee, { name: 'Jardins de Vénissieux', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    const tender = await createBidTender(t, buyer, { title: 'Entretien des parcs de Villeurbanne' });
    bidId = (await createBid(t, lead, { tenderId: tender.id, lots: [1], leadStructureId: leadStructure.id })).id;
  });

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('an invitation reaches the invited owner’s mailbox, sent by the worker', async () => {
    await t.http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: inviteeStructure.id }).expect(201);
    // (The tender's publication alert may reach the same owner first: look for the invitation.)
    const mail = await sink.waitFor((m) => m.to.includes(invitee.email) && m.subject.startsWith('Invitation'));
    expect(mail.subject).toBe('Invitation à rejoindre un groupement');
    expect(mail.headers.from).toContain('no-reply@test.local');
    expect(mail.text).toContain('« Paysages du Rhône SAS » invite « Jardins de Vénissieux »');
    expect(mail.text).toContain('Entretien des parcs de Villeurbanne');
    // The e-mail leads to the groupement's page (mail clients may fold long lines: compare without breaks).
    expect(mail.text.replace(/=?\r?\n/g, '')).toContain(`${t.config.publicUrl}/groupements/${bidId}`);
    const deadline = Date.now() + 5000;
    while ((await emailStatuses(invitee.id))[0]?.email_status !== 'sent' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await emailStatuses(invitee.id)).toEqual([{ type: 'BID_INVITATION', email_status: 'sent', email_attempts: 1, email_error: null }]);
    // The in-app list has it too.
    const list = await t.http().get('/api/v1/notifications').set(invitee.auth).expect(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ type: 'BID_INVITATION', bidId, read: false }));
  });

  it('a slow SMTP server never slows the request: the e-mail follows later', async () => {
    sink.options.greetingDelayMs = 3000;
    const started = Date.now();
    await t.http().post(`/api/v1/bids/${bidId}/members/${inviteeStructure.id}/accept`).set(invitee.auth).expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await emailStatuses(lead.id)).map((n) => n.email_status)).toEqual(['pending']);
    const mail = await sink.waitFor((m) => m.to.includes(lead.email) && m.subject === 'Invitation acceptée', 20_000);
    expect(mail.text).toContain('« Jardins de Vénissieux » a accepté');
    sink.options.greetingDelayMs = 0;
  });

  it('a refusing SMTP server fails nothing: the delivery is retried until it goes through', async () => {
    sink.options.refuse = true;
    await t.http().patch(`/api/v1/bids/${bidId}`).set(lead.auth).send({ form: 'SOLIDAIRE' }).expect(200);
    const deadline = Date.now() + 15_000;
    let row = (await emailStatuses(invitee.id)).find((n) => n.type === 'BID_UPDATED');
    while (!row?.email_error && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      row = (await emailStatuses(invitee.id)).find((n) => n.type === 'BID_UPDATED');
    }
    expect(row).toMatchObject({ email_status: 'pending', email_attempts: 1, email_error: expect.stringContaining('451') });
    sink.options.refuse = false;
    const mail = await sink.waitFor((m) => m.to.includes(invitee.email) && m.subject === 'Groupement modifié', 20_000);
    expect(mail.text).toContain('forme du groupement');
    // The SMTP server has the message before the worker records the delivery: wait for the row to say so.
    const recorded = Date.now() + 10_000;
    row = (await emailStatuses(invitee.id)).find((n) => n.type === 'BID_UPDATED');
    while (row?.email_status !== 'sent' && Date.now() < recorded) {
      await new Promise((r) => setTimeout(r, 100));
      row = (await emailStatuses(invitee.id)).find((n) => n.type === 'BID_UPDATED');
    }
    expect(row).toMatchObject({ email_status: 'sent', email_attempts: 2 });
  });
});
