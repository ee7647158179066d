import type { Page } from 'playwright-core';
import { BrowserHarness, startBrowserHarness } from '../support/browser';
import { signUp } from '../support/test-app';
import { createBidTender, createBid } from '../support/bid-fixtures';
import { createStructure } from '../support/web-fixtures';
jest.setTimeout(300_000);
type Account = Awaited<ReturnType<typeof signUp>>;
describe('explore', () => {
  let h: BrowserHarness;
  it('shoots', async () => {
    h = await startBrowserHarness({ worker: true });
    const [buyer, company, supplier] = await Promise.all([signUp(h.t, 'buyer'), signUp(h.t, 'company'), signUp(h.t, 'supplier')]);
    const common = { prestationTypes: ['PREST'], openToCoContracting: true, interventionArea: { type: 'radius', radiusKm: 60 } };
    const s = await Promise.all([
      createStructure(h.t, company.auth, { ...common, name: 'Paysages Durables SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 3_000_000 } }),
      createStructure(h.t, supplier.auth, { ...common, name: 'Jardins de Villeurbanne', kind: 'ACI', communeCode: '69266', sectors: ['entretien-espaces-verts'], capacity: { annualRevenueEur: 400_000 } }),
      createStructure(h.t, supplier.auth, { ...common, name: 'Élagage Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['elagage-abattage'], capacity: { annualRevenueEur: 600_000 } }),
    ]);
    const draft = await createBidTender(h.t, buyer, { publish: false, title: 'Brouillon test' });
    const tenderId = (await createBidTender(h.t, buyer)).id;
    const bid = await createBid(h.t, company, { tenderId, lots: [1], leadStructureId: s[0].id });
    const run = await h.t.http().post(`/api/v1/tenders/${tenderId}/matching-runs`).set(company.auth).send({ anchorStructureId: s[0].id });
    async function as(account: Account, paths: [string, string][]) {
      for (const width of [1280, 375]) {
        const { page } = await h.newUser();
        await page.setViewportSize({ width, height: 900 });
        await page.goto('/connexion');
        await page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(account.email);
        await page.getByLabel(/^Mot de passe/).fill(account.password);
        await page.getByRole('button', { name: 'Se connecter' }).click();
        await page.waitForLoadState('domcontentloaded');
        for (const [name, path] of paths) {
          await page.goto(path);
          await page.waitForTimeout(300);
          await page.screenshot({ path: `/tmp/explore/${name}-${width}.png`, fullPage: true });
        }
      }
    }
    console.log('run', run.status, JSON.stringify(run.body).slice(0, 200));
    await new Promise((r) => setTimeout(r, 4000));
    await as(buyer, [['t-list', '/appels-d-offres'], ['t-draft', `/appels-d-offres/${draft.id}`], ['t-cand', `/appels-d-offres/${tenderId}/lots/1/candidats`], ['search', '/recherche?q=jardins']]);
    await as(company, [['run', `/rapprochements/${run.body.id}`], ['bid', `/groupements/${bid.id}`], ['mes-structures', '/mes-structures'], ['mes-groupements', '/mes-groupements'], ['t-show', `/appels-d-offres/${tenderId}`]]);
    await as(supplier, [['mes-structures-s', '/mes-structures'], ['structure', `/structures/${s[1].id}`], ['structure-form', `/structures/${s[1].id}/modifier`]]);
    await h.close();
  });
});
