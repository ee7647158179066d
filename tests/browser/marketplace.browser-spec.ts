// The marketplace loop in a real browser, against the real API, database, queue, worker and an SMTP sink:
// the buyer publishes from the tender page → the three suppliers whose structures serve the place are
// alerted by e-mail (not the one far away) and open the read-only link without logging in → two answer
// « intéressé », one « pas intéressé » with a reason → the buyer sees two notifications and the list →
// the company asks for a partner on the board → a supplier asks for contact, the company accepts and opens
// the groupement from the contact → the supplier accepts, the company splits the work and submits → the
// buyer is notified.
import type { Page } from 'playwright-core';
import { BrowserHarness, logInBrowser, screenshot, startBrowserHarness, tick } from '../support/browser';
import { signUp } from '../support/test-app';
import { villeurbanneTender } from '../support/bid-fixtures';
import { createStructure } from '../support/web-fixtures';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

jest.setTimeout(180_000);

type Account = Awaited<ReturnType<typeof signUp>>;
const unfold = (text: string) => text.replace(/=?\r?\n/g, '');

describe('marketplace loop in the browser', () => {
  let h: BrowserHarness;
  let sink: SmtpSink;
  let buyer: Account, greensA: Account, greensB: Account, greensC: Account, faraway: Account, company: Account;
  let tenderId: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    h = await startBrowserHarness({ worker: true, config: { smtpUrl: sink.url, alerts: { perLot: 20, sweepEveryMs: 200 } } });
    [buyer, greensA, greensB, greensC, faraway, company] = await Promise.all([
      signUp(h.t, 'buyer'),
      signUp(h.t, 'supplier'),
      signUp(h.t, 'supplier'),
      signUp(h.t, 'supplier'),
      signUp(h.t, 'supplier'),
      signUp(h.t, 'company'),
    ]);
    const common = { prestationTypes: ['PREST'], openToCoContracting: true, interventionArea: { type: 'radius', radiusKm: 60 }, capacity: { annualRevenueEur: 500_000 } };
    await Promise.all([
      createStructure(h.t, greensA.auth, { ...common, name: 'Jardins de Vénissieux', kind: 'ACI', communeCode: '69266', sectors: ['entretien-espaces-verts'] }),
      createStructure(h.t, greensB.auth, { ...common, name: 'Espaces Verts Solidaires', kind: 'EI', communeCode: '69123', sectors: ['entretien-espaces-verts'] }),
      createStructure(h.t, greensC.auth, { ...common, name: 'Atelier Vert ESAT', kind: 'ESAT', communeCode: '69266', sectors: ['entretien-espaces-verts'] }),
      createStructure(h.t, faraway.auth, { ...common, name: 'Calanques Nature', kind: 'ACI', communeCode: '13055', interventionArea: { type: 'radius', radiusKm: 30 }, sectors: ['entretien-espaces-verts'] }),
      createStructure(h.t, company.auth, { ...common, name: 'Paysages du Rhône SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 3_000_000 } }),
    ]);
    const draft = await h.t.http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender({ title: 'Entretien des parcs de Villeurbanne' })).expect(201);
    tenderId = draft.body.id;
  });
  afterAll(async () => {
    await h?.close();
    await sink?.close();
  });

  const logIn = (account: Account, next: string): Promise<Page> => logInBrowser(h, account, next);

  /** Final actions may ask for confirmation on a page of their own: confirm when asked, then see `done`. */
  async function confirmIfAsked(page: Page, confirmButton: string, done: string) {
    const confirm = page.getByRole('button', { name: confirmButton, exact: true });
    const outcome = page.getByText(done).first();
    await Promise.race([confirm.waitFor().catch(() => undefined), outcome.waitFor()]);
    if (await confirm.isVisible()) await confirm.click();
    await outcome.waitFor();
  }

  async function answer(account: Account, status: RegExp, reason?: string) {
    const page = await logIn(account, `/appels-d-offres/${tenderId}`);
    await page.getByRole('link', { name: 'Répondre à l’acheteur' }).click();
    await page.getByRole('heading', { level: 1, name: 'Répondre à l’acheteur' }).waitFor();
    await tick(page, 'radio', status);
    if (reason) await page.getByLabel(/^Raison/).fill(reason);
    await page.getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await page.getByText(/transmis(e)? à l’acheteur/).first().waitFor();
    return page;
  }

  it('publish → alerts → answers → buyer told → partner board → groupement → submitted → buyer told', async () => {
    // The buyer publishes from the tender's page.
    const buyerPage = await logIn(buyer, `/appels-d-offres/${tenderId}`);
    await buyerPage.getByRole('button', { name: 'Publier' }).click();
    await confirmIfAsked(buyerPage, 'Publier l’appel d’offres', 'L’appel d’offres est publié');

    // Three alerts by e-mail; the read-only link opens without logging in.
    const mails = await Promise.all([greensA, greensB, greensC].map((a) => sink.waitFor((m) => m.to.includes(a.email) && m.subject.startsWith('Nouvel appel d’offres'), 30_000)));
    const link = /\/appels-d-offres\/lien\/[\w-]+\.[\w-]+/.exec(unfold(mails[0].text))![0];
    const { page: anonymous } = await h.newUser();
    await anonymous.goto(link);
    await anonymous.getByRole('heading', { level: 1, name: 'Entretien des parcs de Villeurbanne' }).waitFor();
    await anonymous.getByText('Consultation en lecture seule').waitFor();
    await screenshot(anonymous, 'appel-d-offres-lien');
    expect(sink.messages.some((m) => m.to.includes(faraway.email))).toBe(false);

    // Two interested, one not (with a reason).
    const pageA = await answer(greensA, /^Intéressé/);
    await screenshot(pageA, 'repondre-acheteur');
    await answer(greensB, /^Intéressé/);
    await answer(greensC, /^Pas intéressé/, 'Plan de charge complet jusqu’en septembre');

    // The buyer: two notifications, then the list.
    await buyerPage.goto('/notifications');
    await buyerPage.getByRole('heading', { name: 'Une première structure est intéressée par « Entretien des parcs de Villeurbanne »' }).waitFor();
    await buyerPage.getByRole('heading', { name: '2 structures sont intéressées par « Entretien des parcs de Villeurbanne »' }).waitFor();
    await buyerPage.getByRole('button', { name: /^Ouvrir : 2 structures/ }).click();
    await buyerPage.getByRole('heading', { level: 1, name: 'Réponses des structures' }).waitFor();
    await buyerPage.getByText('2 structures intéressées, 1 pas intéressée.').waitFor();
    await buyerPage.getByRole('cell', { name: 'Plan de charge complet jusqu’en septembre' }).waitFor();
    await screenshot(buyerPage, 'reponses-structures');

    // The company asks for a partner.
    const companyPage = await logIn(company, `/appels-d-offres/${tenderId}/partenaires`);
    await tick(companyPage, 'checkbox', /^Lot 1 –/);
    await tick(companyPage, 'checkbox', /^Atelier et chantier d.insertion/);
    await companyPage.getByLabel(/^Part du lot proposée/).fill('40');
    await companyPage.getByLabel(/^Ce que vous cherchez/).fill('Nous cherchons une SIAE pour la taille des haies.');
    await companyPage.getByRole('button', { name: 'Publier ma demande' }).click();
    await companyPage.getByText('Votre demande est publiée sur la bourse').waitFor();

    // A supplier sees it anonymously and asks for contact.
    const boardA = await logIn(greensA, `/appels-d-offres/${tenderId}/partenaires`);
    await boardA.getByRole('heading', { name: 'Auteur anonyme' }).waitFor();
    expect(await boardA.getByText('Paysages du Rhône SAS').count()).toBe(0);
    await boardA.getByLabel(/^Message à l’auteur/).fill('Nous faisons de la taille toute l’année.');
    await boardA.getByRole('button', { name: 'Demander le contact' }).click();
    await boardA.getByText('Votre demande de contact est envoyée').waitFor();
    await screenshot(boardA, 'bourse-co-traitance');

    // The company accepts and opens the groupement from the contact.
    await companyPage.reload();
    await companyPage.getByText('Nous faisons de la taille toute l’année.').waitFor();
    await companyPage.getByRole('button', { name: 'Accepter le contact de Jardins de Vénissieux' }).click();
    await companyPage.getByText('Contact accepté').waitFor();
    await boardA.reload();
    await boardA.getByRole('heading', { name: /Paysages du Rhône SAS/ }).waitFor();
    await companyPage.getByRole('button', { name: 'Monter le groupement avec Jardins de Vénissieux' }).click();
    await companyPage.getByText('Le groupement est ouvert et votre partenaire y est invité').waitFor();
    const bidPath = new URL(companyPage.url()).pathname;

    // The supplier accepts; the company splits the work and submits.
    await boardA.goto(bidPath);
    await boardA.getByRole('button', { name: /^Accepter l’invitation pour/ }).click();
    await boardA.getByText('Vous avez rejoint le groupement.').waitFor();
    await companyPage.goto(bidPath);
    await companyPage.getByLabel(/^Part de Paysages du Rhône SAS, .*Tonte/).fill('100');
    await companyPage.getByLabel(/^Part de Jardins de Vénissieux, .*Taille/).fill('100');
    await companyPage.getByRole('button', { name: 'Enregistrer la composition' }).click();
    await companyPage.getByText('La composition du groupement est enregistrée.').waitFor();
    await companyPage.getByRole('button', { name: 'Vérifier et déposer' }).click();
    await confirmIfAsked(companyPage, 'Déposer le groupement', 'Le groupement est déposé : sa composition est désormais figée.');

    // The buyer is told, in-app and by e-mail.
    await buyerPage.goto('/notifications');
    await buyerPage.getByRole('heading', { name: 'Un groupement a déposé une offre' }).waitFor();
    await sink.waitFor((m) => m.to.includes(buyer.email) && m.subject === 'Un groupement a déposé une offre');
  });
});
