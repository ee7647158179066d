// Issue 16: insertion hours followed up after award, through HTTP on real PostgreSQL. The buyer awards a lot of a
// closed tender to a submitted groupement; its mandataire declares hours per quarter and member; the buyer, the
// facilitator and the members read declared against required (V17) with late quarters flagged, and export it.
// Nobody else reads it, and only the mandataire declares.
import { AwardsService } from '@app/bids';
import { type Person, createBid, createBidTender, createOwnedStructure, person } from '../support/bid-fixtures';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(120_000);

const year = new Date().getUTCFullYear();
const LAST_YEAR_Q1 = `${year - 1}-Q1`;
const NEXT_YEAR_Q4 = `${year + 1}-Q4`;
/** Three years from the 1st of January last year: last year's quarters are all past due, next year's not started. */
const EXECUTION = { startsOn: `${year - 1}-01-01`, durationMonths: 36 };

describe('insertion hours followed up after award (issue 16)', () => {
  let t: TestApp;
  let buyer: Person, otherBuyer: Person, lead: Person, partner: Person, outsider: Person, facilitator: Person, otherFacilitator: Person;
  const s: Record<string, { id: string; name: string }> = {};
  let tenderId: string;
  let bidId: string;
  let awardId: string;
  let requiredHours: number;

  const http = () => t.http();
  const expectProblem = (res: { headers: Record<string, string>; body: { detail?: string } }) => {
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toEqual(expect.any(String));
  };
  const titles = async (who: Person) => (await http().get('/api/v1/notifications').set(who.auth).expect(200)).body.items.map((n: { title: string }) => n.title);

  beforeAll(async () => {
    t = await createTestApp();
    [buyer, otherBuyer, lead, partner, outsider, facilitator, otherFacilitator] = await Promise.all([
      person(t, 'buyer'),
      person(t, 'buyer'),
      person(t, 'company'),
      person(t, 'supplier'),
      person(t, 'supplier'),
      person(t, 'facilitator'),
      person(t, 'facilitator'),
    ]);
    s.lead = await createOwnedStructure(t, lead, { name: 'Paysages SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts'], annualRevenueEur: 2_000_000 });
    s.partner = await createOwnedStructure(t, partner, { name: 'Jardins Solidaires', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    s.other = await createOwnedStructure(t, outsider, { name: 'Autre Insertion', kind: 'EI', sectors: ['entretien-espaces-verts'] });
    const tender = await createBidTender(t, buyer);
    tenderId = tender.id;
    const lot = (await http().get(`/api/v1/tenders/${tenderId}`).set(buyer.auth).expect(200)).body.lots.find((l: { number: number }) => l.number === 1);
    requiredHours = lot.insertionHoursRequired;
    expect(requiredHours).toBeGreaterThan(0);
    const bid = await createBid(t, lead, { tenderId, lots: [1], leadStructureId: s.lead.id });
    bidId = bid.id;
    await http().post(`/api/v1/bids/${bidId}/invitations`).set(lead.auth).send({ structureId: s.partner.id }).expect(201);
    await http().post(`/api/v1/bids/${bidId}/members/${s.partner.id}/accept`).set(partner.auth).expect(200);
    const assignments = [
      { structureId: s.lead.id, lot: 1, workPackage: 'TONTE', share: 1 },
      { structureId: s.partner.id, lot: 1, workPackage: 'TAILLE', share: 1 },
    ];
    await http().patch(`/api/v1/bids/${bidId}`).set(lead.auth).send({ assignments }).expect(200);
    await http().post(`/api/v1/bids/${bidId}/submit`).set(lead.auth).expect(200);
  });
  afterAll(() => t?.close());

  describe('award', () => {
    it('a published tender cannot be awarded yet (409, problem+json)', async () => {
      const res = await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId, ...EXECUTION }).expect(409);
      expectProblem(res);
      expect(res.body.detail).toMatch(/clos/);
      await http().post(`/api/v1/tenders/${tenderId}/close`).set(buyer.auth).expect(200);
    });

    it('only the tender’s buyer awards: another buyer 403, a supplier 403', async () => {
      expectProblem(await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(otherBuyer.auth).send({ bidId, ...EXECUTION }).expect(403));
      expectProblem(await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(lead.auth).send({ bidId, ...EXECUTION }).expect(403));
    });

    it('bad input is refused with the field and changes nothing', async () => {
      const both = await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId, structureId: s.lead.id, ...EXECUTION }).expect(400);
      expectProblem(both);
      expect(both.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'bidId' })]));
      // The tender gives a duration but no start date: the start must be said.
      const noStart = await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId }).expect(400);
      expect(noStart.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'startsOn' })]));
      const badDate = await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId, startsOn: '2027-02-30', durationMonths: 12 }).expect(400);
      expect(badDate.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'startsOn' })]));
      const badDuration = await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId, startsOn: EXECUTION.startsOn, durationMonths: 0 }).expect(400);
      expect(badDuration.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'durationMonths' })]));
      const notFacilitator = await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId, ...EXECUTION, facilitatorEmail: outsider.email }).expect(400);
      expect(notFacilitator.body.errors).toEqual([expect.objectContaining({ field: 'facilitatorEmail' })]);
      // Lot 2 is reserved without a clause: no hours to follow.
      expect((await http().post(`/api/v1/tenders/${tenderId}/lots/2/award`).set(buyer.auth).send({ structureId: s.partner.id, ...EXECUTION }).expect(409)).body.detail).toMatch(/heures d’insertion/);
      expect((await http().post(`/api/v1/tenders/${tenderId}/lots/9/award`).set(buyer.auth).send({ bidId, ...EXECUTION }).expect(404)).body.detail).toMatch(/lot 9/);
      expect((await http().get('/api/v1/awards').set(buyer.auth).expect(200)).body).toEqual({ total: 0, page: 1, perPage: 20, items: [] });
    });

    it('awards lot 1 to the groupement: its mandataire first, the hours the clause requires spread over 12 quarters', async () => {
      const res = await http()
        .post(`/api/v1/tenders/${tenderId}/lots/1/award`)
        .set(buyer.auth)
        .send({ bidId, ...EXECUTION, facilitatorEmail: facilitator.email.toUpperCase() })
        .expect(201);
      awardId = res.body.id;
      expect(res.body).toMatchObject({ tenderId, lotNumber: 1, bidId, holderStructureId: s.lead.id, requiredHours, facilitator: { id: facilitator.id } });
      expect(res.body.members.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
        ['Paysages SAS', 'MANDATAIRE'],
        ['Jardins Solidaires', 'COTRAITANT'],
      ]);
      const quarters = res.body.followUp.quarters;
      expect(quarters).toHaveLength(12);
      expect(quarters.reduce((sum: number, q: { requiredHours: number }) => sum + q.requiredHours, 0)).toBe(requiredHours);
      expect(quarters[0]).toMatchObject({ quarter: LAST_YEAR_Q1, status: 'late', statusLabel: 'En retard', declaredHours: null, dueOn: `${year - 1}-04-30` });
      expect(quarters[11]).toMatchObject({ quarter: NEXT_YEAR_Q4, status: 'upcoming' });
      expect(res.body.followUp.lateQuarters).toBeGreaterThanOrEqual(3);
      expect(res.body.followUp.expectedToDateHours).toBeGreaterThan(0);
      expect(res.body.viewer).toEqual({ isBuyer: true, isFacilitator: false, canDeclare: false });
      expect(await titles(lead)).toContain('Marché attribué : déclarez les heures d’insertion');
      expect(await titles(facilitator)).toContain('Suivi des heures d’insertion ouvert');
      expect(await titles(partner)).toContain('Suivi des heures d’insertion ouvert');
    });

    it('a lot is awarded once', async () => {
      expect((await http().post(`/api/v1/tenders/${tenderId}/lots/1/award`).set(buyer.auth).send({ bidId, ...EXECUTION }).expect(409)).body.detail).toMatch(/déjà attribué/);
    });
  });

  describe('who reads, who declares', () => {
    it('the buyer, the facilitator and the members read it; others get 404', async () => {
      expect((await http().get(`/api/v1/awards/${awardId}`).set(facilitator.auth).expect(200)).body.viewer).toEqual({ isBuyer: false, isFacilitator: true, canDeclare: false });
      expect((await http().get(`/api/v1/awards/${awardId}`).set(lead.auth).expect(200)).body.viewer.canDeclare).toBe(true);
      expect((await http().get(`/api/v1/awards/${awardId}`).set(partner.auth).expect(200)).body.viewer.canDeclare).toBe(false);
      for (const stranger of [otherBuyer, outsider, otherFacilitator]) {
        expectProblem(await http().get(`/api/v1/awards/${awardId}`).set(stranger.auth).expect(404));
        expectProblem(await http().get(`/api/v1/awards/${awardId}/hours.csv`).set(stranger.auth).expect(404));
        expect((await http().get('/api/v1/awards').set(stranger.auth).expect(200)).body).toMatchObject({ total: 0, items: [] });
      }
      await http().get(`/api/v1/awards/${awardId}`).expect(401);
      expect((await http().get('/api/v1/awards').set(facilitator.auth).expect(200)).body.items.map((a: { id: string }) => a.id)).toEqual([awardId]);
    });

    it('only the mandataire declares: the cotraitant, the buyer and the facilitator get 403, strangers 404', async () => {
      const body = { quarter: LAST_YEAR_Q1, entries: [{ structureId: s.partner.id, hours: 10 }] };
      for (const reader of [partner, buyer, facilitator]) expectProblem(await http().post(`/api/v1/awards/${awardId}/declarations`).set(reader.auth).send(body).expect(403));
      expectProblem(await http().post(`/api/v1/awards/${awardId}/declarations`).set(outsider.auth).send(body).expect(404));
      expect((await http().get(`/api/v1/awards/${awardId}`).set(buyer.auth).expect(200)).body.history).toEqual([]);
    });

    it('bad declarations are refused with the field and record nothing', async () => {
      const declare = (body: object) => http().post(`/api/v1/awards/${awardId}/declarations`).set(lead.auth).send(body).expect(400);
      const field = async (body: object) => {
        const res = await declare(body);
        expectProblem(res);
        return res.body.errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`).join(' | ');
      };
      expect(await field({ quarter: '2026-T1', entries: [{ structureId: s.lead.id, hours: 1 }] })).toMatch(/quarter: trimestre invalide/);
      expect(await field({ quarter: `${year - 2}-Q4`, entries: [{ structureId: s.lead.id, hours: 1 }] })).toMatch(/hors de la période d’exécution/);
      expect(await field({ quarter: NEXT_YEAR_Q4, entries: [{ structureId: s.lead.id, hours: 1 }] })).toMatch(/n’a pas commencé/);
      expect(await field({ quarter: LAST_YEAR_Q1, entries: [{ structureId: s.other.id, hours: 1 }] })).toMatch(/entries\[0\].structureId: cette structure n’est pas membre/);
      expect(await field({ quarter: LAST_YEAR_Q1, entries: [{ structureId: s.lead.id, hours: -3 }] })).toMatch(/entries\[0\].hours/);
      expect(await field({ quarter: LAST_YEAR_Q1, entries: [{ structureId: s.lead.id, hours: 2.5 }] })).toMatch(/entries\[0\].hours/);
      expect(await field({ quarter: LAST_YEAR_Q1, entries: [] })).toMatch(/entries/);
      expect(
        await field({
          quarter: LAST_YEAR_Q1,
          entries: [
            { structureId: s.lead.id, hours: 1 },
            { structureId: s.lead.id, hours: 2 },
          ],
        }),
      ).toMatch(/deux fois/);
      expect((await http().get(`/api/v1/awards/${awardId}`).set(buyer.auth).expect(200)).body.history).toEqual([]);
    });
  });

  describe('declared against required', () => {
    it('the mandataire declares a quarter for each member; a late quarter is flagged as declared late', async () => {
      const res = await http()
        .post(`/api/v1/awards/${awardId}/declarations`)
        .set(lead.auth)
        .send({
          quarter: LAST_YEAR_Q1,
          entries: [
            { structureId: s.lead.id, hours: 100 },
            { structureId: s.partner.id, hours: 150 },
          ],
          comment: 'Deux salariés en parcours, contrats joints',
        })
        .expect(201);
      const q1 = res.body.followUp.quarters[0];
      expect(q1).toMatchObject({ quarter: LAST_YEAR_Q1, declaredHours: 250, status: 'declared_late', byMember: { [s.lead.id]: 100, [s.partner.id]: 150 } });
      expect(res.body.followUp.declaredHours).toBe(250);
      expect(await titles(buyer)).toContain('Heures d’insertion déclarées');
      expect(await titles(facilitator)).toContain('Heures d’insertion déclarées');
    });

    it('a correction replaces a member’s hours for the quarter and keeps the history', async () => {
      const res = await http()
        .post(`/api/v1/awards/${awardId}/declarations`)
        .set(lead.auth)
        .send({ quarter: LAST_YEAR_Q1, entries: [{ structureId: s.partner.id, hours: 200 }] })
        .expect(201);
      expect(res.body.followUp.quarters[0].declaredHours).toBe(300);
      expect(res.body.members.map((m: { declaredHours: number }) => m.declaredHours)).toEqual([100, 200]);
      expect(res.body.history.map((h: { structureName: string; hours: number }) => [h.structureName, h.hours])).toEqual([
        ['Jardins Solidaires', 200],
        ['Jardins Solidaires', 150],
        ['Paysages SAS', 100],
      ]);
      expect(res.body.followUp.balanceHours).toBe(300 - res.body.followUp.expectedToDateHours);
    });

    it('the buyer exports the follow-up as CSV: a line per quarter, a column per member, the state in French', async () => {
      const res = await http().get(`/api/v1/awards/${awardId}/hours.csv`).set(buyer.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="heures-insertion-lot-1-/);
      const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('Trimestre;Début;Fin;Échéance de déclaration;Heures exigées;Heures déclarées;Paysages SAS (Mandataire);Jardins Solidaires (Cotraitant);Cumul exigé;Cumul déclaré;État');
      expect(lines[1]).toMatch(new RegExp(`^1er trimestre ${year - 1};${year - 1}-01-01;${year - 1}-03-31;${year - 1}-04-30;\\d+;300;100;200;\\d+;300;Déclaré en retard$`));
      expect(lines[2]).toMatch(/;En retard$/);
      expect(lines).toHaveLength(14);
    });

    it('the buyer removes the facilitator, who then reads nothing; nobody else names one', async () => {
      expectProblem(await http().patch(`/api/v1/awards/${awardId}`).set(lead.auth).send({ facilitatorEmail: otherFacilitator.email }).expect(403));
      const res = await http().patch(`/api/v1/awards/${awardId}`).set(buyer.auth).send({ facilitatorEmail: null }).expect(200);
      expect(res.body.facilitator).toBeNull();
      await http().get(`/api/v1/awards/${awardId}`).set(facilitator.auth).expect(404);
      await http().patch(`/api/v1/awards/${awardId}`).set(buyer.auth).send({ facilitatorEmail: otherFacilitator.email }).expect(200);
      expect((await http().get(`/api/v1/awards/${awardId}`).set(otherFacilitator.auth).expect(200)).body.viewer.isFacilitator).toBe(true);
    });
  });

  it('a sole holder (no groupement) is the titulaire and declares for itself', async () => {
    const tender = await createBidTender(t, buyer, { lots: [{ number: 1, title: 'Tonte', sectors: ['entretien-espaces-verts'], estimatedAmountEur: 200_000, prestationType: 'PREST', reservation: 'NONE', socialClause: { type: 'EXECUTION_CONDITION', insertionHours: 400 } }] });
    await http().post(`/api/v1/tenders/${tender.id}/close`).set(buyer.auth).expect(200);
    // Any duration a tender accepts (up to 240 months) is accepted at award; beyond, refused with the field.
    expect((await http().post(`/api/v1/tenders/${tender.id}/lots/1/award`).set(buyer.auth).send({ structureId: s.partner.id, startsOn: `${year - 1}-07-01`, durationMonths: 241 }).expect(400)).body.errors).toEqual([
      expect.objectContaining({ field: 'durationMonths' }),
    ]);
    const award = (await http().post(`/api/v1/tenders/${tender.id}/lots/1/award`).set(buyer.auth).send({ structureId: s.partner.id, startsOn: `${year - 1}-07-01`, durationMonths: 180 }).expect(201)).body;
    expect(award.requiredHours).toBe(400);
    expect(award.members).toEqual([expect.objectContaining({ structureId: s.partner.id, role: 'TITULAIRE', roleLabel: 'Titulaire' })]);
    const declared = await http()
      .post(`/api/v1/awards/${award.id}/declarations`)
      .set(partner.auth)
      .send({ quarter: `${year - 1}-Q3`, entries: [{ structureId: s.partner.id, hours: 0 }] })
      .expect(201);
    expect(declared.body.followUp.quarters[0]).toMatchObject({ declaredHours: 0, status: 'declared_late' });
    const listed = (await http().get('/api/v1/awards').set(buyer.auth).expect(200)).body;
    expect(listed.total).toBe(2);
    expect(listed.items.map((a: { requiredHours: number }) => a.requiredHours)).toEqual([400, requiredHours]);
    const second = (await http().get('/api/v1/awards?page=2&perPage=1').set(buyer.auth).expect(200)).body;
    expect(second).toMatchObject({ total: 2, page: 2, perPage: 1, items: [{ requiredHours }] });
    expect((await http().get('/api/v1/awards?perPage=0').set(buyer.auth).expect(400)).headers['content-type']).toMatch(/problem\+json/);
  });

  it('reminds the holder of the quarters owed and tells the buyer and the facilitator of late ones, once each', async () => {
    const awards = t.app.get(AwardsService);
    const notifications = async (who: Person) => (await http().get('/api/v1/notifications?perPage=100').set(who.auth).expect(200)).body.items as { title: string; body: string; link: string }[];
    expect(await awards.sendDeclarationReminders()).toBe(2);
    const late = (await notifications(lead)).filter((n) => n.title === 'Déclaration d’heures d’insertion en retard');
    expect(late).toHaveLength(1);
    expect(late[0].body).toContain(`le 2e trimestre ${year - 1} (avant le 30 juillet ${year - 1})`);
    expect(late[0].body).not.toContain(`1er trimestre ${year - 1}`); // declared
    expect(late[0].link).toBe(`/suivi-heures/${awardId}`);
    expect((await notifications(buyer)).filter((n) => n.title === 'Déclaration d’heures d’insertion en retard').length).toBe(2);
    expect((await notifications(otherFacilitator)).map((n) => n.title)).toContain('Déclaration d’heures d’insertion en retard');
    const before = (await notifications(lead)).length;
    expect(await awards.sendDeclarationReminders()).toBe(0);
    expect((await notifications(lead)).length).toBe(before);
  });
});
