// Accounts in a real browser: signing up, errors shown accessibly, logging out and in, with and without JavaScript.
import { BrowserHarness, screenshot, signUpInBrowser, startBrowserHarness } from '../support/browser';

jest.setTimeout(120_000);

describe('accounts in the browser', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  });
  afterAll(() => h?.close());

  it('shows the home page with the service name, navigation and skip links', async () => {
    const { page } = await h.newUser();
    await page.goto('/');
    await expect(page.title()).resolves.toBe('Accueil – Marché inclusif');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Rechercher' }).waitFor();
    await screenshot(page, 'accueil');
    // The first Tab reaches the skip link, and following it moves focus to the content.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate('document.activeElement && document.activeElement.textContent');
    expect(focused).toBe('Aller au contenu');
  });

  it('refuses a bad registration with errors next to the fields and a summary, without JavaScript', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await page.goto('/inscription');
    await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect(page.title()).resolves.toBe('Erreur : Créer un compte – Marché inclusif');
    const summary = page.getByRole('alert');
    await summary.getByText('Le formulaire contient').waitFor();
    // The summary links to the field; the field carries its message.
    await summary.getByRole('link', { name: /adresse e-mail invalide/ }).click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('email');
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#email-error').getByText('adresse e-mail invalide').waitFor();
  });

  it('signs up as a supplier, logs out, and logs back in', async () => {
    const { page } = await h.newUser();
    const { email, password } = await signUpInBrowser(page, 'supplier', 'Atelier Vert');
    expect(new URL(page.url()).pathname).toBe('/mes-structures');
    await page.getByRole('button', { name: 'Déconnexion' }).first().click();
    await page.getByText('Vous êtes déconnecté(e).').waitFor();
    await page.getByRole('link', { name: 'Connexion' }).first().click();
    await page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(email);
    await page.getByLabel(/^Mot de passe/).fill(password);
    await screenshot(page, 'connexion');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Vous êtes connecté(e) en tant que Atelier Vert.').waitFor();
  });
});
