// A buyer reads the advice beside each lot of a draft tender (reserve, clause or nothing, with its evidence)
// and applies it in one click; the lot then carries the reservation.
import { BrowserHarness, screenshot, signUpInBrowser, startBrowserHarness } from '../support/browser';
import { insertStructure } from '../support/tender-fixtures';

jest.setTimeout(150_000);

const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];

describe('advice per lot on the draft tender page', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness();
    await insertStructure(h.t.dataSource, { name: 'EI Propreté Lyon', kind: 'EI', communeCode: '69123', sectors: cleaning, annualRevenueEur: 1_000_000 });
    await insertStructure(h.t.dataSource, { name: 'EI Propreté Villeurbanne', kind: 'EI', communeCode: '69266', sectors: cleaning, annualRevenueEur: 400_000 });
    await insertStructure(h.t.dataSource, { name: 'ACI Propreté Vénissieux', kind: 'ACI', communeCode: '69259', sectors: cleaning });
    await insertStructure(h.t.dataSource, { name: 'AI Emplois Lyon', kind: 'AI', communeCode: '69123' });
  });
  afterAll(() => h?.close());

  it('shows the advice and its evidence beside each lot and applies a reservation in one click', async () => {
    const { page } = await h.newUser();
    const { email, password } = await signUpInBrowser(page, 'buyer', 'Ville de Lyon');
    const login = await h.t.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
    const created = await h.t.http().post('/api/v1/tenders').set({ Authorization: `Bearer ${login.body.accessToken}` }).send({
      title: 'Propreté des écoles',
      buyer: { name: 'Ville de Lyon', kind: 'public' },
      cpvCodes: ['90910000'],
      executionCommuneCode: '69123',
      responseDeadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      durationMonths: 24,
      lots: [
        { number: 1, title: 'Nettoyage des écoles', sectors: ['nettoyage-locaux'], estimatedAmountEur: 240_000, prestationType: 'PREST', reservation: 'NONE' },
        { number: 2, title: 'Saisie des inscriptions', sectors: ['saisie-donnees'], estimatedAmountEur: 30_000, prestationType: 'PREST', reservation: 'NONE' },
      ],
    }).expect(201);

    await page.goto(`/appels-d-offres/${created.body.id}`);
    const lot1 = page.locator('#conseil-lot-1');
    await lot1.getByRole('heading', { name: 'Conseil pour ce lot : Réserver le lot aux SIAE (L2113-13)' }).waitFor();
    await lot1.getByText('3 SIAE (EI, ACI, AI, ETTI) éligibles servent le lieu d’exécution et font ce métier (seuil : 3).').waitFor();
    await lot1.getByText(/le lot pèserait 12 % du chiffre d’affaires de la plus grande/).waitFor();
    await lot1.getByText(/320 h sur la durée du marché, 160 h par an/).waitFor();
    const lot2 = page.locator('#conseil-lot-2');
    await lot2.getByRole('heading', { name: 'Conseil pour ce lot : Critère social d’attribution (R2152-7)' }).waitFor();
    await lot1.scrollIntoViewIfNeeded();
    await screenshot(page, 'conseil-lot');
    await page.setViewportSize({ width: 375, height: 800 });
    await lot1.scrollIntoViewIfNeeded();
    await screenshot(page, 'conseil-lot-mobile');
    await page.setViewportSize({ width: 1280, height: 800 });

    await lot1.getByRole('button', { name: 'Appliquer au lot 1 : Réserver le lot aux SIAE (L2113-13)' }).click();
    await page.getByText('Lot 1 : « Réserver le lot aux SIAE (L2113-13) » est appliqué au brouillon.').waitFor();
    await page.locator('section[aria-labelledby="lot-1-title"]').getByText('réservé aux SIAE (art. L2113-13)', { exact: false }).first().waitFor();
    await lot1.getByText('Appliqué').waitFor();
    expect(await lot1.getByRole('button', { name: /Appliquer au lot 1 : Réserver/ }).count()).toBe(0);
    const stored = await h.t.dataSource.query(`SELECT number, reservation FROM tender_lots WHERE tender_id = $1 ORDER BY number`, [created.body.id]);
    expect(stored).toEqual([{ number: 1, reservation: 'L2113-13' }, { number: 2, reservation: 'NONE' }]);
  });
});
