// A buyer uploads a plan of purchases, follows the analysis (a script polls and reloads the page when it ends;
// without script, an « Actualiser » link), reads the advice per line and the lines to correct, and exports
// the results as Excel or CSV.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PurchaseAnalysesService } from '@app/tenders';
import type { Page } from 'playwright-core';
import { BrowserHarness, screenshot, signUpInBrowser, startBrowserHarness } from '../support/browser';
import { insertStructure } from '../support/tender-fixtures';

jest.setTimeout(150_000);

const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A plan as a buyer's spreadsheet would hold it: a few trades and places, two lines to correct. */
export const PLAN = [
  'Libellé;CPV ou mots;Montant annuel;Lieu',
  'Nettoyage des écoles;90911200;120 000;69123',
  'Sans lieu;90911200;1000;',
  'Saisie des dossiers;saisie de données;30000;Lyon',
  'Entretien des espaces verts;77310000;85 000;Villeurbanne',
  'Nettoyage des gymnases;nettoyage de locaux;64 000;69266',
  'Blanchisserie des crèches;98311000;18 500;69123',
  'Restauration scolaire;55524000;-5;69123',
  'Collecte des déchets;déchets;250 000;Vénissieux',
].join('\n');

function planFile(content: string, name: string): string {
  const file = join(tmpdir(), `${name}-${process.pid}-${Date.now()}.csv`);
  writeFileSync(file, content);
  return file;
}

/** Without script the buyer follows the analysis with the « Actualiser » link. */
async function refreshUntilDone(page: Page): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await page.getByText('Analyse terminée').count()) return;
    await page.getByRole('link', { name: 'Actualiser' }).click();
    await page.waitForLoadState('load');
    if (i > 0) await page.waitForTimeout(250);
  }
  throw new Error('analysis did not finish');
}

describe('purchase analysis in the browser', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
    await insertStructure(h.t.dataSource, { name: 'EI 1', kind: 'EI', communeCode: '69123', sectors: cleaning, annualRevenueEur: 1_000_000 });
    await insertStructure(h.t.dataSource, { name: 'EI 2', kind: 'EI', communeCode: '69266', sectors: cleaning, annualRevenueEur: 500_000 });
    await insertStructure(h.t.dataSource, { name: 'ACI 3', kind: 'ACI', communeCode: '69123', sectors: cleaning });
  });
  afterAll(() => h?.close());

  it('uploads a CSV plan without script, follows it, sees the advice per line and the bad lines, and exports', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await signUpInBrowser(page, 'buyer', 'Ville de Lyon');
    await page.goto('/appels-d-offres');
    await page.getByRole('link', { name: 'Analyser un plan d’achats' }).click();
    const file = planFile(['Libellé;CPV ou mots;Montant annuel;Lieu', 'Nettoyage des écoles;90911200;120 000;69123', 'Sans lieu;90911200;1000;', 'Saisie;saisie de données;30000;Lyon'].join('\n'), 'plan');
    await page.getByLabel(/^Fichier CSV ou Excel/).setInputFiles(file);
    await page.getByRole('button', { name: 'Analyser le fichier' }).click();
    await page.getByText('Fichier lu : 3 ligne(s), dont 1 à corriger. L’analyse est en cours.').waitFor();
    await refreshUntilDone(page);
    const lines = page.locator('#lines tbody tr');
    expect(await lines.count()).toBe(3);
    await lines.nth(0).getByText('Réserver le lot aux SIAE (L2113-13)').waitFor();
    await lines.nth(2).getByText('Critère social d’attribution (R2152-7)').waitFor();
    await page.locator('#problems').getByText('Lieu manquant').waitFor();

    const xlsx = await page.request.get((await page.getByRole('link', { name: 'Exporter les résultats (Excel)' }).getAttribute('href'))!);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-type']).toBe(XLSX_TYPE);
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK'); // a zip: the workbook
    const csv = await page.request.get((await page.getByRole('link', { name: 'Exporter les résultats (CSV)' }).getAttribute('href'))!);
    expect(csv.status()).toBe(200);
    const rows = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain('lieu manquant');
  });

  it('follows a running analysis on its own with script, then shows the results (README screenshots)', async () => {
    const { page } = await h.newUser();
    const { email } = await signUpInBrowser(page, 'buyer', 'Métropole de Lyon');
    const [{ id: owner }] = await h.t.dataSource.query(`SELECT id FROM accounts WHERE email = $1`, [email]);
    // An analysis the worker has not taken yet (created without its job), advised halfway from a finished twin.
    const service = h.t.app.get(PurchaseAnalysesService);
    const done = await service.create({ id: owner, role: 'buyer' }, 'plan-achats-2026.csv', planFile(PLAN, 'twin'));
    await service.process(done.id, async () => undefined);
    const running = await service.create({ id: owner, role: 'buyer' }, 'plan-achats-2026.csv', planFile(PLAN, 'running'));
    await h.t.dataSource.query(
      `UPDATE purchase_analysis_lines r SET advice = d.advice, recommendation = d.recommendation FROM purchase_analysis_lines d
        WHERE r.analysis_id = $1 AND d.analysis_id = $2 AND d.line_number = r.line_number AND d.line_number <= 5`,
      [running.id, done.id],
    );
    await h.t.dataSource.query(`UPDATE purchase_analyses SET status = 'running', processed = 3 WHERE id = $1`, [running.id]);
    await h.t.dataSource.query(`DELETE FROM purchase_analyses WHERE id = $1`, [done.id]);

    await page.goto(`/analyses-achats/${running.id}`);
    await page.getByText('Analyse en cours…').waitFor();
    expect(await page.locator('#progress-bar').getAttribute('value')).toBe('50');
    await screenshot(page, 'analyse-achats-progression');
    // The worker ends it: the page notices and reloads by itself.
    await service.process(running.id, async () => undefined);
    await page.getByText('Analyse terminée').waitFor({ timeout: 20_000 });
    await page.locator('#problems').getByText('Lieu manquant').waitFor();
    await page.locator('#problems').getByText('Le montant annuel doit être positif').waitFor();
    // The gallery shows the results themselves: from the advice counts down to the lines.
    await page.getByRole('heading', { name: 'Conseils' }).evaluate((el) => (el as unknown as { scrollIntoView: (o: unknown) => void }).scrollIntoView({ block: 'start' }));
    await screenshot(page, 'analyse-achats');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('heading', { name: 'Toutes les lignes' }).evaluate((el) => (el as unknown as { scrollIntoView: (o: unknown) => void }).scrollIntoView({ block: 'start' }));
    await screenshot(page, 'analyse-achats-mobile');
  });

  it('shows why a file is refused, linked to the field, and keeps the form', async () => {
    const { page } = await h.newUser();
    await signUpInBrowser(page, 'buyer', 'Ville de Villeurbanne');
    await page.goto('/analyses-achats');
    await page.getByLabel(/^Fichier CSV ou Excel/).setInputFiles(planFile('Nom;Prix\nA;1', 'bad'));
    await page.getByRole('button', { name: 'Analyser le fichier' }).click();
    await page.getByText('Le formulaire contient une erreur').waitFor();
    expect(await page.title()).toMatch(/^Erreur : Analyser un plan d’achats/);
    await page.locator('#resume-erreurs').getByRole('link', { name: /colonnes manquantes : libellé, code CPV ou mots, montant annuel, lieu/ }).waitFor();
    await page.locator('#file-error').getByText(/^Colonnes manquantes/).waitFor();
    await page.getByRole('button', { name: 'Analyser le fichier' }).waitFor();
  });
});
