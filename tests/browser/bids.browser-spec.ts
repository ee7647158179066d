// The groupement journey in a real browser, against the real API, database, queue and worker: a company
// asks for proposals on a published tender, opens a bid from the best one, the partner structures' owner
// accepts the invitations, the lead adjusts the composition and submits; the bid is then frozen. The
// buyer prints the summary; an outsider gets the 404 page.
import type { Page } from 'playwright-core';
import { BrowserHarness, logInBrowser, screenshot, startBrowserHarness, tick } from '../support/browser';
import { signUp } from '../support/test-app';
import { createBidTender } from '../support/bid-fixtures';
import { createStructure } from '../support/web-fixtures';

jest.setTimeout(120_000);

type Account = Awaited<ReturnType<typeof signUp>>;

describe('bid workspace in the browser', () => {
  let h: BrowserHarness;
  let tenderId: string;
  let buyer: Account;
  let company: Account;
  let supplier: Account;
  let outsider: Account;
  const sirets: string[] = [];

  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
    [buyer, company, supplier, outsider] = await Promise.all([signUp(h.t, 'buyer'), signUp(h.t, 'company'), signUp(h.t, 'supplier'), signUp(h.t, 'company')]);
    const common = { prestationTypes: ['PREST'], openToCoContracting: true, interventionArea: { type: 'radius', radiusKm: 60 } };
    const structures = await Promise.all([
      createStructure(h.t, company.auth, { ...common, name: 'Paysages Durables SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 3_000_000 } }),
      createStructure(h.t, supplier.auth, { ...common, name: 'Jardins de Villeurbanne', kind: 'ACI', communeCode: '69266', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 400_000 } }),
      createStructure(h.t, supplier.auth, { ...common, name: 'Élagage Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['elagage-abattage'], capacity: { annualRevenueEur: 600_000 } }),
    ]);
    sirets.push(...structures.map((s) => s.siret));
    // Lot 1 in two work packages (the proposals' lot: the anchor is an ordinary company), lot 2 reserved.
    tenderId = (await createBidTender(h.t, buyer)).id;
  });
  afterAll(() => h?.close());

  const logIn = (account: Account, next: string): Promise<Page> => logInBrowser(h, account, next);

  it('opens a bid from the best proposal, gathers acceptances, adjusts, submits; the buyer prints the summary', async () => {
    // The company asks for proposals and opens a bid from the best one.
    const lead = await logIn(company, `/appels-d-offres/${tenderId}`);
    await lead.getByRole('link', { name: 'Proposer des groupements' }).click();
    await lead.getByRole('button', { name: 'Lancer le calcul' }).click();
    await lead.getByRole('heading', { name: /Comparer les \d+ propositions/ }).waitFor({ timeout: 60_000 });
    await lead.locator('#proposition-1').getByRole('button', { name: 'Constituer ce groupement n° 1' }).click();
    await lead.getByRole('heading', { level: 1, name: 'Constituer le groupement n° 1' }).waitFor();
    expect(await lead.getByRole('radio', { name: /Paysages Durables SAS/ }).isChecked()).toBe(true);
    await lead.getByRole('button', { name: 'Ouvrir le groupement' }).click();
    await lead.getByRole('heading', { level: 1, name: 'Groupement pour « Entretien des espaces verts et nettoyage des équipements »' }).waitFor();
    const bidPath = new URL(lead.url()).pathname;
    expect(bidPath).toMatch(/^\/groupements\/[0-9a-f-]{36}$/);
    await lead.getByText(/structure\(s\) invitée\(s\) doivent accepter/).waitFor();
    const invited = await lead.getByText('Invitation en attente').count();
    expect(invited).toBeGreaterThan(0);

    // Submitting too early names what blocks, in the error summary that takes the focus.
    await lead.getByRole('button', { name: 'Vérifier et déposer' }).click();
    const summary = lead.locator('#resume-erreurs');
    await summary.getByText('Acceptation des membres').first().waitFor();
    expect(await summary.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);

    // The partners' owner sees the unread notifications in the header and accepts every invitation.
    const member = await logIn(supplier, '/mes-groupements');
    // (The count also includes the tender's publication alert when the partners are among its best candidates.)
    await member.getByRole('link', { name: /^Notifications\s*\d+ non lue/ }).click();
    await member.getByRole('button', { name: /^Voir le groupement/ }).first().click();
    await member.waitForURL((url) => url.pathname === bidPath);
    for (let i = 0; i < invited; i++) {
      await member.getByRole('button', { name: /^Accepter l’invitation pour/ }).first().click();
      await member.getByText('Vous avez rejoint le groupement.').waitFor();
    }
    expect(await member.getByRole('button', { name: /^Accepter/ }).count()).toBe(0);
    expect(await member.getByRole('button', { name: 'Vérifier et déposer' }).count()).toBe(0);

    // The lead switches the form of the groupement (conjoint ⇄ solidaire), saves, and submits.
    await lead.goto(bidPath);
    expect(await lead.getByText('Invitation en attente').count()).toBe(0);
    const wasConjoint = await lead.getByRole('radio', { name: 'Groupement conjoint' }).isChecked();
    const newForm = wasConjoint ? 'Groupement solidaire' : 'Groupement conjoint';
    await tick(lead, 'radio', newForm);
    await lead.getByRole('button', { name: 'Enregistrer la composition' }).click();
    await lead.getByText('La composition du groupement est enregistrée.').waitFor();
    expect(await lead.getByRole('radio', { name: newForm }).isChecked()).toBe(true);
    await lead.locator('#historique').getByText(/a modifié la forme du groupement/).waitFor();
    await lead.getByRole('heading', { level: 1 }).evaluate((heading) => (heading as unknown as { scrollIntoView: () => void }).scrollIntoView());
    await screenshot(lead, 'groupement');
    // Submitting is final: a confirmation page says so before anything happens.
    await lead.getByRole('button', { name: 'Vérifier et déposer' }).click();
    await lead.getByRole('heading', { level: 1, name: 'Déposer le groupement ?' }).waitFor();
    await lead.getByRole('button', { name: 'Déposer le groupement' }).click();
    await lead.getByText('Le groupement est déposé : sa composition est désormais figée.').waitFor();
    await lead.getByText('Déposé', { exact: true }).waitFor();
    expect(await lead.getByRole('button', { name: 'Vérifier et déposer' }).count()).toBe(0);
    expect(await lead.getByRole('button', { name: 'Enregistrer la composition' }).count()).toBe(0);
    await lead.locator('#historique').getByText('a déposé le groupement').waitFor();

    // The buyer opens the printable summary: DC1 facts, and no navigation when printed.
    const buyerPage = await logIn(buyer, `${bidPath}/synthese`);
    await buyerPage.getByRole('heading', { level: 1, name: 'Synthèse du groupement' }).waitFor();
    for (const siret of sirets.slice(0, 1)) await buyerPage.getByRole('cell', { name: siret }).waitFor();
    await buyerPage.getByRole('definition').filter({ hasText: newForm }).waitFor();
    await buyerPage.getByRole('cell', { name: /^Mandataire$/ }).first().waitFor();
    await buyerPage.reload(); // without the login message
    await screenshot(buyerPage, 'synthese');
    await buyerPage.emulateMedia({ media: 'print' });
    expect(await buyerPage.locator('header.fr-header').isVisible()).toBe(false);
    expect(await buyerPage.getByRole('button', { name: 'Imprimer' }).isVisible()).toBe(false);
    expect(await buyerPage.getByRole('table', { name: /Membres du groupement/ }).isVisible()).toBe(true);

    // Anyone else: the 404 page, as for an unknown address.
    const outsiderPage = await logIn(outsider, '/mes-groupements');
    await outsiderPage.goto(`${bidPath}/synthese`);
    await outsiderPage.getByRole('heading', { level: 1, name: 'Page non trouvée' }).waitFor();
  });
});
