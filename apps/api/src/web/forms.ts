// Pure helpers that turn HTML form fields (urlencoded, parsed by qs) into the plain objects the
// services and their DTOs expect, and map field errors back to form inputs. No Nest, no I/O.
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { FieldError, flattenValidationErrors } from '@app/common';

/** A parsed urlencoded body or query string: values are strings, string arrays or nested objects. */
export type FormBody = Record<string, unknown>;

/** One trimmed string value ('' when absent); the first of repeated values. */
export function text(body: FormBody | undefined, key: string): string {
  const value = body?.[key];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

/** A trimmed string, or undefined when empty (optional fields must not be sent as ''). */
export function optionalText(body: FormBody | undefined, key: string): string | undefined {
  return text(body, key) || undefined;
}

/**
 * Repeated values (checkbox groups, multiple selects) as a list. A single value arrives as a string;
 * comma lists (links built by scripts or copied from the API) are split too. Empty entries are dropped.
 */
export function list(body: FormBody | undefined, key: string): string[] {
  const value = body?.[key];
  const raw = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const out: string[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'string') continue;
    for (const part of entry.split(',')) {
      const trimmed = part.trim();
      if (trimmed && !out.includes(trimmed)) out.push(trimmed);
    }
  }
  return out;
}

/** A checkbox: present with any of these values means checked. */
export function checked(body: FormBody | undefined, key: string): boolean {
  return ['on', 'true', '1', 'oui', 'yes'].includes(text(body, key).toLowerCase());
}

/** A nested object field (`lots[0][title]` → body.lots[0]), or {} when absent. */
export function group(body: FormBody | undefined, key: string): FormBody {
  const value = body?.[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as FormBody) : {};
}

/**
 * Entries of an indexed group (`lots[0][…]`, `lots[1][…]`) in index order. qs gives an array for small
 * indexes and an object keyed by index beyond its array limit; both are accepted.
 */
export function indexedGroups(body: FormBody | undefined, key: string): FormBody[] {
  const value = body?.[key];
  if (Array.isArray(value)) return value.filter((v): v is FormBody => !!v && typeof v === 'object' && !Array.isArray(v));
  if (value && typeof value === 'object') {
    return Object.keys(value)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => (value as Record<string, unknown>)[k])
      .filter((v): v is FormBody => !!v && typeof v === 'object' && !Array.isArray(v));
  }
  return [];
}

/**
 * A number typed the French way: "1 000 000", "1 000 000,50", "12,5", "0.05", "5 %" is not accepted.
 * Returns undefined for an empty field and NaN for anything unreadable, so DTO validation names the
 * field instead of the page guessing.
 */
export function parseNumberFr(raw: string): number | undefined {
  const compact = raw.replace(/[\s\u00a0\u202f]/g, '').replace(/€$/, '');
  if (!compact) return undefined;
  if (!/^-?\d+([.,]\d+)?$/.test(compact)) return Number.NaN;
  return Number(compact.replace(',', '.'));
}

export function numberField(body: FormBody | undefined, key: string): number | undefined {
  return parseNumberFr(text(body, key));
}

/** A percentage typed as "5" or "5,5" (per cent) → a fraction 0.05 / 0.055. */
export function percentField(body: FormBody | undefined, key: string): number | undefined {
  const value = numberField(body, key);
  return value === undefined || Number.isNaN(value) ? value : Math.round(value * 1e6) / 1e8;
}

/** `lots[0].estimatedAmountEur` (the API's error path) → `lots[0][estimatedAmountEur]` (the input's name). */
export function inputName(path: string): string {
  const [head, ...rest] = path.split('.');
  return head + rest.map((part) => part.replace(/^([^[]+)/, '[$1]')).join('');
}

/** An error path or input name → a valid, stable HTML id: `lots[0].estimatedAmountEur` → `lots-0-estimatedAmountEur`. */
export function fieldId(path: string): string {
  return path
    .replace(/[[\].]+/g, '-')
    .replace(/[^A-Za-z0-9_-]/g, '')
    .replace(/^-+|-+$/g, '');
}

/** First message of each field, keyed by error path (a field shows one message at a time). */
export function errorsByField(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of errors) if (!(error.field in out)) out[error.field] = error.message;
  return out;
}

/** Rewrites error paths (e.g. a service's `communeCode` onto the page's `commune` text field). */
export function renameErrorFields(errors: FieldError[], renames: Record<string, string>): FieldError[] {
  return errors.map((error) => {
    for (const [from, to] of Object.entries(renames)) {
      if (error.field === from || error.field.startsWith(`${from}.`) || error.field.startsWith(`${from}[`)) {
        return { ...error, field: to + error.field.slice(from.length) };
      }
    }
    return error;
  });
}

/**
 * Only local paths may follow a login (`/mes-structures?x=1`), never another site: `//evil.example`,
 * `/\evil`, `https://…` and control characters fall back to `fallback`.
 */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\\]/.test(next) || next.length > 2000) return fallback;
  return next;
}

/**
 * Validates a plain object with the same class-validator DTO the JSON API uses, with the same rules
 * (unknown fields refused), so a page can never accept what the API refuses.
 */
export async function validateAs<T extends object>(dto: new () => T, plain: object): Promise<{ value: T; errors: FieldError[] }> {
  const value = plainToInstance(dto, plain);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  return { value, errors: flattenValidationErrors(errors) };
}

/** Drops keys whose value is undefined, so optional fields are left out of service calls. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/** Query string of the given filters, without empty values; lists are comma-joined like the API expects. */
export function queryString(params: Record<string, string | number | boolean | string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) {
      if (value.length) search.set(key, value.join(','));
    } else search.set(key, String(value));
  }
  const out = search.toString();
  return out ? `?${out}` : '';
}

/** Page-level errors first; a field already named by the page is not named again by the DTO. */
export function mergeFieldErrors(page: FieldError[], dto: FieldError[]): FieldError[] {
  const named = new Set(page.map((e) => e.field));
  return [...page, ...dto.filter((e) => !named.has(e.field))];
}
