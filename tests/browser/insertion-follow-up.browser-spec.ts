// Issue 16, insertion hours followed up: the buyer closes a tender and awards its lot to the submitted
// groupement; the mandataire declares a quarter's hours per member; the facilitator the buyer named reads
// declared against required, the late quarter flagged. Three people, three browser contexts.
import { createBid, createBidTender, createOwnedStructure } from '../support/bid-fixtures';
import { BrowserHarness, logInBrowser, screenshot, startBrowserHarness, tick } from '../support/browser';
import { signUp } from '../support/test-app';

jest.setTimeout(180_000);

const year = new Date().getUTCFullYear();

describe('insertion hours followed up after award, in the browser', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startBrowserHarness();
  });
  afterAll(() => h?.close());

  it('award, declaration by the mandataire, reading by the facilitator', async () => {
    const http = () => h.t.http();
    const [buyer, lead, partner, facilitator] = await Promise.all([signUp(h.t, 'buyer'), signUp(h.t, 'company'), signUp(h.t, 'supplier'), signUp(h.t, 'facilitator')]);
    const leadStructure = await createOwnedStructure(h.t, lead, { name: 'Paysages SAS', kind: 'COMPANY', sectors: ['entretien-espaces-verts'], annualRevenueEur: 2_000_000 });
    const partnerStructure = await createOwnedStructure(h.t, partner, { name: 'Jardins Solidaires', kind: 'ACI', sectors: ['entretien-espaces-verts'] });
    const tender = await createBidTender(h.t, buyer);
    const bid = await createBid(h.t, lead, { tenderId: tender.id, lots: [1], leadStructureId: leadStructure.id });
    await http().post(`/api/v1/bids/${bid.id}/invitations`).set(lead.auth).send({ structureId: partnerStructure.id }).expect(201);
    await http().post(`/api/v1/bids/${bid.id}/members/${partnerStructure.id}/accept`).set(partner.auth).expect(200);
    const assignments = [
      { structureId: leadStructure.id, lot: 1, workPackage: 'TONTE', share: 1 },
      { structureId: partnerStructure.id, lot: 1, workPackage: 'TAILLE', share: 1 },
    ];
    await http().patch(`/api/v1/bids/${bid.id}`).set(lead.auth).send({ assignments }).expect(200);
    await http().post(`/api/v1/bids/${bid.id}/submit`).set(lead.auth).expect(200);

    // The buyer closes the tender, then awards lot 1 (a first try without choosing the holder is refused on the form).
    const buyerPage = await logInBrowser(h, buyer, `/appels-d-offres/${tender.id}`);
    await buyerPage.getByRole('button', { name: 'Clore l’appel d’offres' }).click();
    await buyerPage.getByRole('button', { name: 'Clore l’appel d’offres' }).click();
    await buyerPage.getByText('L’appel d’offres est clos : vous pouvez attribuer ses lots.').waitFor();
    expect(await buyerPage.getByRole('link', { name: 'Attribuer le lot 2' }).count()).toBe(0); // reserved, no hours to follow
    await buyerPage.getByRole('link', { name: 'Attribuer le lot 1' }).click();
    await buyerPage.getByRole('heading', { name: 'Attribuer le lot 1 – Entretien des espaces verts' }).waitFor();
    await buyerPage.getByLabel('Début d’exécution').fill(`${year - 1}-01-01`);
    await buyerPage.getByLabel('Durée d’exécution (mois)').fill('36');
    await buyerPage.getByLabel(/^Facilitateur de la clause/).fill(facilitator.email);
    await buyerPage.getByRole('button', { name: 'Attribuer le lot' }).click();
    await buyerPage.locator('#resume-erreurs').getByText('Attributaire : choisissez le groupement attributaire ou une structure seule').waitFor();
    expect(await buyerPage.getByLabel('Durée d’exécution (mois)').inputValue()).toBe('36');
    await tick(buyerPage, 'radio', 'Groupement de Paysages SAS (mandataire) avec Jardins Solidaires');
    await screenshot(buyerPage, 'attribution-lot');
    await buyerPage.getByRole('button', { name: 'Attribuer le lot' }).click();
    await buyerPage.getByText('Lot 1 attribué. Le titulaire est prévenu : il déclarera les heures d’insertion chaque trimestre.').waitFor();
    const firstQuarter = buyerPage.getByRole('row', { name: new RegExp(`^1er trimestre ${year - 1}`) });
    await firstQuarter.getByText('En retard').waitFor();
    const awardUrl = new URL(buyerPage.url()).pathname;
    expect(await buyerPage.getByRole('button', { name: 'Déclarer les heures' }).count()).toBe(0);
    // Awarded once: the tender page and the old form now lead to the follow-up.
    await buyerPage.goto(`/appels-d-offres/${tender.id}/lots/1/attribuer`);
    expect(new URL(buyerPage.url()).pathname).toBe(awardUrl);
    await buyerPage.goto(`/appels-d-offres/${tender.id}`);
    await buyerPage.getByRole('link', { name: 'Suivre les heures d’insertion du lot 1' }).waitFor();

    // The mandataire finds the award in « Suivi des heures » and declares last year's first quarter.
    const leadPage = await logInBrowser(h, lead, '/suivi-heures');
    await leadPage.getByRole('link', { name: 'Lot 1 – Entretien des espaces verts' }).click();
    await leadPage.getByLabel('Trimestre').selectOption(`${year - 1}-Q1`);
    await leadPage.getByLabel('Paysages SAS (mandataire)').fill('douze');
    await leadPage.getByRole('button', { name: 'Déclarer les heures' }).click();
    await leadPage.locator('#resume-erreurs').getByText('Heures de Paysages SAS : nombre entier d’heures attendu (0 si aucune)').waitFor();
    await leadPage.getByLabel('Paysages SAS (mandataire)').fill('100');
    await leadPage.getByLabel('Jardins Solidaires (cotraitant)').fill('150');
    await leadPage.getByLabel('Commentaire (facultatif)').fill('Deux salariés en parcours');
    await leadPage.getByRole('button', { name: 'Déclarer les heures' }).click();
    await leadPage.getByText('250 heures déclarées. L’acheteur et le facilitateur sont prévenus.').waitFor();
    await leadPage.getByRole('row', { name: new RegExp(`^1er trimestre ${year - 1}`) }).getByText('Déclaré en retard').waitFor();
    await screenshot(leadPage, 'suivi-heures-mandataire');

    // The facilitator reads the same follow-up, without a declaration form.
    const facilitatorPage = await logInBrowser(h, facilitator, '/suivi-heures');
    await facilitatorPage.getByRole('link', { name: 'Lot 1 – Entretien des espaces verts' }).click();
    expect(new URL(facilitatorPage.url()).pathname).toBe(awardUrl);
    await facilitatorPage.getByText('250 h', { exact: true }).waitFor();
    await facilitatorPage.getByRole('cell', { name: 'Deux salariés en parcours' }).first().waitFor();
    expect(await facilitatorPage.getByRole('cell', { name: 'Deux salariés en parcours' }).count()).toBe(2); // one history line per member
    expect(await facilitatorPage.getByRole('button', { name: 'Déclarer les heures' }).count()).toBe(0);
    await screenshot(facilitatorPage, 'suivi-heures');
    await facilitatorPage.setViewportSize({ width: 375, height: 800 });
    await facilitatorPage.getByRole('heading', { name: 'Par trimestre' }).scrollIntoViewIfNeeded();
    await screenshot(facilitatorPage, 'suivi-heures-mobile');
    await facilitatorPage.setViewportSize({ width: 1280, height: 800 });
    const csv = await facilitatorPage.request.get(`${awardUrl}/export.csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(`1er trimestre ${year - 1}`);
  });
});
