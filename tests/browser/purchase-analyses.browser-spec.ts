// A buyer uploads a plan of purchases, follows the analysis (the page refreshes itself, no script needed),
// reads the advice per line and the lines to correct, and exports the results.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserHarness, screenshot, signUpInBrowser, startBrowserHarness } from '../support/browser';
import { insertStructure } from '../support/tender-fixtures';

jest.setTimeout(150_000);

const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];

describe('purchase analysis in the browser', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
    await insertStructure(h.t.dataSource, { name: 'EI 1', kind: 'EI', communeCode: '69123', sectors: cleaning, annualRevenueEur: 1_000_000 });
    await insertStructure(h.t.dataSource, { name: 'EI 2', kind: 'EI', communeCode: '69266', sectors: cleaning, annualRevenueEur: 500_000 });
    await insertStructure(h.t.dataSource, { name: 'ACI 3', kind: 'ACI', communeCode: '69123', sectors: cleaning });
  });
  afterAll(() => h?.close());

  it('uploads a CSV plan, sees the advice per line and the bad lines, and exports', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await signUpInBrowser(page, 'buyer', 'Ville de Lyon');
    await page.goto('/appels-d-offres');
    await page.getByRole('link', { name: 'Analyser un plan d’achats' }).click();
    const file = join(tmpdir(), `plan-${process.pid}.csv`);
    writeFileSync(file, ['Libellé;CPV ou mots;Montant annuel;Lieu', 'Nettoyage des écoles;90911200;120 000;69123', 'Sans lieu;90911200;1000;', 'Saisie;saisie de données;30000;Lyon'].join('\n'));
    await page.getByLabel(/^Fichier CSV ou Excel/).setInputFiles(file);
    await page.getByRole('button', { name: 'Analyser le fichier' }).click();
    await page.getByText('Fichier lu : 3 ligne(s), dont 1 à corriger. L’analyse est en cours.').waitFor();
    await page.getByText('Analyse terminée').waitFor({ timeout: 30_000 });
    const lines = page.locator('#lines tbody tr');
    expect(await lines.count()).toBe(3);
    await lines.nth(0).getByText('Réserver le lot aux SIAE (L2113-13)').waitFor();
    await lines.nth(2).getByText('Critère social d’attribution (R2152-7)').waitFor();
    await page.locator('#problems').getByText('Lieu manquant').waitFor();
    await screenshot(page, 'analyse-achats');
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'analyse-achats-mobile');

    const href = await page.getByRole('link', { name: 'Exporter les résultats (CSV)' }).getAttribute('href');
    const exported = await page.request.get(href!);
    expect(exported.status()).toBe(200);
    const rows = (await exported.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain('lieu manquant');
  });

  it('shows why a file is refused and keeps the form', async () => {
    const { page } = await h.newUser();
    await signUpInBrowser(page, 'buyer', 'Ville de Villeurbanne');
    await page.goto('/analyses-achats');
    const file = join(tmpdir(), `bad-${process.pid}.csv`);
    writeFileSync(file, 'Nom;Prix\nA;1');
    await page.getByLabel(/^Fichier CSV ou Excel/).setInputFiles(file);
    await page.getByRole('button', { name: 'Analyser le fichier' }).click();
    await page.getByText('Le fichier n’a pas été analysé').waitFor();
    await page.getByText(/colonnes manquantes : libellé, code CPV ou mots, montant annuel, lieu/).waitFor();
  });
});
