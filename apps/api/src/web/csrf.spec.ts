import { csrfToken, csrfTokenValid, isStateChanging, newCsrfSecret } from './csrf';

describe('CSRF signed double submit', () => {
  const key = 'server key that nobody outside knows';

  it('accepts the token computed for the cookie secret', () => {
    const secret = newCsrfSecret();
    expect(csrfTokenValid(key, secret, csrfToken(key, secret))).toBe(true);
  });

  it('refuses a token made for another secret, with another key, or tampered with', () => {
    const secret = newCsrfSecret();
    const token = csrfToken(key, secret);
    expect(csrfTokenValid(key, newCsrfSecret(), token)).toBe(false);
    expect(csrfTokenValid('another key', secret, token)).toBe(false);
    expect(csrfTokenValid(key, secret, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });

  it('refuses when the cookie or the field is missing, and a planted cookie equal to the field', () => {
    const secret = newCsrfSecret();
    expect(csrfTokenValid(key, undefined, csrfToken(key, secret))).toBe(false);
    expect(csrfTokenValid(key, secret, undefined)).toBe(false);
    expect(csrfTokenValid(key, secret, '')).toBe(false);
    // Plain double submit would accept cookie === field; the signed variant does not.
    expect(csrfTokenValid(key, secret, secret)).toBe(false);
    expect(csrfTokenValid(key, ['array'], 'x')).toBe(false);
  });

  it('gives a fresh, unguessable secret each time', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newCsrfSecret()));
    expect(secrets.size).toBe(50);
    for (const s of secrets) expect(s.length).toBeGreaterThanOrEqual(40);
  });

  it('checks only methods that change state', () => {
    expect(['GET', 'head', 'OPTIONS'].map(isStateChanging)).toEqual([false, false, false]);
    expect(['POST', 'put', 'PATCH', 'DELETE'].map(isStateChanging)).toEqual([true, true, true, true]);
  });
});
