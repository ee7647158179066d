// A buyer searches the catalogue in a real browser: full text, facets, place and radius, badges,
// pagination-free small result set, exports of the current filters, then opens a structure.
import { BrowserHarness, screenshot, startBrowserHarness, tick } from '../support/browser';
import { signUp } from '../support/test-app';
import { createStructure, waitForSearch } from '../support/web-fixtures';

jest.setTimeout(120_000);

describe('search in the browser', () => {
  let h: BrowserHarness;
  let lyonId: string;

  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
    const supplier = await signUp(h.t, 'supplier');
    lyonId = (
      await createStructure(h.t, supplier.auth, {
        name: 'Lyon Propreté Insertion',
        kind: 'EI',
        communeCode: '69123',
        sectors: ['nettoyage-locaux', 'nettoyage-vitres'],
        openToCoContracting: true,
        interventionArea: { type: 'departments', codes: ['69', '01'] },
        capacity: { annualRevenueEur: 850000, employees: 42, insertionEmployees: 30 },
        description: 'Nettoyage de bureaux et d’écoles dans la métropole lyonnaise.',
      })
    ).id;
    await createStructure(h.t, supplier.auth, {
      name: 'Jardins du Rhône',
      kind: 'ACI',
      communeCode: '69266',
      sectors: ['entretien-espaces-verts'],
      interventionArea: { type: 'radius', radiusKm: 30 },
    });
    await createStructure(h.t, supplier.auth, {
      name: 'ESAT Les Ateliers du Vieux-Port',
      kind: 'ESAT',
      communeCode: '13055',
      sectors: ['nettoyage-locaux'],
      interventionArea: { type: 'radius', radiusKm: 40 },
    });
    await waitForSearch(h.t, 'perPage=1', 3);
  });
  afterAll(() => h?.close());

  it('finds structures by text, narrows by place and kind with facet counts, and exports the same filters', async () => {
    const { page } = await h.newUser();
    await page.goto('/');
    await page.getByRole('searchbox', { name: 'Que cherchez-vous ?' }).fill('netoyage');
    await page.getByRole('searchbox', { name: 'Que cherchez-vous ?' }).press('Enter');
    await page.getByRole('heading', { name: '2 structures trouvées' }).waitFor();
    await expect(page.title()).resolves.toBe('Résultats pour « netoyage » – Marché inclusif');
    // Facet counts respect the query: one EI and one ESAT clean offices, no ACI does.
    await page.getByText(/^entreprise d.insertion \(EI\) \(1\)$/).waitFor();
    await page.getByText(/\(ESAT\) \(1\)$/).waitFor();

    // Place typed by name; structures whose declared area covers Lyon.
    await page.getByLabel(/^Commune/).fill('Lyon');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.getByRole('heading', { name: '1 structure trouvée' }).waitFor();
    await page.getByText('Lieu compris comme : Lyon (69)').waitFor();
    const result = page.locator('.app-result').first();
    await result.getByText('Structure inclusive').waitFor();
    await result.getByText('Ouverte à la co-traitance').waitFor();
    await screenshot(page, 'recherche');

    // Located within 200 km of Lyon (Marseille is farther), sorted by distance, with the distance shown.
    await page.getByLabel(/^Territoire/).selectOption('200');
    await page.getByLabel(/^Trier par/).selectOption('distance');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.getByRole('heading', { name: '1 structure trouvée' }).waitFor();
    await page.getByText(/à (< 1|\d+) km/).first().waitFor();

    // Kind filter by checkbox.
    await tick(page, 'checkbox', /^entreprise d.insertion \(EI\)/);
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.getByRole('heading', { name: '1 structure trouvée' }).waitFor();

    const csvHref = await page.getByRole('link', { name: 'Exporter en CSV' }).getAttribute('href');
    expect(csvHref).toContain('/api/v1/search/structures/export?');
    expect(csvHref).toContain('q=netoyage');
    expect(csvHref).toContain('kinds=EI');
    expect(csvHref).toContain('near=69123');
    expect(csvHref).toContain('radiusKm=200');
    expect(csvHref).toContain('format=csv');
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('Lyon Propreté Insertion');
    const xlsx = await page.request.get((await page.getByRole('link', { name: /Exporter en Excel/ }).getAttribute('href'))!);
    expect(xlsx.headers()['content-type']).toContain('spreadsheetml');

    // Open the structure: offer, territory in words, capacity.
    await page.getByRole('link', { name: 'Lyon Propreté Insertion' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lyon Propreté Insertion' }).waitFor();
    await page.getByText('Départements : Rhône (69), Ain (01)').waitFor();
    await page.getByText('850 000 €').waitFor();
    await page.getByText('Nettoyage de locaux (bureaux, écoles, équipements)').waitFor();
    await page.getByRole('link', { name: 'Retour aux résultats' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/structures/${lyonId}`);
    await screenshot(page, 'structure');
  });

  it('works without JavaScript: the filters are a plain GET form and errors are shown on the field', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await page.goto('/recherche?sectors=entretien-espaces-verts');
    await page.getByRole('heading', { name: '1 structure trouvée' }).waitFor();
    await page.getByText('Jardins du Rhône').waitFor();
    await page.getByLabel(/^Commune/).fill('Nulle-Part-sur-Mer');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await expect(page.title()).resolves.toMatch(/^Erreur : /);
    await page.locator('#commune-error').getByText(/Commune introuvable/).waitFor();
  });
});
