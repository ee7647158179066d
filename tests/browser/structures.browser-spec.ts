// A supplier signs up, lists its structure, edits every part of its offer, finds it in search, and delists it.
import { BrowserHarness, screenshot, signUpInBrowser, startBrowserHarness, tick } from '../support/browser';
import { validSiret, waitForSearch } from '../support/web-fixtures';

jest.setTimeout(150_000);

describe('structures manage their offer in the browser', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
  });
  afterAll(() => h?.close());

  it('signs up as a supplier, creates a structure, edits it and delists it', async () => {
    const { page } = await h.newUser();
    await signUpInBrowser(page, 'supplier', 'Régie de quartier Croix-Rousse');
    await page.getByRole('heading', { name: 'Mes structures' }).waitFor();
    await page.getByRole('link', { name: 'Inscrire une structure' }).click();

    // First attempt with mistakes: summary at the top, each message next to its field.
    await page.getByLabel(/^SIRET/).fill('123');
    await page.getByRole('button', { name: 'Inscrire la structure' }).click();
    await expect(page.title()).resolves.toBe('Erreur : Inscrire une structure – Marché inclusif');
    const summary = page.getByRole('alert');
    await summary.getByRole('link', { name: /^SIRET : / }).waitFor();
    await summary.getByRole('link', { name: /^Raison sociale : / }).waitFor();
    await summary.getByRole('link', { name: /^Secteurs d’activité : / }).waitFor();
    await summary.getByRole('link', { name: /^Commune du siège : / }).waitFor();
    expect(await page.locator('#siret').getAttribute('aria-invalid')).toBe('true');

    const siret = validSiret();
    await page.getByLabel(/^SIRET/).fill(siret);
    await page.getByLabel(/^Raison sociale/).fill('Croix-Rousse Services');
    await page.getByLabel(/^Type de structure/).selectOption('EI');
    await page.getByLabel(/^Commune/).fill('69004');
    await tick(page, 'radio', 'Dans certains départements');
    await page.getByLabel(/^Départements/).fill('69, 01');
    // The sector list is filtered by a small script; the checkboxes work the same without it.
    await page.getByLabel(/^Filtrer la liste des secteurs/).fill('vitres');
    await page.getByText(/secteur\(s\) affiché\(s\)/).waitFor();
    await tick(page, 'checkbox', 'Nettoyage de vitres');
    await page.getByLabel(/^Filtrer la liste des secteurs/).fill('');
    await tick(page, 'checkbox', 'Nettoyage de locaux (bureaux, écoles, équipements)');
    await tick(page, 'checkbox', 'Prestation de service');
    await page.getByLabel('Intitulé').first().fill('Entretien de bureaux');
    await page.getByLabel(/^Chiffre d’affaires annuel/).fill('1 200 000');
    await page.getByLabel(/^Nombre de salariés/).fill('25');
    await tick(page, 'checkbox', /^Ouverte à la co-traitance/);
    await page.getByRole('button', { name: 'Inscrire la structure' }).click();

    await page.getByRole('heading', { level: 1, name: 'Croix-Rousse Services' }).waitFor();
    await page.getByText(/La structure Croix-Rousse Services est inscrite/).waitFor();
    await page.getByText('Départements : Rhône (69), Ain (01)').waitFor();
    await page.getByText('1 200 000 €').waitFor();
    await page.getByText('Entretien de bureaux').waitFor();
    const id = new URL(page.url()).pathname.split('/')[2];

    // Edit: every field is there with its current value; change the area, capacity, sectors and contact.
    await page.getByRole('link', { name: 'Modifier l’offre' }).click();
    expect(await page.getByLabel(/^Raison sociale/).inputValue()).toBe('Croix-Rousse Services');
    expect(await page.getByLabel(/^Commune/).inputValue()).toBe('Lyon (69123)');
    expect(await page.getByRole('checkbox', { name: 'Nettoyage de vitres' }).isChecked()).toBe(true);
    await page.getByRole('heading', { name: 'Activités' }).evaluate((h) => (h as unknown as { scrollIntoView: () => void }).scrollIntoView());
    await screenshot(page, 'structure-formulaire');
    await tick(page, 'radio', 'Dans un rayon autour du siège');
    await page.getByLabel(/^Rayon/).fill('25');
    await page.getByRole('checkbox', { name: 'Nettoyage de vitres' }).uncheck({ force: true });
    await tick(page, 'checkbox', 'Entretien des espaces verts');
    await page.getByLabel(/^Nombre de salariés/).fill('trente');
    await page.getByLabel(/^E-mail de contact/).fill('contact@croix-rousse.example');
    await page.getByRole('textbox', { name: 'Client', exact: true }).first().fill('Métropole de Lyon');
    await page.getByRole('textbox', { name: /^Année/ }).first().fill('2024');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    // A number that is not one is refused on its field; everything typed is kept.
    await page.locator('#capacity-employees-error').getByText(/doit être un nombre/).waitFor();
    expect(await page.getByLabel(/^E-mail de contact/).inputValue()).toBe('contact@croix-rousse.example');
    await page.getByLabel(/^Nombre de salariés/).fill('30');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByText('Les modifications sont enregistrées.').waitFor();
    await page.getByText('Dans un rayon de 25 km autour de Lyon').waitFor();
    await page.getByText('Métropole de Lyon (2024)').waitFor();
    await page.getByText('Entretien des espaces verts').waitFor();
    expect(await page.getByText('Nettoyage de vitres').count()).toBe(0);

    // Searchable by its new sector, then delisted: out of search.
    await waitForSearch(h.t, 'sectors=entretien-espaces-verts', 1);
    await page.goto('/recherche?sectors=entretien-espaces-verts');
    await page.getByRole('link', { name: 'Croix-Rousse Services' }).waitFor();
    await page.goto(`/structures/${id}/modifier`);
    await page.getByRole('link', { name: 'Retirer du catalogue' }).click();
    await page.getByRole('button', { name: 'Retirer du catalogue' }).click();
    await page.getByText(/est retirée du catalogue/).waitFor();
    await page.getByText('Retirée', { exact: true }).waitFor();
    const deadline = Date.now() + 10_000;
    let total = 1;
    while (total > 0 && Date.now() < deadline) {
      total = (await h.t.http().get('/api/v1/search/structures?sectors=entretien-espaces-verts')).body.total;
      if (total > 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(total).toBe(0);
  });

  it('sends people to the login page when a page needs an account, and back afterwards', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await page.goto('/structures/nouvelle');
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/structures/nouvelle');
    await page.getByRole('link', { name: 'Créer un compte' }).first().click();
    await signUpInBrowser(page, 'buyer', 'Acheteur');
    // A buyer may not list structures: the 403 page says so in French.
    const response = await page.goto('/structures/nouvelle');
    expect(response?.status()).toBe(403);
    await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
  });
});
