import type { Request, Response } from 'express';
import { loadConfig } from '@app/config';
import { PageRenderer, errorPageHeading, fieldLabel, inPageOrder, formErrors, navSection, wantsHtmlPage } from './page-renderer';

function fakeRequest(path: string, accept?: string): Request {
  const headers: Record<string, string> = accept ? { accept } : {};
  return {
    path,
    url: path,
    headers,
    accepts: (types: string[]) => {
      if (!accept) return types[0];
      const order = accept.split(',').map((t) => t.split(';')[0].trim());
      for (const wanted of order) {
        if (wanted === '*/*') return types[0];
        if (types.includes(wanted)) return wanted;
      }
      return false;
    },
  } as unknown as Request;
}

describe('page routing helpers', () => {
  it('marks the navigation entry of the current section', () => {
    expect(navSection('/recherche')).toBe('search');
    expect(navSection('/structures/8c1e')).toBe('search');
    expect(navSection('/structures/nouvelle')).toBe('structures');
    expect(navSection('/appels-d-offres/1/lots/2')).toBe('tenders');
    expect(navSection('/mes-groupements')).toBe('bids');
    expect(navSection('/')).toBeUndefined();
  });

  it('answers HTML only to browsers on page routes', () => {
    const browser = 'text/html,application/xhtml+xml,*/*;q=0.8';
    expect(wantsHtmlPage(fakeRequest('/recherche', browser))).toBe(true);
    expect(wantsHtmlPage(fakeRequest('/recherche', 'application/json'))).toBe(false);
    expect(wantsHtmlPage(fakeRequest('/recherche'))).toBe(false);
    expect(wantsHtmlPage(fakeRequest('/api/v1/structures', browser))).toBe(false);
    expect(wantsHtmlPage(fakeRequest('/health', browser))).toBe(false);
    expect(wantsHtmlPage(fakeRequest('/static/app/app.js', browser))).toBe(false);
  });
});

describe('error summary', () => {
  const labels = { siret: 'SIRET', 'lots[].estimatedAmountEur': 'Lot {1} – montant estimé', 'lots[].workPackages[].share': 'Lot {1}, partie {2} – part' };

  it('labels fields exactly or by their generic path with the indexes counted from 1', () => {
    expect(fieldLabel('siret', labels)).toBe('SIRET');
    expect(fieldLabel('lots[2].estimatedAmountEur', labels)).toBe('Lot 3 – montant estimé');
    expect(fieldLabel('lots[0].workPackages[1].share', labels)).toBe('Lot 1, partie 2 – part');
    expect(fieldLabel('other', labels)).toBeUndefined();
  });

  it('links each error to its field and keeps the first message per field', () => {
    const { byField, list } = formErrors(
      [
        { field: 'lots[0].estimatedAmountEur', message: 'doit être positif' },
        { field: 'lots[0].estimatedAmountEur', message: 'second message' },
        { field: 'body', message: 'JSON mal formé' },
      ],
      labels,
    );
    expect(byField['lots[0].estimatedAmountEur']).toBe('doit être positif');
    expect(list[0]).toMatchObject({ href: '#lots-0-estimatedAmountEur', label: 'Lot 1 – montant estimé' });
    expect(list[2].href).toBeUndefined();
  });
});

describe('error page', () => {
  it('names the page in French, the same in its title and its heading', () => {
    expect(errorPageHeading({ type: 'about:blank', status: 404, title: 'Ressource introuvable' })).toBe('Page non trouvée');
    expect(errorPageHeading({ type: 'about:blank', status: 403, title: 'Accès interdit' })).toBe('Accès refusé');
    expect(errorPageHeading({ type: 'about:blank', status: 503, title: 'Service indisponible' })).toBe('Erreur inattendue');
    expect(errorPageHeading({ type: 'about:blank', status: 409, title: 'Conflit' })).toBe('Conflit');
  });
});

describe('page cookies', () => {
  function recorder() {
    const cookies: { name: string; value: string; options: Record<string, unknown> }[] = [];
    const res = { cookie: (name: string, value: string, options: Record<string, unknown>) => cookies.push({ name, value, options }), headersSent: false };
    return { cookies, res: res as unknown as Response };
  }

  it('keeps the session in an http-only, SameSite=Lax cookie, Secure when configured, for the token lifetime', () => {
    const config = { ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://127.0.0.1/unused', JWT_SECRET: 'x'.repeat(40) }), cookieSecure: true, jwtExpiresInSec: 3600 };
    const { cookies, res } = recorder();
    new PageRenderer(config).startSession(res, 'jwt-token');
    const session = cookies.find((c) => c.name === 'session');
    expect(session).toMatchObject({ value: 'jwt-token', options: { httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: 3_600_000 } });
    // The CSRF secret is renewed at login.
    expect(cookies.find((c) => c.name === 'csrf')?.options).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: true });
  });

  it('creates the CSRF secret once and accepts the token it printed in forms', () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://127.0.0.1/unused', JWT_SECRET: 'y'.repeat(40) });
    const pages = new PageRenderer(config);
    const { cookies, res } = recorder();
    const req = { cookies: {}, headers: {} } as unknown as Request;
    const token = pages.ensureCsrfToken(req, res);
    expect(cookies).toHaveLength(1);
    const secret = cookies[0].value;
    const post = { method: 'POST', cookies: { csrf: secret }, body: { _csrf: token }, headers: {} } as unknown as Request;
    expect(pages.csrfValid(post)).toBe(true);
    expect(pages.csrfValid({ ...post, body: { _csrf: 'nope' } } as unknown as Request)).toBe(false);
    // Scripts may send it as a header.
    expect(pages.csrfValid({ ...post, body: {}, headers: { 'x-csrf-token': token } } as unknown as Request)).toBe(true);
    // Another server key (another deployment) does not accept it.
    expect(new PageRenderer(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://127.0.0.1/unused', JWT_SECRET: 'z'.repeat(40) })).csrfValid(post)).toBe(false);
  });
});

describe('error summary order', () => {
  it('lists errors in the order of their fields on the page, errors without a field first', () => {
    const html = '<input id="title"><input id="lots-0-title"><input id="lots-1-amount">';
    const errors = [{ href: '#lots-1-amount', m: 'c' }, { m: 'general' }, { href: '#title', m: 'a' }, { href: '#lots-0-title', m: 'b' }];
    expect(inPageOrder(errors, html).map((e) => e.m)).toEqual(['general', 'a', 'b', 'c']);
    const sorted = [{ href: '#title' }, { href: '#lots-0-title' }];
    expect(inPageOrder(sorted, html)).toBe(sorted); // unchanged: no second rendering
  });
});
