// The nunjucks environment of the web pages: where the templates and assets are, and the French
// formatting filters every template shares (amounts, distances, kinds…), built on the domain's wording.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import nunjucks from 'nunjucks';
import { formatDecimalFr, formatIntegerFr, formatPercentFr, prestationLabel, reservationLabel, structureKindLabel } from '@app/domain';
import type { PrestationType, Reservation, StructureKind } from '@app/domain';
import { fieldId, inputName, queryString } from './forms';
import { ruleCodes, ruleName, scoreCriterionLabel, withoutRuleCodes } from './presenters';

export const SERVICE_NAME = 'Marché inclusif';
export const SERVICE_TAGLINE = 'co-traitance et clauses sociales';

/**
 * apps/api/views, found from the TypeScript sources (apps/api/src/web) and from the build
 * (dist/apps/api/src/web, where the Dockerfile copies the folder next to dist).
 */
function resolveViewsDir(): string {
  const candidates = [
    resolve(__dirname, '..', '..', 'views'),
    resolve(__dirname, '..', '..', '..', '..', '..', 'apps', 'api', 'views'),
    resolve(process.cwd(), 'apps', 'api', 'views'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'layout.njk')));
  if (!found) throw new Error(`Web views not found (looked in ${candidates.join(', ')})`);
  return found;
}

export const VIEWS_DIR = resolveViewsDir();
/** Our own small CSS and JS, served under /static/app/. */
export const APP_ASSETS_DIR = join(VIEWS_DIR, 'assets');
const dsfrPackage = require.resolve('@gouvfr/dsfr/package.json');
/** The State design system's built files, served under /static/dsfr/. */
export const DSFR_DIST_DIR = join(dirname(dsfrPackage), 'dist');
export const DSFR_VERSION = (JSON.parse(readFileSync(dsfrPackage, 'utf8')) as { version: string }).version;
/** Content hash of our assets, put in their URLs so browsers fetch them again after a change. */
export const APP_ASSETS_VERSION = (() => {
  const hash = createHash('sha256');
  for (const name of readdirSync(APP_ASSETS_DIR).sort()) hash.update(name).update(readFileSync(join(APP_ASSETS_DIR, name)));
  return hash.digest('hex').slice(0, 10);
})();

/** "12 km", "< 1 km"; distances are unrounded numbers in the services. */
export function formatKm(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (value < 1) return '< 1 km';
  return `${formatIntegerFr(value)} km`;
}

export function formatEur(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  return `${formatIntegerFr(value)} €`;
}

const dateFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

export function formatDate(value: unknown): string {
  const date = toDate(value);
  return date ? dateFormat.format(date) : '';
}

export function formatDateTime(value: unknown): string {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : '';
}

/** For `<input type="date">`: YYYY-MM-DD in Paris time. */
export function isoDay(value: unknown): string {
  const date = toDate(value);
  if (!date) return typeof value === 'string' ? value : '';
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);
}

export function createViewEnvironment(options: { cache: boolean }): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: !options.cache }), {
    autoescape: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('eur', formatEur);
  env.addFilter('int', (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? formatIntegerFr(v) : ''));
  env.addFilter('decimal', (v: unknown, decimals = 2) => (typeof v === 'number' && Number.isFinite(v) ? formatDecimalFr(v, decimals) : ''));
  env.addFilter('percent', (v: unknown, decimals = 1) => (typeof v === 'number' && Number.isFinite(v) ? formatPercentFr(v, decimals) : ''));
  env.addFilter('km', formatKm);
  env.addFilter('date', formatDate);
  env.addFilter('datetime', formatDateTime);
  env.addFilter('isoDay', isoDay);
  env.addFilter('kindLabel', (kind: StructureKind) => structureKindLabel(kind) ?? kind);
  /** The kind as tables show it: the acronym of inclusive kinds (EI, ESAT…), a word for ordinary companies. */
  env.addFilter('kindShort', (kind: StructureKind) => (kind === 'COMPANY' ? 'Entreprise' : kind));
  env.addFilter('prestationLabel', (p: PrestationType) => prestationLabel(p) ?? p);
  env.addFilter('reservationLabel', (r: Reservation) => reservationLabel(r) ?? r);
  /** First letter upper-cased, the rest untouched (nunjucks' capitalize lowercases "(EI)"). */
  env.addFilter('ucfirst', (v: unknown) => (typeof v === 'string' && v ? v[0].toUpperCase() + v.slice(1) : v));
  env.addFilter('plain', (v: unknown) => (typeof v === 'string' ? withoutRuleCodes(v) : v));
  // Messages, or items with a `rule` and a `message`: every V-code they cite.
  env.addFilter('ruleCodes', (v: string | string[] | { rule?: string; message?: string }[]) =>
    ruleCodes((Array.isArray(v) ? v : [v ?? '']).map((m) => (typeof m === 'string' ? m : `${m.rule ?? ''} ${m.message ?? ''}`))),
  );
  env.addFilter('criterionLabel', scoreCriterionLabel);
  env.addFilter('ruleName', ruleName);
  env.addFilter('fieldId', fieldId);
  env.addFilter('inputName', inputName);
  /** `{{ filters | qs({ page: 2 }) }}`: the current filters with some values replaced, as a query string. */
  env.addFilter('qs', (params: Record<string, never>, overrides: Record<string, never> = {}) => queryString({ ...params, ...overrides }));
  env.addGlobal('SERVICE_NAME', SERVICE_NAME);
  env.addGlobal('SERVICE_TAGLINE', SERVICE_TAGLINE);
  env.addGlobal('DSFR_VERSION', DSFR_VERSION);
  env.addGlobal('APP_ASSETS_VERSION', APP_ASSETS_VERSION);
  return env;
}
