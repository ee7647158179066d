// Accessibility of every page type (RGAA 4 / WCAG 2.1 AA) in a real browser. axe-core runs its WCAG 2.0
// and 2.1 A/AA rules in each page; the test adds what axe cannot judge alone: the page's language, one h1
// and a <title> that names the page, the skip link first in the tab order and moving focus to the
// content, a visible focus ring on keyboard focus, and error summaries that take the focus and link to
// their fields. A violation fails with its rule, impact and the CSS selectors of the offending elements.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PurchaseAnalysesService } from '@app/tenders';
import { BrowserHarness, VIEWPORT, startBrowserHarness } from '../support/browser';
import { signUp } from '../support/test-app';
import { testConfig } from '../support/test-env';
import { createBid, createBidTender, createOwnedStructure } from '../support/bid-fixtures';
import { waitForSearch } from '../support/web-fixtures';

jest.setTimeout(180_000);

const AXE_SCRIPT = require.resolve('axe-core/axe.min.js');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SERVICE = 'Marché inclusif';
const NARROW = { width: 320, height: 640 };

type Role = 'visitor' | 'buyer' | 'company' | 'supplier';
type Account = Awaited<ReturnType<typeof signUp>>;

interface PageCase {
  name: string;
  as: Role;
  path: () => string;
  /** What the <title> says before « – Marché inclusif ». */
  title: RegExp;
  /** Brings the page to the state to audit (a form submitted with mistakes). */
  act?: (page: Page) => Promise<void>;
  /** The page shows an error summary: it must hold the focus and link to the fields. */
  errors?: boolean;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The DOM as the tests use it (the project compiles without the DOM library). */
interface Dom {
  document: {
    activeElement: DomElement | null;
    title: string;
    documentElement: DomElement;
    querySelector: (selector: string) => DomElement | null;
    querySelectorAll: (selector: string) => ArrayLike<DomElement>;
    getElementById: (id: string) => DomElement | null;
  };
  getComputedStyle: (el: DomElement, pseudo?: string) => Record<string, string>;
  axe?: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> };
}
interface DomElement {
  id: string;
  tagName: string;
  textContent: string | null;
  tabIndex: number;
  hidden: boolean;
  getAttribute: (name: string) => string | null;
  closest: (selector: string) => DomElement | null;
  querySelector: (selector: string) => DomElement | null;
  parentElement: DomElement | null;
  matches: (selector: string) => boolean;
  getClientRects: () => ArrayLike<unknown>;
}

/** axe-core's WCAG 2.0/2.1 A and AA rules, each violation on one line with the targets' selectors. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => !!(globalThis as unknown as Dom).axe))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async (tags) => {
    const dom = globalThis as unknown as Dom;
    const result = await dom.axe!.run(dom.document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, WCAG_TAGS);
  return violations.map(
    (v) =>
      `axe ${v.id} [${v.impact}] ${v.help} → ${v.nodes
        .map((n) => n.target.map(String).join(' >> '))
        .slice(0, 8)
        .join(' | ')}${v.nodes.length > 8 ? ` (+${v.nodes.length - 8})` : ''}`,
  );
}

/** Language, headings, title, and the skip link as the first focusable element of the page. */
/**
 * Every action shows its words: a button or button-styled link whose text is cut by its own box (DSFR caps
 * an icon button to the icon's width) is reported. The design system's titled icon buttons (the header's
 * search, menu and close, the magnifier of a small search bar) are the only icon-only buttons.
 */
async function clippedButtons(page: Page): Promise<string[]> {
  const clipped = await page.evaluate(() => {
    const dom = globalThis as unknown as { document: { querySelectorAll: (s: string) => ArrayLike<{ closest: (s: string) => unknown; textContent: string | null; scrollWidth: number; clientWidth: number; getClientRects: () => ArrayLike<unknown> }> } };
    return Array.from(dom.document.querySelectorAll('.fr-btn'))
      .filter((el) => !el.closest('.fr-header') && !el.closest('.fr-search-bar:not(.fr-search-bar--lg)') && el.getClientRects().length > 0 && (el.textContent ?? '').trim().length > 0)
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => (el.textContent ?? '').trim().replace(/\s+/g, ' '));
  });
  return clipped.map((text) => `button cut to its icon, its words hidden: « ${text} »`);
}

async function structureProblems(page: Page, title: RegExp): Promise<string[]> {
  const facts = await page.evaluate(() => {
    const { document } = globalThis as unknown as Dom;
    const tabbable = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')).filter(
      (el) => el.tabIndex >= 0 && !el.matches(':disabled') && !el.matches('input[type=hidden]') && !el.closest('[hidden], [inert]'),
    );
    const main = document.querySelector('main');
    return {
      lang: document.documentElement.getAttribute('lang'),
      h1: Array.from(document.querySelectorAll('h1')).map((h) => (h.textContent ?? '').trim()),
      title: document.title,
      first: tabbable[0] ? { href: tabbable[0].getAttribute('href'), text: (tabbable[0].textContent ?? '').trim() } : null,
      main: main ? { id: main.id, tabIndex: main.getAttribute('tabindex') } : null,
    };
  });
  const problems: string[] = [];
  if (facts.lang !== 'fr') problems.push(`html lang is ${JSON.stringify(facts.lang)}, expected "fr"`);
  if (facts.h1.length !== 1) problems.push(`expected one h1, found ${facts.h1.length}: ${JSON.stringify(facts.h1)}`);
  const suffix = ` – ${SERVICE}`;
  const named = facts.title.endsWith(suffix) ? facts.title.slice(0, -suffix.length) : null;
  if (named === null || !title.test(named)) problems.push(`title ${JSON.stringify(facts.title)} does not name the page (expected ${title} – ${SERVICE})`);
  if (!facts.first || facts.first.href !== '#contenu' || facts.first.text !== 'Aller au contenu')
    problems.push(`first focusable element is ${JSON.stringify(facts.first)}, expected the skip link to #contenu`);
  if (!facts.main || facts.main.id !== 'contenu' || facts.main.tabIndex !== '-1') problems.push(`main content is ${JSON.stringify(facts.main)}, expected <main id="contenu" tabindex="-1">`);
  return problems;
}

/**
 * The focused element shows a focus ring: an outline at least 1px wide or a box shadow, on the element or
 * on its ::before (DSFR draws the ring of an enlarged link, a tile or a logo, on the link's ::before).
 */
async function focusRing(page: Page): Promise<{ element: string; visible: boolean; inMain: boolean; mainHasTabbable: boolean; style: string }> {
  return page.evaluate(() => {
    const dom = globalThis as unknown as Dom;
    const el = dom.document.activeElement;
    const mainHasTabbable = Array.from(dom.document.querySelectorAll('main a[href], main button, main input, main select, main textarea, main summary')).some(
      (e) => e.tabIndex >= 0 && e.getClientRects().length > 0,
    );
    if (!el || el.tagName === 'BODY') return { element: 'nothing', visible: false, inMain: false, mainHasTabbable, style: '' };
    const rings = [dom.getComputedStyle(el), dom.getComputedStyle(el, '::before')].map((style) => ({
      visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) || (!!style.boxShadow && style.boxShadow !== 'none'),
      text: `outline: ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}; box-shadow: ${style.boxShadow}`,
    }));
    return {
      element: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} “${(el.textContent ?? '').trim().slice(0, 40)}”`,
      visible: rings.some((r) => r.visible) && el.getClientRects().length > 0,
      inMain: !!el.closest('main'),
      mainHasTabbable,
      style: rings.map((r) => r.text).join(' / ::before '),
    };
  });
}

/** From the top of a freshly loaded page: Tab reaches the skip link, Enter moves focus to the content, Tab goes on inside it. */
async function keyboardProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.keyboard.press('Tab');
  const skip = await focusRing(page);
  if (!skip.element.startsWith('a “Aller au contenu”')) return [`first Tab focuses ${skip.element}, expected the skip link`];
  if (!skip.visible) problems.push(`skip link has no visible focus ring (${skip.style})`);
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.id ?? null);
  if (target !== 'contenu') problems.push(`skip link moved focus to #${target}, expected #contenu`);
  await page.keyboard.press('Tab');
  const next = await focusRing(page);
  if (!next.inMain && next.mainHasTabbable) problems.push(`Tab after the skip link focuses ${next.element}, outside the main content`);
  if (!next.visible) problems.push(`${next.element} has no visible focus ring on keyboard focus (${next.style})`);
  return problems;
}

/** The error summary holds the focus after the submission and each of its links moves focus to its field. */
async function errorSummaryProblems(page: Page): Promise<string[]> {
  const summary = await page.evaluate(() => {
    const { document } = globalThis as unknown as Dom;
    const el = document.getElementById('resume-erreurs');
    if (!el) return null;
    return {
      focused: document.activeElement === el,
      role: el.getAttribute('role'),
      hrefs: Array.from(document.querySelectorAll('#resume-erreurs a')).map((a) => a.getAttribute('href') ?? ''),
    };
  });
  if (!summary) return ['no error summary (#resume-erreurs) after an invalid submission'];
  const problems: string[] = [];
  if (!summary.focused) problems.push('the error summary does not take the focus');
  if (summary.role !== 'alert') problems.push(`the error summary has role ${JSON.stringify(summary.role)}, expected "alert"`);
  if (summary.hrefs.length === 0) problems.push('the error summary links to no field');
  for (const href of [...new Set(summary.hrefs)]) {
    if (!href.startsWith('#')) {
      problems.push(`error summary link ${JSON.stringify(href)} is not a link to a field of the page`);
      continue;
    }
    await page.locator(`#resume-erreurs a[href="${href}"]`).first().click();
    const focused = await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.id ?? null);
    if (`#${focused}` !== href) problems.push(`error summary link ${href} moves focus to #${focused}`);
    const message = await fieldErrorMessage(page, href.slice(1));
    if (message === '') problems.push(`field ${href} has no error message tied to it (aria-describedby, or its fieldsets' aria-labelledby)`);
  }
  return problems;
}

/**
 * The error message next to a field, as assistive technologies reach it: through the field's
 * aria-describedby, or for a group of radios or checkboxes through the aria-labelledby of its fieldsets.
 * null when the target is not a form field (a section of the page the summary points to).
 */
async function fieldErrorMessage(page: Page, id: string): Promise<string | null> {
  return page.evaluate((fieldId) => {
    const { document } = globalThis as unknown as Dom;
    const field = document.getElementById(fieldId);
    if (!field || !field.matches('input, select, textarea')) return null;
    const names = [field.getAttribute('aria-describedby')];
    for (let group = field.closest('fieldset'); group; group = group.parentElement?.closest('fieldset') ?? null) names.push(group.getAttribute('aria-labelledby'));
    const refs = names.join(' ').split(/\s+/).filter(Boolean);
    const errorText = (el: DomElement | null) => {
      const message = el && (el.matches('.fr-error-text, .fr-message--error') ? el : el.querySelector('.fr-error-text, .fr-message--error'));
      return message?.textContent ?? '';
    };
    return refs
      .map((ref) => errorText(document.getElementById(ref)))
      .join(' ')
      .trim();
  }, id);
}

describe('accessibility of every page type (WCAG 2.1 AA)', () => {
  let h: BrowserHarness;
  const pages = new Map<Role, Page>();
  const ids = { tender: '', draft: '', run: '', runningRun: '', proposal: '', bid: '', supplierStructure: '', analysis: '', runningAnalysis: '', closedTender: '', award: '' };

  beforeAll(async () => {
    // The copy of a run left « running » must stay so for the whole suite (slow on a loaded machine): no sweeper,
    // and so must the purchase analysis left « en cours ».
    const { matching } = testConfig('settings-only');
    h = await startBrowserHarness({
      worker: true,
      config: { matching: { ...matching, sweepIntervalMs: 3_600_000, sweepAfterMs: 86_400_000 }, purchaseAnalysis: { sweepIntervalMs: 3_600_000, staleAfterMs: 86_400_000 } },
    });
    const [buyer, company, supplier] = await Promise.all([signUp(h.t, 'buyer'), signUp(h.t, 'company'), signUp(h.t, 'supplier')]);
    const lead = await createOwnedStructure(h.t, company, { name: 'Paysages Durables SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts'], annualRevenueEur: 3_000_000 });
    const [jardins] = await Promise.all([
      createOwnedStructure(h.t, supplier, { name: 'Jardins de Villeurbanne', kind: 'ACI', sectors: ['entretien-espaces-verts'], annualRevenueEur: 400_000 }),
      createOwnedStructure(h.t, supplier, { name: 'Élagage Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['elagage-abattage'], annualRevenueEur: 600_000 }),
      createOwnedStructure(h.t, supplier, { name: 'Propreté Solidaire Rhône', kind: 'EA', sectors: ['nettoyage-locaux'] }),
    ]);
    ids.supplierStructure = jardins.id;
    ids.tender = (await createBidTender(h.t, buyer)).id;
    ids.draft = (await createBidTender(h.t, buyer, { publish: false, title: 'Brouillon à publier' })).id;

    // A finished matching run anchored on the company, and a bid opened from its best proposal: the
    // partners' owner is invited (notifications), the lead sees the whole workspace.
    const launched = await h.t.http().post(`/api/v1/tenders/${ids.tender}/matching-runs`).set(company.auth).send({ anchorStructureId: lead.id }).expect(202);
    ids.run = launched.body.id;
    const run = await waitForRun(company, ids.run);
    if (!run.proposals.length) throw new Error('the matching run proposed nothing');
    ids.proposal = run.proposals[0].id;
    // A run still in progress (a copy of the finished one, left running): the page that follows it.
    [{ id: ids.runningRun }] = await h.t.dataSource.query(
      `INSERT INTO matching_runs (tender_id, requested_by, params, status, progress, started_at)
       SELECT tender_id, requested_by, params, 'running', 0.4, now() FROM matching_runs WHERE id = $1 RETURNING id`,
      [ids.run],
    );
    ids.bid = (await createBid(h.t, company, { tenderId: ids.tender, lots: run.proposals[0].lots, leadStructureId: lead.id, fromProposalId: ids.proposal })).id;
    await waitForSearch(h.t, 'perPage=1', 3);

    // Purchase analyses: one finished with a line to correct, one left « en cours » (created without its job).
    const plan = ['Libellé;CPV ou mots;Montant annuel;Lieu', 'Entretien des parcs;77310000;85 000;69123', 'Sans lieu;90911200;1000;', 'Nettoyage des locaux;90911200;40 000;Villeurbanne'].join('\n');
    ids.analysis = (await h.t.http().post('/api/v1/purchase-analyses').set(buyer.auth).attach('file', Buffer.from(plan), 'plan-achats.csv').expect(202)).body.id;
    const planPath = join(tmpdir(), `a11y-plan-${process.pid}.csv`);
    writeFileSync(planPath, plan);
    const running = await h.t.app.get(PurchaseAnalysesService).create({ id: buyer.id, role: 'buyer' }, 'plan-achats-2027.csv', planPath);
    ids.runningAnalysis = running.id;
    await h.t.dataSource.query(`UPDATE purchase_analyses SET status = 'running', processed = 1 WHERE id = $1`, [running.id]);
    await waitForAnalysis(buyer, ids.analysis);

    // Insertion hours after award: a closed tender to award, and another whose lot 1 is awarded to the supplier's
    // structure alone, with one quarter declared.
    const year = new Date().getUTCFullYear();
    ids.closedTender = (await createBidTender(h.t, buyer, { title: 'Marché clos à attribuer' })).id;
    await h.t.http().post(`/api/v1/tenders/${ids.closedTender}/close`).set(buyer.auth).expect(200);
    const awardedTender = (await createBidTender(h.t, buyer, { title: 'Marché attribué' })).id;
    await h.t.http().post(`/api/v1/tenders/${awardedTender}/close`).set(buyer.auth).expect(200);
    ids.award = (await h.t.http().post(`/api/v1/tenders/${awardedTender}/lots/1/award`).set(buyer.auth).send({ structureId: jardins.id, startsOn: `${year - 1}-01-01`, durationMonths: 24 }).expect(201)).body.id;
    await h.t.http().post(`/api/v1/awards/${ids.award}/declarations`).set(supplier.auth).send({ quarter: `${year - 1}-Q1`, entries: [{ structureId: jardins.id, hours: 40 }], comment: 'Un salarié en parcours' }).expect(201);

    pages.set('visitor', (await h.newUser()).page);
    await Promise.all(
      (
        [
          ['buyer', buyer],
          ['company', company],
          ['supplier', supplier],
        ] as const
      ).map(async ([role, who]) => pages.set(role, await logIn(who))),
    );
  });
  afterAll(() => h?.close());

  async function waitForRun(who: Account, runId: string): Promise<{ status: string; proposals: { id: string; lots: number[] }[] }> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await h.t.http().get(`/api/v1/matching-runs/${runId}`).set(who.auth).expect(200);
      if (res.body.status === 'succeeded') return res.body;
      if (res.body.status === 'failed' || Date.now() > deadline) throw new Error(`matching run ${res.body.status}: ${res.body.error ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function waitForAnalysis(who: Account, id: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await h.t.http().get(`/api/v1/purchase-analyses/${id}`).set(who.auth).expect(200);
      if (res.body.status === 'succeeded') return;
      if (res.body.status === 'failed' || Date.now() > deadline) throw new Error(`purchase analysis ${res.body.status}: ${res.body.error ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function logIn(who: Account): Promise<Page> {
    const { page } = await h.newUser();
    await page.goto('/connexion?next=%2Fmes-groupements');
    await page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(who.email);
    await page.getByLabel(/^Mot de passe/).fill(who.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((url) => url.pathname === '/mes-groupements');
    return page;
  }

  const submit = (button: string | RegExp) => async (page: Page) => {
    await page.getByRole('button', { name: button }).first().click();
    await page.waitForLoadState('load');
  };

  const cases: PageCase[] = [
    { name: 'home', as: 'visitor', path: () => '/', title: /^Accueil$/ },
    { name: 'search with results and facets', as: 'visitor', path: () => '/recherche?q=espaces+verts&includeCompanies=on', title: /^Résultats pour « espaces verts »$/ },
    { name: 'search with a field in error', as: 'visitor', path: () => '/recherche?commune=Nulle-Part-sur-Mer', title: /^Erreur : /, errors: true },
    { name: 'structure page', as: 'visitor', path: () => `/structures/${ids.supplierStructure}?retour=${encodeURIComponent('/recherche?q=jardins')}`, title: /^Jardins de Villeurbanne$/ },
    { name: 'login', as: 'visitor', path: () => '/connexion', title: /^Connexion$/ },
    { name: 'login with errors', as: 'visitor', path: () => '/connexion', title: /^Erreur : Connexion$/, act: submit('Se connecter'), errors: true },
    { name: 'sign-up', as: 'visitor', path: () => '/inscription', title: /^Créer un compte$/ },
    { name: 'sign-up with errors', as: 'visitor', path: () => '/inscription', title: /^Erreur : Créer un compte$/, act: submit('Créer mon compte'), errors: true },
    { name: 'accessibility statement', as: 'visitor', path: () => '/accessibilite', title: /^Déclaration d’accessibilité$/ },
    { name: 'not found (404)', as: 'visitor', path: () => '/page-qui-n-existe-pas', title: /^Page non trouvée$/ },
    { name: 'my structures', as: 'supplier', path: () => '/mes-structures', title: /^Mes structures$/ },
    { name: 'structure form (create)', as: 'supplier', path: () => '/structures/nouvelle', title: /^Inscrire une structure$/ },
    { name: 'structure form (edit)', as: 'supplier', path: () => `/structures/${ids.supplierStructure}/modifier`, title: /^Modifier Jardins de Villeurbanne$/ },
    {
      name: 'structure form with errors',
      as: 'supplier',
      path: () => '/structures/nouvelle',
      title: /^Erreur : Inscrire une structure$/,
      act: async (page) => {
        await page.getByLabel(/^SIRET/).fill('123');
        await submit('Inscrire la structure')(page);
      },
      errors: true,
    },
    { name: 'tenders', as: 'buyer', path: () => '/appels-d-offres', title: /^Appels d’offres$/ },
    { name: 'tender form', as: 'buyer', path: () => '/appels-d-offres/nouveau', title: /^Nouvel appel d’offres$/ },
    { name: 'tender form with errors', as: 'buyer', path: () => '/appels-d-offres/nouveau', title: /^Erreur : Nouvel appel d’offres$/, act: submit('Enregistrer le brouillon'), errors: true },
    { name: 'tenders, filtered', as: 'visitor', path: () => '/appels-d-offres?q=espaces+vert&reservation=L2113-13&echeance=90&departement=69', title: /^Appels d’offres$/ },
    { name: 'draft tender (buyer)', as: 'buyer', path: () => `/appels-d-offres/${ids.draft}`, title: /^Brouillon à publier$/ },
    { name: 'publish confirmation', as: 'buyer', path: () => `/appels-d-offres/${ids.draft}`, title: /^Publier « Brouillon à publier » \?$/, act: submit('Publier') },
    { name: 'member removal confirmation', as: 'company', path: () => `/groupements/${ids.bid}`, title: /^Retirer .+ du groupement \?$/, act: submit(/^Retirer /) },
    { name: 'tender page (buyer)', as: 'buyer', path: () => `/appels-d-offres/${ids.tender}`, title: /^Entretien des espaces verts et nettoyage des équipements$/ },
    { name: 'tender page (company)', as: 'company', path: () => `/appels-d-offres/${ids.tender}`, title: /^Entretien des espaces verts et nettoyage des équipements$/ },
    { name: 'candidates of a lot', as: 'buyer', path: () => `/appels-d-offres/${ids.tender}/lots/1/candidats`, title: /^Candidats du lot 1 – / },
    { name: 'matching form', as: 'company', path: () => `/appels-d-offres/${ids.tender}/rapprochement`, title: /^Proposer des groupements – / },
    { name: 'matching run in progress', as: 'company', path: () => `/rapprochements/${ids.runningRun}`, title: /^Calcul en cours – / },
    { name: 'matching run with proposals', as: 'company', path: () => `/rapprochements/${ids.run}`, title: /^Groupements proposés – / },
    { name: 'bid from a proposal', as: 'company', path: () => `/rapprochements/${ids.run}/propositions/${ids.proposal}/groupement`, title: /^Constituer le groupement n° 1 – / },
    { name: 'new bid', as: 'company', path: () => `/appels-d-offres/${ids.tender}/groupement`, title: /^Monter un groupement – / },
    { name: 'bid workspace (lead, invitation search)', as: 'company', path: () => `/groupements/${ids.bid}?structure=Propret%C3%A9`, title: /^Groupement – / },
    { name: 'bid workspace (invited member)', as: 'supplier', path: () => `/groupements/${ids.bid}`, title: /^Groupement – / },
    { name: 'bid submitted too early (rules in error)', as: 'company', path: () => `/groupements/${ids.bid}`, title: /^Erreur : Groupement – /, act: submit('Vérifier et déposer'), errors: true },
    { name: 'bid summary', as: 'company', path: () => `/groupements/${ids.bid}/synthese`, title: /^Synthèse du groupement – / },
    { name: 'my groupements', as: 'company', path: () => '/mes-groupements', title: /^Mes groupements$/ },
    { name: 'notifications', as: 'supplier', path: () => '/notifications', title: /^Notifications$/ },
    { name: 'answer the buyer', as: 'supplier', path: () => `/appels-d-offres/${ids.tender}/reponse`, title: /^Répondre à l’acheteur – / },
    { name: 'answer the buyer with errors', as: 'supplier', path: () => `/appels-d-offres/${ids.tender}/reponse`, title: /^Erreur : Répondre à l’acheteur – /, act: submit('Envoyer ma réponse'), errors: true },
    { name: 'answers of the structures (buyer)', as: 'buyer', path: () => `/appels-d-offres/${ids.tender}/interets`, title: /^Réponses des structures – / },
    { name: 'partner board', as: 'company', path: () => `/appels-d-offres/${ids.tender}/partenaires`, title: /^Bourse à la co-traitance – / },
    { name: 'partner request with errors', as: 'company', path: () => `/appels-d-offres/${ids.tender}/partenaires`, title: /^Erreur : Bourse à la co-traitance – /, act: submit('Publier ma demande'), errors: true },
    { name: 'my alerts', as: 'supplier', path: () => '/alertes', title: /^Mes alertes$/ },
    { name: 'my favourite lists', as: 'buyer', path: () => '/listes', title: /^Mes listes de structures$/ },
    { name: 'add to a list', as: 'buyer', path: () => `/listes/ajouter?structure=${ids.supplierStructure}`, title: /^Ajouter Jardins de Villeurbanne à une liste$/ },
    { name: 'purchase analysis: upload form and my analyses', as: 'buyer', path: () => '/analyses-achats', title: /^Analyser un plan d’achats$/ },
    {
      name: 'purchase analysis: file refused',
      as: 'buyer',
      path: () => '/analyses-achats',
      title: /^Erreur : Analyser un plan d’achats$/,
      act: async (page) => {
        const bad = join(tmpdir(), `a11y-bad-${process.pid}.csv`);
        writeFileSync(bad, 'Nom;Prix\nA;1');
        await page.getByLabel(/^Fichier CSV ou Excel/).setInputFiles(bad);
        await submit('Analyser le fichier')(page);
      },
      errors: true,
    },
    { name: 'award form with errors', as: 'buyer', path: () => `/appels-d-offres/${ids.closedTender}/lots/1/attribuer`, title: /^Erreur : Attribuer le lot 1$/, act: submit('Attribuer le lot'), errors: true },
    { name: 'closed tender page (buyer, lots to award)', as: 'buyer', path: () => `/appels-d-offres/${ids.closedTender}`, title: /^Marché clos à attribuer$/ },
    { name: 'insertion hours: awards followed', as: 'buyer', path: () => '/suivi-heures', title: /^Suivi des heures d’insertion$/ },
    { name: 'insertion hours: follow-up (buyer)', as: 'buyer', path: () => `/suivi-heures/${ids.award}`, title: /^Heures d’insertion – lot 1$/ },
    { name: 'insertion hours: follow-up and declaration form (holder)', as: 'supplier', path: () => `/suivi-heures/${ids.award}`, title: /^Heures d’insertion – lot 1$/ },
    {
      name: 'insertion hours: declaration with errors',
      as: 'supplier',
      path: () => `/suivi-heures/${ids.award}`,
      title: /^Erreur : Heures d’insertion – lot 1$/,
      act: async (page) => {
        await page.getByLabel(/^Jardins de Villeurbanne \(titulaire\)/).fill('beaucoup');
        await submit('Déclarer les heures')(page);
      },
      errors: true,
    },
    { name: 'purchase analysis in progress', as: 'buyer', path: () => `/analyses-achats/${ids.runningAnalysis}`, title: /^Analyse des achats – plan-achats-2027\.csv$/ },
    { name: 'purchase analysis results with a line to correct', as: 'buyer', path: () => `/analyses-achats/${ids.analysis}`, title: /^Analyse des achats – plan-achats\.csv$/ },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const page = pages.get(c.as)!;
    await page.goto(c.path());
    await page.waitForLoadState('load');
    if (c.act) await c.act(page);
    const problems: string[] = [];
    if (c.errors) problems.push(...(await errorSummaryProblems(page)));
    problems.push(...(await structureProblems(page, c.title)));
    problems.push(...(await clippedButtons(page)));
    problems.push(...(await axeViolations(page)));
    // Reflow (1.4.10): the same page 320 CSS pixels wide, where wide tables scroll.
    await page.setViewportSize(NARROW);
    problems.push(...(await axeViolations(page)).map((p) => `at ${NARROW.width} px: ${p}`));
    await page.setViewportSize(VIEWPORT);
    if (!c.errors) {
      await page.goto(page.url());
      problems.push(...(await keyboardProblems(page)));
    }
    expect(problems).toEqual([]);
  });
});
