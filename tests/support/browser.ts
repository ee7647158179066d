// Browser tests: the real app (API + pages, optionally the worker) on a random port, driven by Debian's
// Chromium through playwright-core. Playwright starts Chromium with a new temporary profile (user-data-dir).
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import type { AppConfig } from '@app/config';
import { TestApp, createTestApp } from './test-app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');
export const VIEWPORT = { width: 1280, height: 800 };

/** Flags that keep Chromium quiet on a closed network (no background calls to Google's hosts). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface BrowserHarness {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** A fresh browser context (its own cookies): one per user of a journey. */
  newUser: (options?: { javaScript?: boolean }) => Promise<{ context: BrowserContext; page: Page }>;
  close: () => Promise<void>;
}

export async function startBrowserHarness(options: { worker?: boolean; config?: Partial<AppConfig> } = {}): Promise<BrowserHarness> {
  const t = await createTestApp(options.config);
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  if (options.worker) await t.startWorker();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const contexts: BrowserContext[] = [];
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    t,
    baseUrl,
    browser,
    newUser: async ({ javaScript = true } = {}) => {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: VIEWPORT, locale: 'fr-FR', javaScriptEnabled: javaScript, timezoneId: 'Europe/Paris' });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      return { context, page: await context.newPage() };
    },
    close: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
}

/** Saves a 1280×800 PNG of the page into docs/screenshots when SCREENSHOTS=1 (for the README). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

/** A new user (browser context) logged in through the login page, landing on `next`. */
export async function logInBrowser(h: BrowserHarness, account: { email: string; password: string }, next: string, javaScript = true): Promise<Page> {
  const { page } = await h.newUser({ javaScript });
  await page.goto(`/connexion?next=${encodeURIComponent(next)}`);
  await page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill(account.email);
  await page.getByLabel(/^Mot de passe/).fill(account.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
  return page;
}

/** Signs up through the registration page and leaves the user logged in. */
export async function signUpInBrowser(page: Page, role: 'buyer' | 'supplier' | 'company' | 'facilitator', displayName: string): Promise<{ email: string; password: string }> {
  const email = `${role}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
  const password = 'un mot de passe solide';
  await page.goto('/inscription');
  await page.getByRole('radio', { name: new RegExp(`^${roleLabel(role)}`) }).check({ force: true });
  await page.getByLabel('Nom affiché').fill(displayName);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByLabel(/^Confirmation du mot de passe/).fill(password);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.waitForLoadState('domcontentloaded');
  return { email, password };
}

/**
 * DSFR draws its own radios and checkboxes: the label covers the native input, so a click lands on the
 * label (as a user's would) and `force` only skips Playwright's "intercepted" check.
 */
export async function tick(page: Page, role: 'radio' | 'checkbox', name: string | RegExp): Promise<void> {
  await page.getByRole(role, { name }).check({ force: true });
}

function roleLabel(role: 'buyer' | 'supplier' | 'company' | 'facilitator'): string {
  return { buyer: 'Acheteur', supplier: 'Structure inclusive', company: 'Entreprise', facilitator: 'Facilitateur' }[role];
}
