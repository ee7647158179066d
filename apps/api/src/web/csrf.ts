// CSRF protection of page forms: "signed double submit". A random secret lives in an http-only,
// SameSite=Lax cookie; every form carries HMAC(key, secret) in a hidden field. A cross-site page can
// neither read the cookie nor compute the HMAC, and a cookie planted from a sibling domain is useless
// without the server key.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const CSRF_COOKIE = 'csrf';
export const CSRF_FIELD = '_csrf';
/** Scripts posting JSON to page endpoints send the token in this header instead of the field. */
export const CSRF_HEADER = 'x-csrf-token';

export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The token a form must carry for this cookie secret. */
export function csrfToken(key: string, secret: string): string {
  return createHmac('sha256', key).update(`csrf:${secret}`).digest('base64url');
}

/** Constant-time check of a submitted token against the cookie secret; any missing part fails. */
export function csrfTokenValid(key: string, secret: unknown, token: unknown): boolean {
  if (typeof secret !== 'string' || typeof token !== 'string' || secret.length < 16 || !token) return false;
  const expected = Buffer.from(csrfToken(key, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** GET, HEAD and OPTIONS change nothing and are never checked. */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}
