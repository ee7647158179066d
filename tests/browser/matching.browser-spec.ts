// A company asks for GME proposals on a published tender in a real browser: the run goes through the real
// queue and worker, the page follows its progress (polling with JavaScript, an "Actualiser" link without), then
// compares the proposals with members, roles, shares, explanations and warnings.
import { BrowserHarness, screenshot, startBrowserHarness } from '../support/browser';
import { villeurbanneTender } from '../support/bid-fixtures';
import { signUp } from '../support/test-app';
import { createStructure } from '../support/web-fixtures';

jest.setTimeout(180_000);

describe('matching runs in the browser', () => {
  let h: BrowserHarness;
  let tenderId: string;
  let company: { email: string; password: string };

  beforeAll(async () => {
    h = await startBrowserHarness({ worker: true });
    const buyer = await signUp(h.t, 'buyer');
    const supplier = await signUp(h.t, 'supplier');
    const companyAccount = await signUp(h.t, 'company');
    company = { email: companyAccount.email, password: companyAccount.password };
    const common = { prestationTypes: ['PREST'], openToCoContracting: true, interventionArea: { type: 'radius', radiusKm: 60 } };
    await createStructure(h.t, companyAccount.auth, { ...common, name: 'Paysages Durables SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 3_000_000 } });
    await createStructure(h.t, supplier.auth, { ...common, name: 'Jardins de Villeurbanne', kind: 'ACI', communeCode: '69266', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 400_000 } });
    await createStructure(h.t, supplier.auth, { ...common, name: 'Élagage Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['elagage-abattage', 'entretien-espaces-verts'], capacity: { annualRevenueEur: 600_000 } });
    await createStructure(h.t, supplier.auth, { ...common, name: 'Propreté Solidaire', kind: 'EI', communeCode: '69266', sectors: ['nettoyage-locaux'], capacity: { annualRevenueEur: 500_000 } });
    const tender = await h.t
      .http()
      .post('/api/v1/tenders')
      .set(buyer.auth)
      .send(villeurbanneTender({ title: 'Espaces verts et nettoyage des équipements sportifs' }))
      .expect(201);
    tenderId = tender.body.id;
    await h.t.http().post(`/api/v1/tenders/${tenderId}/publish`).set(buyer.auth).expect(200);
  });
  afterAll(() => h?.close());

  async function logIn(javaScript: boolean) {
    const user = await h.newUser({ javaScript });
    await user.page.goto(`/connexion?next=${encodeURIComponent(`/appels-d-offres/${tenderId}`)}`);
    await user.page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(company.email);
    await user.page.getByLabel(/^Mot de passe/).fill(company.password);
    await user.page.getByRole('button', { name: 'Se connecter' }).click();
    await user.page.getByRole('heading', { level: 1, name: 'Espaces verts et nettoyage des équipements sportifs' }).waitFor();
    return user.page;
  }

  it('launches a run with its structure as anchor, follows it and compares lawful proposals', async () => {
    const page = await logIn(true);
    await page.getByRole('link', { name: 'Proposer des groupements' }).click();
    expect(await page.getByLabel(/^Structure à inclure/).inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Lancer le calcul' }).click();
    expect(new URL(page.url()).pathname).toMatch(/^\/rapprochements\/[0-9a-f-]{36}$/);
    // The script polls the run and reloads once it is done.
    const comparison = page.getByRole('heading', { name: /Comparer les \d+ propositions/ });
    await comparison.waitFor({ timeout: 60_000 });
    await comparison.evaluate((heading) => (heading as unknown as { scrollIntoView: () => void }).scrollIntoView());
    await screenshot(page, 'groupements');

    const first = page.locator('#proposition-1');
    await first.getByRole('link', { name: 'Paysages Durables SAS' }).waitFor();
    expect(await first.getByText('Mandataire', { exact: true }).count()).toBe(1);
    await first.getByText(/Lot 1, prestation « (Tonte et débroussaillage|Taille des haies et élagage) » : \d/).first().waitFor();
    await first.getByRole('heading', { name: 'Pourquoi ce groupement' }).waitFor();
    expect(await first.locator('ul li').count()).toBeGreaterThan(1);
    // The anchor is an ordinary company: lot 2 (reserved to SIAE) is left out and the run says why (V13).
    expect(await page.getByText(/Lot 2/).first().isVisible()).toBe(true);
    const lotsCell = await page.locator('table').first().locator('tbody tr').first().locator('td').nth(1).textContent();
    expect(lotsCell?.trim()).toBe('1');
  });

  it('follows the run without JavaScript through the "Actualiser" link (no automatic reload, WCAG 2.2.1)', async () => {
    const page = await logIn(false);
    await page.getByRole('link', { name: 'Proposer des groupements' }).click();
    await page.getByRole('button', { name: 'Lancer le calcul' }).click();
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    const comparison = page.getByRole('heading', { name: /Comparer les \d+ propositions/ });
    // Either the run was already done, or the page shows its progress and a link to refresh it.
    for (let attempt = 0; !(await comparison.count()) && attempt < 60; attempt++) {
      await page.getByText(/Avancement/).waitFor();
      await page.waitForTimeout(500);
      await page.getByRole('link', { name: 'Actualiser' }).click();
    }
    await comparison.waitFor();
    // The form lists earlier runs.
    await page.goto(`/appels-d-offres/${tenderId}/rapprochement`);
    await page.getByRole('heading', { name: 'Calculs précédents' }).waitFor();
  });
});
