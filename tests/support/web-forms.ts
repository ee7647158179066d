// Helpers for page tests through supertest: open a page like a browser, read its CSRF token, post a form.
import type TestAgent from 'supertest/lib/agent';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** GETs a page as a browser would and returns its HTML and the CSRF token of its forms. */
export async function formPage(agent: TestAgent, path: string): Promise<{ html: string; csrf: string }> {
  const res = await agent.get(path).set('Accept', BROWSER_ACCEPT).expect(200);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no CSRF field on ${path}`);
  return { html: res.text, csrf: match[1] };
}

/** POSTs an urlencoded form with its CSRF token, without following redirects. */
export function postForm(agent: TestAgent, path: string, csrf: string, fields: Record<string, unknown>) {
  return agent.post(path).type('form').set('Accept', BROWSER_ACCEPT).send({ ...fields, _csrf: csrf });
}
