// SIRET squatting through the pages (issue 13, item 8): someone registers a structure with another
// establishment's SIRET; the real owner claims it and sees « revendication en cours »; an admin reviews it
// (a rejection needs a reason), approves it, and the claimant gets the structure.
import type { Page } from 'playwright-core';
import { BrowserHarness, signUpInBrowser, startBrowserHarness } from '../support/browser';
import { signUp } from '../support/test-app';
import { validSiret } from '../support/web-fixtures';

jest.setTimeout(150_000);

const ADMIN = { email: 'admin-claims-browser@example.org', password: 'mot de passe administrateur' };

/** PNGs at desktop and phone widths into SCREENSHOT_TMP (for a person to look at; not the README's screenshots). */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_TMP;
  if (!dir) return;
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('claiming a squatted SIRET in the browser', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness({ config: { admin: ADMIN } });
  });
  afterAll(() => h?.close());

  it('the real owner claims, sees « revendication en cours », the admin rejects without reason (refused) then approves', async () => {
    const squatter = await signUp(h.t, 'supplier');
    const siret = validSiret();
    const created = await h.t
      .http()
      .post('/api/v1/structures')
      .set(squatter.auth)
      .send({ siret, name: 'Propreté Inventée', kind: 'EI', communeCode: '69266', interventionArea: { type: 'radius', radiusKm: 30 }, sectors: ['nettoyage-locaux'], prestationTypes: ['PREST'], openToCoContracting: true })
      .expect(201);
    const structureId = created.body.id as string;

    const { page } = await h.newUser();
    await signUpInBrowser(page, 'supplier', 'Régie Propreté Villeurbanne');
    await page.goto('/structures/revendiquer');
    await page.getByLabel(/^SIRET de la structure/).fill(siret);
    await page.getByRole('main').getByRole('button', { name: 'Chercher' }).click();
    await page.getByText('Cette structure a déjà un propriétaire.', { exact: false }).waitFor();
    await page.getByRole('link', { name: /^Revendiquer Propreté Inventée/ }).click();
    await page.getByLabel(/^Votre lien avec la structure/).fill('Je suis la directrice de la régie ; Kbis et convention DDETS disponibles.');
    await page.getByRole('button', { name: 'Envoyer la demande' }).click();
    await page.getByRole('heading', { name: 'Revendication en cours' }).waitFor();
    await page.getByText(/Un administrateur vérifie votre lien avec la structure/).waitFor();
    await page.getByText('Non vérifiée', { exact: true }).waitFor();
    await shoot(page, 'structure-revendication-en-cours');
    await page.goto('/mes-structures');
    await page.getByRole('heading', { name: 'Mes revendications' }).waitFor();
    await shoot(page, 'mes-structures-revendications');

    const admin = (await h.newUser()).page;
    await admin.goto('/connexion');
    await admin.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(ADMIN.email);
    await admin.getByLabel(/^Mot de passe/).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Se connecter' }).click();
    await admin.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Revendications' }).click();
    await admin.getByRole('heading', { name: 'Revendications et structures à vérifier' }).waitFor();
    await admin.getByText('Contestée', { exact: false }).first().waitFor();
    await shoot(admin, 'admin-revendications');
    await admin.getByRole('button', { name: 'Rejeter la revendication de Propreté Inventée' }).click();
    await admin.getByText(/le motif est obligatoire/).first().waitFor();
    await admin.getByRole('button', { name: 'Approuver la revendication de Propreté Inventée' }).click();
    await admin.getByText(/Revendication approuvée/).waitFor();

    await page.goto(`/structures/${structureId}`);
    await page.getByRole('link', { name: 'Modifier l’offre' }).waitFor();
    expect(await page.getByText('Non vérifiée', { exact: true }).count()).toBe(0);
    await page.goto('/notifications');
    await page.getByText('Revendication approuvée').first().waitFor();
  });
});
