// The three journeys a first-time user takes, through the pages only, checking what a person sees: every
// action shows its words (not an icon cut to its width), irreversible actions ask first, the pages speak
// French (no rule codes, score keys or kind codes), and the mobile layout puts results first.
import type { Locator, Page } from 'playwright-core';
import { BrowserHarness, logInBrowser, screenshot, signUpInBrowser, startBrowserHarness, tick } from '../support/browser';
import { createBidTender } from '../support/bid-fixtures';
import { signUp } from '../support/test-app';
import { createStructure, validSiret } from '../support/web-fixtures';

jest.setTimeout(240_000);

const MOBILE = { width: 375, height: 812 };
/** Internal words that must never reach a page (score keys, kind codes, the optimiser's vocabulary). */
const JARGON = /\b(sectorFit|capacity|cohesion|memberCost|kindFit|pastContracts|openness|COMPANY|anchor)\b|l’ancre|\bchef de file\b/;

type Account = Awaited<ReturnType<typeof signUp>>;

function inDays(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return `${date.toISOString().slice(0, 10)}T12:00`;
}

/** The control is visible and shows its words in full: not clipped to an icon, wider than an icon. */
async function expectWords(control: Locator, words: string): Promise<void> {
  await control.waitFor();
  const shown = await control.evaluate((el) => {
    const e = el as unknown as { innerText: string; scrollWidth: number; clientWidth: number; getBoundingClientRect: () => { width: number } };
    return { text: e.innerText.replace(/\s+/g, ' ').trim(), clipped: e.scrollWidth > e.clientWidth + 1, width: e.getBoundingClientRect().width };
  });
  expect(shown.text).toContain(words);
  expect(shown.clipped).toBe(false);
  expect(shown.width).toBeGreaterThan(48); // an icon-only DSFR button is 40 px wide
}

/** The page's visible text outside the experts' details elements. */
async function plainText(page: Page): Promise<string> {
  return page.locator('main').evaluate((main) => {
    const copy = (main as unknown as { cloneNode: (deep: boolean) => { querySelectorAll: (s: string) => ArrayLike<{ remove: () => void }>; textContent: string | null } }).cloneNode(true);
    Array.from(copy.querySelectorAll('details')).forEach((d) => d.remove());
    return copy.textContent ?? '';
  });
}

describe('first-time users walk the three journeys', () => {
  let h: BrowserHarness;
  let company: Account;
  let supplier: Account;
  let tenderId: string;
  let registerStructureId: string;

  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
    let buyer: Account;
    [buyer, company, supplier] = await Promise.all([signUp(h.t, 'buyer'), signUp(h.t, 'company'), signUp(h.t, 'supplier')]);
    const common = { prestationTypes: ['PREST'], openToCoContracting: true, interventionArea: { type: 'radius', radiusKm: 60 } };
    await createStructure(h.t, company.auth, { ...common, name: 'Paysages Durables SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 3_000_000 } });
    await createStructure(h.t, supplier.auth, { ...common, name: 'Jardins de Villeurbanne', kind: 'ACI', communeCode: '69266', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 400_000 } });
    await createStructure(h.t, supplier.auth, { ...common, name: 'Élagage Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['elagage-abattage', 'entretien-espaces-verts'], capacity: { annualRevenueEur: 600_000 } });
    await createStructure(h.t, supplier.auth, { ...common, name: 'Propreté Solidaire', kind: 'EI', communeCode: '69266', sectors: ['nettoyage-locaux'], capacity: { annualRevenueEur: 500_000 } });
    // A row of the 2020 register nobody has claimed yet.
    const imported = await createStructure(h.t, supplier.auth, { ...common, name: 'Régie de quartier des Brotteaux', kind: 'ACI', communeCode: '69123', sectors: ['nettoyage-locaux'] });
    await h.t.dataSource.query(`UPDATE structures SET source = 'register', owner_id = NULL WHERE id = $1`, [imported.id]);
    registerStructureId = imported.id;
    tenderId = (await createBidTender(h.t, buyer)).id;
  });
  afterAll(() => h?.close());

  it('buyer: creates a tender in words, publishes it after a confirmation, reads, widens and exports the candidates', async () => {
    const { page } = await h.newUser();
    await signUpInBrowser(page, 'buyer', 'Métropole de Lyon');
    const create = page.getByRole('link', { name: 'Créer un appel d’offres' });
    await expectWords(create, 'Créer un appel d’offres');
    await create.click();

    // Saved empty: every error at once, listed in the order of the fields on the page.
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    const links = page.getByRole('alert').getByRole('link');
    expect(await links.count()).toBeGreaterThan(3);
    const order = await links.evaluateAll((anchors) => {
      const doc = (anchors[0] as unknown as { ownerDocument: { querySelectorAll: (s: string) => ArrayLike<{ id: string }> } }).ownerDocument;
      const ids = Array.from(doc.querySelectorAll('[id]')).map((el) => el.id);
      return anchors.map((a) => ids.indexOf(((a as unknown as { getAttribute: (n: string) => string }).getAttribute('href') ?? '').slice(1)));
    });
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // The activity is chosen by words (resolved to a CPV code on the server), the place by name.
    await page.getByLabel(/^Intitulé\s*\*/).first().fill('Entretien des parcs de Lyon');
    await page.getByLabel(/^Activité \(codes CPV\)/).fill('entretien de parcs');
    await page.getByLabel(/^Commune d’exécution/).fill('Lyon');
    await page.getByLabel(/^Date limite de réponse/).fill(inDays(40));
    await page.getByLabel(/^Intitulé du lot/).fill('Parcs et jardins');
    await page.getByLabel(/^Secteur d’activité/).selectOption('entretien-espaces-verts');
    await page.getByLabel(/^Montant estimé/).fill('200 000');
    const addLot = page.getByRole('button', { name: 'Ajouter un lot' });
    await expectWords(addLot, 'Ajouter un lot');
    await addLot.click();
    // The page comes back where the new lot is, not at the top.
    await page.locator('#lots-1-title').waitFor();
    expect(new URL(page.url()).hash).toBe('#lot-1');
    await page.locator('#lots-1-title').fill('Propreté des vestiaires');
    await page.locator('#lots-1-estimatedAmountEur').fill('80000');
    await page.locator('#lots-1-reservation').selectOption('L2113-13');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await page.getByText('Le brouillon est enregistré. Vérifiez-le puis publiez-le.').waitFor();
    expect(await page.locator('dt:has-text("Codes CPV") + dd').innerText()).toMatch(/^\d{8}-\d/);
    await page.getByText('réservé aux SIAE (art. L2113-13)').first().waitFor();

    // Modifier and Publier show their words; publishing asks first.
    await expectWords(page.getByRole('link', { name: 'Modifier' }), 'Modifier');
    const publish = page.getByRole('button', { name: 'Publier' });
    await expectWords(publish, 'Publier');
    await publish.click();
    await page.getByRole('heading', { level: 1, name: 'Publier « Entretien des parcs de Lyon » ?' }).waitFor();
    await page.getByText('Cette action est définitive').waitFor();
    await page.getByRole('link', { name: 'Annuler' }).click();
    await page.getByText('Brouillon', { exact: true }).waitFor(); // cancelled: still a draft
    await page.getByRole('button', { name: 'Publier' }).click();
    await page.getByRole('button', { name: 'Publier l’appel d’offres' }).click();
    await page.getByText(/L’appel d’offres est publié/).waitFor();

    // Candidates: scores out of 100 with their « pourquoi », in French; companies only when asked.
    await page.getByRole('link', { name: 'Voir les candidats du lot 1' }).click();
    await page.getByText(/^Score \d+ \/ 100$/).first().waitFor();
    await page.getByText('Pourquoi :').first().waitFor();
    expect(await plainText(page)).not.toMatch(JARGON);
    expect(await page.getByRole('link', { name: 'Paysages Durables SAS', exact: true }).count()).toBe(0);
    await expectWords(page.getByRole('link', { name: /^Contacter Jardins de Villeurbanne/ }), 'Contacter');
    await tick(page, 'checkbox', /^Inclure les entreprises ordinaires/);
    await page.getByRole('button', { name: 'Mettre à jour la liste' }).click();
    await page.getByRole('link', { name: 'Paysages Durables SAS', exact: true }).waitFor();
    await page.getByRole('heading', { name: /dont 1 entreprise\(s\) ordinaire\(s\)/ }).waitFor();
    await page.evaluate(() => (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0));
    await screenshot(page, 'candidats');

    // The export opens in a French spreadsheet: BOM, semicolons, decimal commas, labels and contact columns.
    const exportLink = page.getByRole('link', { name: 'Exporter la liste (CSV)' });
    await expectWords(exportLink, 'Exporter la liste (CSV)');
    const csv = await page.request.get((await exportLink.getAttribute('href'))!);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const text = (await csv.body()).toString('utf8');
    expect(text.startsWith('\uFEFFRang;Nom;SIRET;Type;Score (sur 100);Distance (km);')).toBe(true);
    expect(text).toMatch(/;Entreprise ordinaire;/);
    expect(text).toMatch(/;Atelier et chantier d'insertion \(ACI\);/);
    expect(text).not.toMatch(/;(ACI|EI|COMPANY);/);

    // Reserved lot: no companies option, the reservation said in words.
    await page.goto(`${new URL(page.url()).pathname.replace(/lots\/1\//, 'lots/2/')}`);
    expect(await page.getByRole('checkbox', { name: /Inclure les entreprises ordinaires/ }).count()).toBe(0);
    await page.getByText(/Lot réservé aux SIAE \(art\. L2113-13\) : seules les structures éligibles/).waitFor();
  });

  it('structure: registers without JavaScript, names departments, finds tenders tolerantly; a register profile invites a claim', async () => {
    const { page } = await h.newUser({ javaScript: false });
    await signUpInBrowser(page, 'supplier', 'Régie Nord');
    await page.goto('/mes-structures');
    const register = page.getByRole('link', { name: 'Inscrire une structure' });
    await expectWords(register, 'Inscrire une structure');
    await register.click();
    await page.getByLabel(/^SIRET/).fill(validSiret());
    await page.getByLabel(/^Raison sociale/).fill('Régie Nord Services');
    await page.getByLabel(/^Type de structure/).selectOption('EI');
    await page.getByLabel(/^Commune/).fill('69004');
    await tick(page, 'radio', 'Dans certains départements');
    await page.getByLabel(/^Départements/).fill('Rhône, ain, Isère');
    await tick(page, 'checkbox', 'Nettoyage de locaux (bureaux, écoles, équipements)');
    await tick(page, 'checkbox', 'Prestation de service');
    await page.getByRole('button', { name: 'Inscrire la structure' }).click();
    await page.getByText('Départements : Rhône (69), Ain (01), Isère (38)').waitFor();
    await expectWords(page.getByRole('link', { name: 'Modifier l’offre' }), 'Modifier l’offre');

    // Tenders: words in any order, without accents, with a typo; filters by reservation and place.
    await page.goto('/appels-d-offres?q=equipements+netoyage');
    await page.getByRole('link', { name: 'Entretien des espaces verts et nettoyage des équipements' }).waitFor();
    await page.goto('/appels-d-offres');
    await page.getByLabel('Réservation').selectOption('L2113-13');
    await page.getByLabel('Lieu d’exécution').selectOption('69');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.getByRole('link', { name: 'Entretien des espaces verts et nettoyage des équipements' }).waitFor();
    await page.getByLabel('Lieu d’exécution').selectOption('13');
    await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await page.getByText('0 appel(s) d’offres publié(s) avec ces filtres').waitFor();

    // An imported register profile says where its data come from and invites the structure to claim it.
    await page.goto(`/structures/${registerStructureId}`);
    await page.getByText(/reprend la liste des SIAE conventionnées publiée en 2020 \(importée le /).waitFor();
    await expectWords(page.getByRole('link', { name: 'C’est ma structure : la revendiquer' }).first(), 'C’est ma structure');
  });

  it('company: compares proposals in French, never a work-free requester in a solidaire group, and removes a member after a confirmation', async () => {
    const page = await logInBrowser(h, company, `/appels-d-offres/${tenderId}`);
    await page.getByRole('link', { name: 'Proposer des groupements' }).click();
    await page.getByRole('button', { name: 'Lancer le calcul' }).click();
    await page.getByRole('heading', { name: /Comparer les \d+ propositions/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('columnheader', { name: 'Score (sur 100)' }).waitFor();
    await page.getByRole('cell', { name: '100 / 100' }).first().waitFor();
    await page.locator('#proposition-1').getByText('Pourquoi ce score', { exact: true }).click();
    await page.locator('#proposition-1').getByText(/^Secteur d’activité : /).waitFor();
    const visible = await plainText(page);
    expect(visible).not.toMatch(JARGON);
    expect(visible).not.toMatch(/\bV\d{1,2}\b/); // rule codes only in the experts' details
    await page.getByText('Références des règles (pour les experts)').first().waitFor();

    // Solidaire proposals: the company that asked always has work (never 0 € / 0 h).
    const sections = page.locator('section[id^="proposition-"]');
    let solidaires = 0;
    for (let i = 0; i < (await sections.count()); i++) {
      const section = sections.nth(i);
      if (!/groupement solidaire/.test(await section.getByRole('heading', { level: 2 }).innerText())) continue;
      solidaires += 1;
      const row = section.getByRole('row').filter({ hasText: 'Paysages Durables SAS' });
      expect(await row.getByRole('cell').nth(3).innerText()).not.toBe('0 €');
      await section.getByText(/qui demande ces propositions, y réalise donc toujours une part des travaux/).waitFor();
    }
    expect(solidaires).toBeGreaterThan(0);

    // Mobile: the comparison table reads as stacked rows.
    await page.setViewportSize(MOBILE);
    const firstCell = page.locator('table').first().locator('tbody td').first();
    expect(await firstCell.evaluate((td) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { display: string } }).getComputedStyle(td).display)).toBe('block');
    await page.getByRole('heading', { name: /Comparer les \d+ propositions/ }).evaluate((heading) => (heading as unknown as { scrollIntoView: () => void }).scrollIntoView());
    await screenshot(page, 'groupements-mobile');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Open the best proposal as a bid, then remove a member: a confirmation page first.
    await page.locator('#proposition-1').getByRole('button', { name: 'Constituer ce groupement n° 1' }).click();
    await page.getByRole('button', { name: 'Ouvrir le groupement' }).click();
    await page.getByRole('heading', { level: 1, name: /^Groupement pour/ }).waitFor();
    expect(await plainText(page)).not.toMatch(JARGON);
    const remove = page.getByRole('button', { name: /^Retirer .+ du groupement$/ }).first();
    await expectWords(remove, 'Retirer');
    const removedName = ((await remove.getAttribute('aria-label')) ?? (await remove.innerText())).replace(/^Retirer\s*/, '').replace(/\s*du groupement$/, '');
    await remove.click();
    await page.getByRole('heading', { level: 1, name: `Retirer ${removedName} du groupement ?` }).waitFor();
    await page.getByRole('button', { name: 'Retirer la structure' }).click();
    await page.getByText('La structure a été retirée du groupement.').waitFor();

    // Composition: « mandataire solidaire » only for a conjoint group; running totals under the split.
    await tick(page, 'radio', 'Groupement solidaire');
    expect(await page.getByRole('checkbox', { name: /^Mandataire solidaire/ }).isVisible()).toBe(false);
    await tick(page, 'radio', 'Groupement conjoint');
    expect(await page.getByRole('checkbox', { name: /^Mandataire solidaire/ }).isVisible()).toBe(true);
    const firstShare = page.locator('input[data-split-column="0"]').first();
    await firstShare.fill('55');
    await page.locator('[data-split-total="0"]').getByText(/%\s*\(100 % attendus\)$/).waitFor();
    const submit = page.getByRole('button', { name: 'Vérifier et déposer' });
    await expectWords(submit, 'Vérifier et déposer');
  });

  it('mobile: results come before the folded filters, with a skip link to them', async () => {
    const { page } = await h.newUser();
    await page.setViewportSize(MOBILE);
    await page.goto('/recherche?q=jardins');
    const results = page.locator('#resultats');
    await results.waitFor();
    const filters = page.locator('details.app-filters-panel');
    expect(await filters.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    expect((await results.boundingBox())!.y).toBeLessThan((await filters.boundingBox())!.y);
    expect(await page.locator('.fr-skiplinks a[href="#resultats"]').innerText()).toBe('Aller aux résultats');
    await screenshot(page, 'recherche-mobile');
    await page.goto('/appels-d-offres');
    expect((await page.locator('#resultats').boundingBox())!.y).toBeLessThan((await page.locator('details.app-filters-panel').boundingBox())!.y);
  });
});
