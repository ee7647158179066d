// Links in e-mails that work without logging in: a tender's read-only view and the alerts' unsubscribe
// page. The token is an HMAC (the JWT secret, a separate purpose prefix) over what it grants, with an
// expiry; it grants nothing else, so a forwarded e-mail exposes one read-only page or one opt-out.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'tender-view' | 'unsubscribe';

/** Read-only tender links last as long as a tender usually stays open, and then some. */
export const LINK_TTL_DAYS: Record<LinkPurpose, number> = { 'tender-view': 180, unsubscribe: 365 };

const b64 = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function signLink(secret: string, purpose: LinkPurpose, subject: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + LINK_TTL_DAYS[purpose] * 86_400;
  const payload = b64(JSON.stringify([purpose, subject, expires]));
  return `${payload}.${mac(secret, payload)}`;
}

/** The subject the token was signed for, or null when forged, for another purpose or expired. */
export function verifyLink(secret: string, purpose: LinkPurpose, token: string, now = Date.now()): string | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const [p, subject, expires] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string, number];
    if (p !== purpose || typeof subject !== 'string' || expires * 1000 < now) return null;
    return subject;
  } catch {
    return null;
  }
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', `signed-link:${secret}`).update(payload).digest('base64url');
}
