// The bid workspace pages through HTTP: opening a groupement from scratch, inviting by SIRET, answering,
// the lead's composition form (errors on the cells), "Vérifier et déposer" (violations named), the frozen
// bid; CSRF refusals and who may see or change what (outsiders get the 404 page).
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { TestApp, createTestApp, signUp } from '../support/test-app';
import { createStructure } from '../support/web-fixtures';
import { BROWSER_ACCEPT, formPage, postForm } from '../support/web-forms';

jest.setTimeout(60_000);

type Account = Awaited<ReturnType<typeof signUp>>;

describe('web pages: bid workspace', () => {
  let t: TestApp;
  let buyer: Account;
  let company: Account;
  let supplier: Account;
  let outsider: Account;
  let tenderId: string;
  let lead: { id: string; siret: string };
  let partner: { id: string; siret: string };
  let bidPath: string;
  const agents: Record<string, TestAgent> = {};

  async function logIn(account: Account): Promise<TestAgent> {
    const agent = request.agent(t.app.getHttpServer());
    const form = await formPage(agent, '/connexion');
    await postForm(agent, '/connexion', form.csrf, { email: account.email, password: account.password }).expect(303);
    return agent;
  }

  const page = (agent: TestAgent, path: string) => agent.get(path).set('Accept', BROWSER_ACCEPT);

  /** The grid's cell for a member: the hidden structureId field then the share input of the same index. */
  function cellIndex(html: string, structureId: string): string {
    const match = new RegExp(`name="cells\\[(\\d+)\\]\\[structureId\\]" value="${structureId}"`).exec(html);
    if (!match) throw new Error(`no cell for ${structureId}`);
    return match[1];
  }

  function compositionFields(html: string, shares: Record<string, string>, extra: Record<string, unknown> = {}) {
    const fields: Record<string, unknown> = { form: 'CONJOINT', mandataireStructureId: lead.id, ...extra };
    for (const [structureId, share] of Object.entries(shares)) {
      const i = cellIndex(html, structureId);
      fields[`cells[${i}][structureId]`] = structureId;
      fields[`cells[${i}][lot]`] = '1';
      fields[`cells[${i}][workPackage]`] = '';
      fields[`cells[${i}][share]`] = share;
    }
    return fields;
  }

  beforeAll(async () => {
    t = await createTestApp();
    [buyer, company, supplier, outsider] = await Promise.all([signUp(t, 'buyer'), signUp(t, 'company'), signUp(t, 'supplier'), signUp(t, 'company')]);
    const common = { prestationTypes: ['PREST'], openToCoContracting: true, interventionArea: { type: 'radius', radiusKm: 60 }, sectors: ['nettoyage-locaux'] };
    lead = await createStructure(t, company.auth, { ...common, name: 'Propreté Lyonnaise SAS', kind: 'COMPANY', communeCode: '69123' });
    partner = await createStructure(t, supplier.auth, { ...common, name: 'Net Insertion Villeurbanne', kind: 'EI', communeCode: '69266' });
    await createStructure(t, outsider.auth, { ...common, name: 'Concurrent SARL', kind: 'COMPANY', communeCode: '69123' });
    const tender = await t
      .http()
      .post('/api/v1/tenders')
      .set(buyer.auth)
      .send({
        title: 'Nettoyage des écoles',
        buyer: { name: 'Ville de Lyon', kind: 'public' },
        cpvCodes: ['90919200-4'],
        executionCommuneCode: '69123',
        responseDeadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        durationMonths: 12,
        lots: [{ number: 1, title: 'Écoles du 3e', sectors: ['nettoyage-locaux'], estimatedAmountEur: 200_000, prestationType: 'PREST', reservation: 'NONE', socialClause: { type: 'EXECUTION_CONDITION', insertionHours: 400 } }],
      })
      .expect(201);
    tenderId = tender.body.id;
    await t.http().post(`/api/v1/tenders/${tenderId}/publish`).set(buyer.auth).expect(200);
    for (const [name, account] of Object.entries({ buyer, company, supplier, outsider })) agents[name] = await logIn(account);
  });
  afterAll(() => t?.close());

  it('opens a groupement from scratch, invites by SIRET, and the invited owner accepts from a notification', async () => {
    const tenderPage = await page(agents.company, `/appels-d-offres/${tenderId}`).expect(200);
    expect(tenderPage.text).toContain(`href="/appels-d-offres/${tenderId}/groupement">Monter un groupement</a>`);
    const form = await formPage(agents.company, `/appels-d-offres/${tenderId}/groupement`);
    expect(form.html).toContain('Propreté Lyonnaise SAS');
    const missing = await postForm(agents.company, `/appels-d-offres/${tenderId}/groupement`, form.csrf, { leadStructureId: lead.id }).expect(400);
    expect(missing.text).toContain('Le formulaire contient une erreur');
    expect(missing.text).toContain('cochez au moins un lot');
    const created = await postForm(agents.company, `/appels-d-offres/${tenderId}/groupement`, form.csrf, { leadStructureId: lead.id, lots: '1' }).expect(303);
    bidPath = created.headers.location;
    expect(bidPath).toMatch(/^\/groupements\/[0-9a-f-]{36}$/);

    const workspace = await page(agents.company, bidPath).expect(200);
    expect(workspace.text).toContain('Groupement pour « Nettoyage des écoles »');
    expect(workspace.text).toContain('En constitution');
    expect(workspace.text).toContain('Le groupement est ouvert');
    expect(workspace.text).toContain('a créé le groupement, géré par : « Propreté Lyonnaise SAS »');

    // The lookup works without JavaScript: a GET form, then one POST button per structure found.
    const spaced = `${partner.siret.slice(0, 3)} ${partner.siret.slice(3, 6)} ${partner.siret.slice(6)}`;
    const found = await formPage(agents.company, `${bidPath}?structure=${encodeURIComponent(spaced)}`);
    expect(found.html).toContain('1 structure trouvée');
    expect(found.html).toContain('Net Insertion Villeurbanne');
    const invited = await postForm(agents.company, `${bidPath}/invitations`, found.csrf, { structureId: partner.id }).expect(303);
    expect(invited.headers.location).toBe(`${bidPath}#membres`);
    const again = await postForm(agents.company, `${bidPath}/invitations`, found.csrf, { structureId: partner.id }).expect(409);
    expect(again.text).toContain('href="#structure"');
    expect(again.text).toContain('déjà membre ou invitée');

    // The invited owner sees the unread count in the header and the invitation in the list.
    const notifications = await formPage(agents.supplier, '/notifications');
    expect(notifications.html).toMatch(/Notifications&nbsp;<span class="app-unread">1<span class="fr-sr-only"> non lue<\/span>/);
    expect(notifications.html).toContain('Invitation à rejoindre un groupement');
    const id = /action="\/notifications\/([0-9a-f-]{36})\/lue"/.exec(notifications.html)![1];
    const read = await postForm(agents.supplier, `/notifications/${id}/lue`, notifications.csrf, { next: bidPath }).expect(303);
    expect(read.headers.location).toBe(bidPath);
    const after = await page(agents.supplier, '/notifications').expect(200);
    expect(after.text).toContain('Aucune notification non lue.');

    const asMember = await formPage(agents.supplier, bidPath);
    expect(asMember.html).toContain(`action="${bidPath}/membres/${partner.id}/accepter"`);
    expect(asMember.html).not.toContain('Vérifier et déposer');
    expect(asMember.html).toContain('Seule la structure qui gère l’espace du groupement peut inviter');
    await postForm(agents.supplier, `${bidPath}/membres/${partner.id}/accepter`, asMember.csrf, {}).expect(303);
    const accepted = await page(agents.company, bidPath).expect(200);
    expect(accepted.text).toMatch(/<strong>Compte supplier<\/strong> a accepté l’invitation pour « Net Insertion Villeurbanne »/);
  });

  it('refuses every bid form without a valid CSRF token, and changes nothing', async () => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS count FROM bid_events`);
    const html = (await page(agents.company, bidPath).expect(200)).text;
    const forms = [
      `${bidPath}/composition`,
      `${bidPath}/invitations`,
      `${bidPath}/depot`,
      `${bidPath}/membres/${partner.id}/retirer`,
      `/appels-d-offres/${tenderId}/groupement`,
    ];
    for (const path of forms) {
      const res = await agents.company.post(path).type('form').set('Accept', BROWSER_ACCEPT).send(compositionFields(html, { [lead.id]: '50' }, { leadStructureId: lead.id, lots: '1' })).expect(403);
      expect(res.text).toContain('Ce formulaire a expiré');
      await postForm(agents.company, path, 'forged', {}).expect(403);
    }
    const other = await formPage(agents.outsider, '/mes-groupements');
    await postForm(agents.company, `${bidPath}/depot`, other.csrf, {}).expect(403);
    expect(await t.dataSource.query(`SELECT count(*)::int AS count FROM bid_events`)).toEqual(before);
  });

  it('puts composition errors on the grid cells, names violated rules, then freezes the bid once submitted', async () => {
    const form = await formPage(agents.company, bidPath);
    expect(form.html).toContain('<label class="fr-sr-only" for="cells-0-share">Part de Propreté Lyonnaise SAS, Lot 1 – Écoles du 3e (en %)</label>');
    const unreadable = await postForm(agents.company, `${bidPath}/composition`, form.csrf, compositionFields(form.html, { [lead.id]: 'soixante', [partner.id]: '40' })).expect(400);
    expect(unreadable.text).toContain('<title>Erreur : Groupement – Nettoyage des écoles – Marché inclusif</title>');
    expect(unreadable.text).toMatch(/<a href="#cells-\d+-share">Part 1 : une part est un pourcentage/);
    expect(unreadable.text).toContain('value="soixante"');
    const tooMuch = await postForm(agents.company, `${bidPath}/composition`, form.csrf, compositionFields(form.html, { [lead.id]: '70', [partner.id]: '40' })).expect(400);
    expect(tooMuch.text).toContain('<a href="#assignments">Répartition : lot 1 : les parts totalisent 110 %, au-delà de 100 %</a>');

    await postForm(agents.company, `${bidPath}/composition`, form.csrf, compositionFields(form.html, { [lead.id]: '50', [partner.id]: '40' })).expect(303);
    const refused = await postForm(agents.company, `${bidPath}/depot`, form.csrf, {}).expect(422);
    expect(refused.text).toContain('Le groupement ne peut pas être déposé : 1 règle non respectée');
    expect(refused.text).toMatch(/<a href="#repartition"><strong>Répartition complète<\/strong> : Lot 1 : les parts des membres totalisent 90 %/);
    expect(refused.text).toMatch(/<summary>Références des règles \(pour les experts\)<\/summary><p class="fr-text--xs fr-mb-0">V7<\/p>/);

    await postForm(agents.company, `${bidPath}/composition`, form.csrf, compositionFields(form.html, { [lead.id]: '60', [partner.id]: '40' }, { mandataireSolidaire: 'on' })).expect(303);
    const asked = await postForm(agents.company, `${bidPath}/depot`, form.csrf, {}).expect(200);
    expect(asked.text).toContain('<h1>Déposer le groupement ?</h1>');
    expect(asked.text).toContain('<input type="hidden" name="confirm" value="oui">');
    expect((await page(agents.company, bidPath).expect(200)).text).toContain('Vérifier et déposer'); // nothing submitted yet
    const ok = await postForm(agents.company, `${bidPath}/depot`, form.csrf, { confirm: 'oui' }).expect(303);
    expect(ok.headers.location).toBe(bidPath);
    const frozen = await page(agents.company, bidPath).expect(200);
    expect(frozen.text).toContain('fr-badge--success fr-badge--sm">Déposé</p>');
    expect(frozen.text).not.toContain('Vérifier et déposer');
    expect(frozen.text).not.toContain(`action="${bidPath}/composition"`);
    expect(frozen.text).toContain('a modifié la répartition des prestations, la solidarité du mandataire');
    // The split is shared on one lot in a conjoint groupement: a warning, never a refusal.
    expect(frozen.text).toMatch(/Points de vigilance[\s\S]*<strong>Répartition complète<\/strong>/);
    const late = await postForm(agents.company, `${bidPath}/composition`, form.csrf, compositionFields(form.html, { [lead.id]: '50', [partner.id]: '50' })).expect(409);
    expect(late.text).toContain('sa composition est figée');
  });

  it('shows the bid and its summary to members and the buyer only; outsiders get the 404 page', async () => {
    const summary = await page(agents.buyer, `${bidPath}/synthese`).expect(200);
    expect(summary.text).toContain('Synthèse du groupement');
    expect(summary.text).toContain(partner.siret);
    expect(summary.text).toContain('Groupement conjoint');
    expect(summary.text).toMatch(/Mandataire<\/dt><dd>Propreté Lyonnaise SAS – SIRET \d{14}/);
    expect(summary.text).toContain('120 000 €'); // 60 % of 200 000 €
    const asBuyer = await page(agents.buyer, bidPath).expect(200);
    expect(asBuyer.text).not.toContain('accepter"');
    await page(agents.supplier, `${bidPath}/synthese`).expect(200);

    for (const path of [bidPath, `${bidPath}/synthese`]) {
      const res = await page(agents.outsider, path).expect(404);
      expect(res.text).toContain('Page non trouvée');
    }
    const outsiderForm = await formPage(agents.outsider, '/mes-groupements');
    expect(outsiderForm.html).toContain('Vous ne participez encore à aucun groupement.');
    await postForm(agents.outsider, `${bidPath}/membres/${partner.id}/decliner`, outsiderForm.csrf, {}).expect(404);
    await page(agents.company, '/groupements/00000000-0000-0000-0000-000000000000').expect(404);
    const anonymous = await t.http().get(bidPath).set('Accept', BROWSER_ACCEPT).expect(303);
    expect(anonymous.headers.location).toBe(`/connexion?next=${encodeURIComponent(bidPath)}`);

    // "Mes groupements": the lead, the member and the buyer each see the bid with their place in it.
    for (const [name, place] of [['company', 'Chef de file'], ['supplier', 'Membre'], ['buyer', 'Acheteur']] as const) {
      const mine = await page(agents[name], '/mes-groupements').expect(200);
      expect(mine.text).toContain(`<a href="${bidPath}">Nettoyage des écoles</a>`);
      expect(mine.text).toContain(`<td>${place}</td>`);
    }
  });

  it('lets only the lead change a bid, and only the owner of a structure lead with it', async () => {
    // A non-lead member posting the lead's form gets the 403 page (a fresh bid, still forming).
    const form = await formPage(agents.company, `/appels-d-offres/${tenderId}/groupement`);
    const created = await postForm(agents.company, `/appels-d-offres/${tenderId}/groupement`, form.csrf, { leadStructureId: lead.id, lots: '1' }).expect(303);
    const second = created.headers.location;
    const html = (await formPage(agents.company, second)).html;
    const invite = await formPage(agents.company, `${second}?structure=${partner.siret}`);
    await postForm(agents.company, `${second}/invitations`, invite.csrf, { structureId: partner.id }).expect(303);
    const member = await formPage(agents.supplier, second);
    const refused = await postForm(agents.supplier, `${second}/composition`, member.csrf, compositionFields(html, { [lead.id]: '100' })).expect(403);
    expect(refused.text).toContain('Accès refusé');
    // Someone else's structure cannot lead: the service refuses, the page says so.
    const wrongLead = await postForm(agents.outsider, `/appels-d-offres/${tenderId}/groupement`, (await formPage(agents.outsider, `/appels-d-offres/${tenderId}/groupement`)).csrf, { leadStructureId: lead.id, lots: '1' });
    expect(wrongLead.status).toBe(403);
    // A buyer cannot open the "Monter un groupement" form.
    await page(agents.buyer, `/appels-d-offres/${tenderId}/groupement`).expect(403);
  });
});
