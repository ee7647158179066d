// A buyer creates a tender with two lots (one reserved, one with a social clause and work packages),
// sees the insertion hours as the amount is typed, publishes it and reads the ranked candidates.
import { BrowserHarness, screenshot, signUpInBrowser, startBrowserHarness } from '../support/browser';
import { signUp } from '../support/test-app';
import { insertStructure } from '../support/tender-fixtures';
import { createStructure } from '../support/web-fixtures';

jest.setTimeout(150_000);

function inDays(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return `${date.toISOString().slice(0, 10)}T12:00`;
}

describe('buyers publish tenders in the browser', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness();
    const supplier = await signUp(h.t, 'supplier');
    await createStructure(h.t, supplier.auth, {
      name: 'Propreté Lyon Insertion',
      kind: 'EI',
      communeCode: '69123',
      sectors: ['nettoyage-locaux'],
      interventionArea: { type: 'radius', radiusKm: 40 },
      capacity: { annualRevenueEur: 900000 },
      openToCoContracting: true,
    });
    await createStructure(h.t, supplier.auth, {
      name: 'ESAT du Rhône',
      kind: 'ESAT',
      communeCode: '69266',
      sectors: ['nettoyage-locaux', 'entretien-espaces-verts'],
      interventionArea: { type: 'departments', codes: ['69'] },
    });
    await createStructure(h.t, supplier.auth, {
      name: 'Nettoyage de Bordeaux',
      kind: 'EI',
      communeCode: '33063',
      sectors: ['nettoyage-locaux'],
      interventionArea: { type: 'radius', radiusKm: 30 },
    });
    // A generated demo structure: shown only when asked, badged « démo ».
    await insertStructure(h.t.dataSource, { name: 'ESAT démo de Lyon', kind: 'ESAT', communeCode: '69123', sectors: [{ code: 'nettoyage-locaux', inferred: false }], source: 'demo' });
  });
  afterAll(() => h?.close());

  it('creates a two-lot tender, sees the insertion hours, publishes it and reads candidates with reasons', async () => {
    const { page } = await h.newUser();
    await signUpInBrowser(page, 'buyer', 'Métropole de Lyon');
    expect(new URL(page.url()).pathname).toBe('/appels-d-offres');
    await page.getByRole('link', { name: 'Créer un appel d’offres' }).click();

    await page.getByLabel(/^Intitulé\s*\*/).first().fill('Nettoyage des bâtiments métropolitains');
    await page.getByLabel(/^Activité \(codes CPV\)\s*\*/).fill('90910000');
    await page.getByLabel(/^Commune d’exécution/).fill('Lyon');
    await page.getByLabel(/^Date limite de réponse/).fill(inDays(40));

    // Lot 1: a social clause; the estimate follows the amount as it is typed (script → server formula).
    await page.getByLabel(/^Intitulé du lot/).fill('Bureaux');
    await page.getByLabel(/^Secteur d’activité/).selectOption('nettoyage-locaux');
    await page.getByLabel(/^Type de clause/).selectOption('EXECUTION_CONDITION');
    await page.getByLabel(/^Montant estimé/).fill('1 000 000');
    // Cleaning: 80 % labour (Inserpropre) × 5 % ÷ 30 €/h → 1 333 h.
    await page.locator('#lots-0-estimate').getByText(/1 333 heures d’insertion estimées/).waitFor();
    await page.getByRole('textbox', { name: /^Code \(prestation 1\)/ }).fill('BUR');
    await page.getByRole('textbox', { name: /^Intitulé \(prestation 1\)/ }).fill('Bureaux');
    await page.getByRole('textbox', { name: /^Part \(%\) \(prestation 1\)/ }).fill('70');
    await page.getByRole('textbox', { name: /^Code \(prestation 2\)/ }).fill('VIT');
    await page.getByRole('textbox', { name: /^Intitulé \(prestation 2\)/ }).fill('Vitres');
    await page.getByRole('textbox', { name: /^Part \(%\) \(prestation 2\)/ }).fill('20');

    // Add a second lot: the form posts back and keeps everything typed.
    await page.getByRole('button', { name: 'Ajouter un lot' }).click();
    await page.locator('#lots-1-title').waitFor();
    expect(await page.locator('#lots-0-title').inputValue()).toBe('Bureaux');
    await page.locator('#lots-1-title').fill('Espaces verts');
    await page.locator('#lots-1-sector').selectOption('entretien-espaces-verts');
    await page.locator('#lots-1-estimatedAmountEur').fill('120000');
    await page.locator('#lots-1-reservation').selectOption('L2113-12');

    // Shares summing to 90 % are refused on the lot, with the summary linking there.
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await expect(page.title()).resolves.toMatch(/^Erreur : Nouvel appel d’offres/);
    await page.getByRole('alert').getByRole('link', { name: /Lot 1 – parts des prestations/ }).waitFor();
    await page.locator('#lots-0-workPackages-error').getByText(/totaliser 1/).waitFor();
    await page.getByRole('textbox', { name: /^Part \(%\) \(prestation 2\)/ }).first().fill('30');
    await page.getByRole('heading', { name: 'Les lots' }).evaluate((h) => (h as unknown as { scrollIntoView: () => void }).scrollIntoView());
    await screenshot(page, 'appel-d-offres-formulaire');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();

    await page.getByText('Le brouillon est enregistré. Vérifiez-le puis publiez-le.').waitFor();
    await page.getByText('Brouillon', { exact: true }).waitFor();
    await page.getByText(/1 333 heures d’insertion estimées : 1 000 000 € × 80 % de main-d’œuvre × 5 % d’insertion ÷ 30 €\/h/).waitFor();
    await page.getByText('réservé aux EA et ESAT (art. L2113-12)').first().waitFor();

    // A draft can still be edited: the form comes back filled, lots and work packages included.
    await page.getByRole('link', { name: 'Modifier' }).click();
    expect(await page.locator('#lots-0-workPackages-1-share').inputValue()).toBe('30');
    expect(await page.getByLabel(/^Date limite de réponse/).inputValue()).toMatch(/T12:00$/);
    await page.locator('#lots-1-estimatedAmountEur').fill('150 000');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await page.getByText('Les modifications sont enregistrées.').waitFor();
    await page.getByText('150 000 € HT', { exact: true }).waitFor();
    await page.getByText('1 150 000 € HT', { exact: true }).waitFor(); // the total follows

    await page.getByRole('button', { name: 'Publier' }).click();
    await page.getByRole('heading', { level: 1, name: 'Publier « Nettoyage des bâtiments métropolitains » ?' }).waitFor();
    await page.getByRole('button', { name: 'Publier l’appel d’offres' }).click();
    await page.getByText(/L’appel d’offres est publié/).waitFor();
    await page.getByText('Publié', { exact: true }).waitFor();
    await screenshot(page, 'appel-d-offres');

    // Lot 1: Lyon's EI first (closest, declared sector), with reasons; Bordeaux does not serve Lyon.
    await page.getByRole('link', { name: 'Voir les candidats du lot 1' }).click();
    await page.getByRole('heading', { level: 1, name: /Candidats du lot 1/ }).waitFor();
    const first = page.locator('.app-result').first();
    await first.getByRole('link', { name: 'Propreté Lyon Insertion', exact: true }).waitFor();
    expect(await first.locator('li').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Nettoyage de Bordeaux', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'ESAT démo de Lyon', exact: true }).count()).toBe(0);

    // Demo structures only when asked, badged « démo »; points per criterion in French.
    await page.getByLabel(/Inclure les structures de démonstration/).check({ force: true });
    await page.getByRole('button', { name: 'Mettre à jour' }).click();
    const demo = page.locator('.app-result', { has: page.getByRole('link', { name: 'ESAT démo de Lyon' }) });
    await demo.getByText('démo', { exact: true }).waitFor();
    await first.getByText(/^Points : Secteur d’activité/).waitFor();
    await page.goBack();

    // Lot 2 is reserved to EA/ESAT: the EI is not a candidate.
    await page.goBack();
    await page.getByRole('link', { name: 'Voir les candidats du lot 2' }).click();
    await page.getByRole('link', { name: 'ESAT du Rhône', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Propreté Lyon Insertion', exact: true }).count()).toBe(0);

    // Anyone sees the published tender in the list.
    const visitor = await h.newUser({ javaScript: false });
    await visitor.page.goto('/appels-d-offres');
    await visitor.page.getByRole('link', { name: 'Nettoyage des bâtiments métropolitains' }).waitFor();
  });

  it('computes the estimate on the server without JavaScript', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await signUpInBrowser(page, 'buyer', 'Ville de Villeurbanne');
    await page.goto('/appels-d-offres/nouveau');
    await page.getByLabel(/^Type de clause/).selectOption('EXECUTION_CONDITION');
    await page.getByLabel(/^Secteur d’activité/).selectOption('nettoyage-locaux');
    await page.getByLabel(/^Montant estimé/).fill('300000');
    await page.getByLabel(/^Heures fixées au CCAP/).fill('');
    await page.getByRole('button', { name: 'Calculer les heures d’insertion' }).click();
    // 300 000 × 80 % × 5 % ÷ 30 = 400 h, and what was typed is still there.
    await page.locator('#lots-0-estimate').getByText(/^400 heures d’insertion estimées/).waitFor();
    expect(await page.getByLabel(/^Montant estimé/).inputValue()).toBe('300000');
  });
});
