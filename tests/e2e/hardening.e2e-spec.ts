// What a hostile tester broke (issue 13), one describe per item, each through the real API and pages
// against real PostgreSQL and Redis. Items 1 (substitution consent) and 8 (SIRET squatting, claims) have
// their own files: substitution.e2e-spec.ts and claims.e2e-spec.ts.
import { QueryFailedError } from 'typeorm';
import { enqueueStructureIndexing } from '@app/persistence';
import { ProblemFilter } from '../../apps/api/src/http/problem.filter';
import { createBidTender, person, villeurbanneTender, type Person } from '../support/bid-fixtures';
import { insertStructure } from '../support/tender-fixtures';
import { TestApp, createTestApp, signUp } from '../support/test-app';
import { createStructure } from '../support/web-fixtures';
import { BROWSER_ACCEPT, formPage, postForm } from '../support/web-forms';
import request from 'supertest';

jest.setTimeout(120_000);

const PASSWORD = 'un mot de passe solide';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Logs a browser agent in through the login page; returns the agent and its session cookie header. */
async function pageLogin(t: TestApp, email: string) {
  const agent = request.agent(t.app.getHttpServer());
  const { csrf } = await formPage(agent, '/connexion');
  const res = await postForm(agent, '/connexion', csrf, { email, password: PASSWORD }).expect(303);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const session = cookies.find((c) => c.startsWith('session='))!.split(';')[0];
  return { agent, session };
}

describe('item 2 — login limit: counted before the password is checked', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ loginMaxFailures: 5 })));
  afterAll(() => t.close());

  it('20 concurrent wrong passwords for one e-mail: at most 5 are checked, the rest get 429 with Retry-After', async () => {
    const account = await signUp(t, 'company');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.http().post('/api/v1/auth/login').send({ email: account.email, password: 'pas le bon mot de passe' })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits for the window: the limit protects the account, not the attempt.
    await t.http().post('/api/v1/auth/login').send({ email: account.email, password: PASSWORD }).expect(429);
  });
});

describe('item 3 — logout ends the session', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('the API token stops working after POST /api/v1/auth/logout', async () => {
    const account = await signUp(t, 'buyer');
    await t.http().get('/api/v1/auth/me').set(account.auth).expect(200);
    await t.http().post('/api/v1/auth/logout').set(account.auth).expect(204);
    const after = await t.http().get('/api/v1/auth/me').set(account.auth).expect(401);
    expect(after.headers['content-type']).toContain('application/problem+json');
    // A new login works again.
    const login = await t.http().post('/api/v1/auth/login').send({ email: account.email, password: PASSWORD }).expect(200);
    await t.http().get('/api/v1/auth/me').set({ Authorization: `Bearer ${login.body.accessToken}` }).expect(200);
  });

  it('the old session cookie is refused after « Se déconnecter »', async () => {
    const account = await signUp(t, 'supplier');
    const { agent, session } = await pageLogin(t, account.email);
    await agent.get('/mes-structures').set('Accept', BROWSER_ACCEPT).expect(200);
    const { csrf } = await formPage(agent, '/mes-structures');
    await postForm(agent, '/deconnexion', csrf, {}).expect(303);
    // Replaying the cookie saved before logout (an attacker who copied it): logged out for good.
    const replay = await t.http().get('/mes-structures').set('Accept', BROWSER_ACCEPT).set('Cookie', session).expect(303);
    expect(replay.headers.location).toMatch(/^\/connexion/);
    await t.http().get('/api/v1/auth/me').set('Cookie', session).expect(401);
  });
});

describe('item 4 — the JSON API refuses cross-site writes authenticated by the session cookie', () => {
  let t: TestApp;
  let supplier: Awaited<ReturnType<typeof signUp>>;
  let session: string;
  let structureId: string;
  beforeAll(async () => {
    t = await createTestApp();
    supplier = await signUp(t, 'supplier');
    structureId = (await createStructure(t, supplier.auth, { name: 'Atelier du Rhône', kind: 'EI', communeCode: '69123', sectors: ['nettoyage-locaux'] })).id;
    ({ session } = await pageLogin(t, supplier.email));
  });
  afterAll(() => t.close());

  it('POST /api/v1/notifications/read-all with the cookie and no (or a foreign) Origin → 403', async () => {
    for (const origin of [undefined, 'https://evil.example']) {
      const req = t.http().post('/api/v1/notifications/read-all').set('Cookie', session);
      const res = await (origin ? req.set('Origin', origin) : req).expect(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/origine/i);
    }
  });

  it('PATCH /api/v1/structures/:id urlencoded with the cookie → 403 and nothing changes', async () => {
    await t.http().patch(`/api/v1/structures/${structureId}`).set('Cookie', session).type('form').send({ name: 'Piratée' }).expect(403);
    await t.http().patch(`/api/v1/structures/${structureId}`).set('Cookie', session).set('Origin', 'https://evil.example').send({ name: 'Piratée' }).expect(403);
    const [{ name }] = await t.dataSource.query(`SELECT name FROM structures WHERE id = $1`, [structureId]);
    expect(name).toBe('Atelier du Rhône');
  });

  it('a bearer token, or the cookie from the site itself (same Origin), still works', async () => {
    await t.http().patch(`/api/v1/structures/${structureId}`).set(supplier.auth).send({ name: 'Atelier du Rhône (bearer)' }).expect(200);
    await t
      .http()
      .post('/api/v1/notifications/read-all')
      .set('Host', 'marche.example')
      .set('Origin', 'http://marche.example')
      .set('Cookie', session)
      .expect(200);
  });
});

describe('item 5 — editing a tender cannot race its publication', () => {
  let t: TestApp;
  let buyer: Person;
  beforeAll(async () => {
    t = await createTestApp();
    buyer = await person(t, 'buyer');
    // Test instrumentation: a trigger records any change of title or lots on a tender that is no longer a draft.
    await t.dataSource.query(`CREATE TABLE test_published_edits (tender_id uuid, what text)`);
    await t.dataSource.query(`CREATE FUNCTION test_log_tender_edit() RETURNS trigger AS $$ BEGIN
        IF OLD.status <> 'draft' AND NEW.title IS DISTINCT FROM OLD.title THEN INSERT INTO test_published_edits VALUES (NEW.id, 'title'); END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql`);
    await t.dataSource.query(`CREATE TRIGGER test_log_tender_edit BEFORE UPDATE ON tenders FOR EACH ROW EXECUTE FUNCTION test_log_tender_edit()`);
    await t.dataSource.query(`CREATE FUNCTION test_log_lot_delete() RETURNS trigger AS $$ BEGIN
        IF (SELECT status FROM tenders WHERE id = OLD.tender_id) <> 'draft' THEN INSERT INTO test_published_edits VALUES (OLD.tender_id, 'lots'); END IF;
        RETURN OLD; END $$ LANGUAGE plpgsql`);
    await t.dataSource.query(`CREATE TRIGGER test_log_lot_delete BEFORE DELETE ON tender_lots FOR EACH ROW EXECUTE FUNCTION test_log_lot_delete()`);
  });
  afterAll(() => t.close());

  it('12 edit/publish races: a published tender never gets the edited title or replaced lots; the loser gets 409', async () => {
    const body = villeurbanneTender();
    for (let round = 0; round < 12; round++) {
      const created = await t.http().post('/api/v1/tenders').set(buyer.auth).send(body).expect(201);
      const id = created.body.id as string;
      const [edit, publish] = await Promise.all([
        t.http().patch(`/api/v1/tenders/${id}`).set(buyer.auth).send({ title: `Titre modifié ${round}`, lots: [body.lots[1]] }),
        t.http().post(`/api/v1/tenders/${id}/publish`).set(buyer.auth),
      ]);
      expect([200, 409]).toContain(edit.status);
      expect(publish.status).toBe(200);
    }
    const edits = await t.dataSource.query(`SELECT * FROM test_published_edits`);
    expect(edits).toEqual([]);
  });
});

describe('item 6 — NUL bytes are refused (400 naming the field), never a 500', () => {
  let t: TestApp;
  let supplier: Awaited<ReturnType<typeof signUp>>;
  let buyer: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    t = await createTestApp();
    supplier = await signUp(t, 'supplier');
    buyer = await signUp(t, 'buyer');
  });
  afterAll(() => t.close());

  const expectField = (res: request.Response, field: string) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('login, register, structures and tenders name the faulty field', async () => {
    expectField(await t.http().post('/api/v1/auth/login').send({ email: 'a\u0000b@example.org', password: 'x' }), 'email');
    expectField(await t.http().post('/api/v1/auth/register').send({ email: 'nul@example.org', password: PASSWORD, role: 'buyer', displayName: 'A\u0000B' }), 'displayName');
    const structure = await t.http().post('/api/v1/structures').set(supplier.auth).send({ siret: '80746931700018', name: 'Nul\u0000', kind: 'EI', communeCode: '69123', interventionArea: { type: 'national' }, sectors: [], prestationTypes: ['PREST'], openToCoContracting: true });
    expectField(structure, 'name');
    expectField(await t.http().post('/api/v1/tenders').set(buyer.auth).send({ ...villeurbanneTender(), title: 'Titre\u0000' }), 'title');
    expectField(await t.http().get('/api/v1/tenders?q=a%00b'), 'q');
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM accounts WHERE email = 'nul@example.org'`);
    expect(count).toBe(0);
  });

  it('pages with a NUL in the query or the path answer 400 or 404, never 500', async () => {
    for (const path of ['/appels-d-offres?q=a%00b', '/recherche?q=a%00b', '/rapprochements/a%00b', '/appels-d-offres/%00/rapprochement']) {
      const res = await t.http().get(path).set('Accept', BROWSER_ACCEPT);
      expect([400, 404]).toContain(res.status);
    }
  });

  it('any PostgreSQL input error left is a 400, not a 500', () => {
    const filter = new ProblemFilter();
    for (const code of ['22021', '22P02', '22001', '22003', '22007']) {
      const error = Object.assign(new QueryFailedError('SELECT 1', [], new Error('invalid input')), { code });
      expect(filter.toProblem(error).status).toBe(400);
    }
  });
});

describe('item 7 — deeply nested JSON is refused before validation', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('5,000 levels → 400 problem+json (public and authenticated routes)', async () => {
    const supplier = await signUp(t, 'supplier');
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    for (const [path, auth] of [
      ['/api/v1/auth/login', {}],
      ['/api/v1/structures', supplier.auth],
    ] as const) {
      const res = await t.http().post(path).set(auth).set('Content-Type', 'application/json').send(deep);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/imbrication|profond/i);
    }
  });
});

describe('item 9 — headers, throttles, registration without enumeration, visible names, French parser errors', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ registrationMaxPerWindow: 4 })));
  afterAll(() => t.close());

  it('security headers on pages and on the API; HSTS only over HTTPS', async () => {
    for (const path of ['/', '/api/v1/reference/sectors', '/api/v1/nothing-here']) {
      const res = await t.http().get(path);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    const secure = await t.http().get('/').set('X-Forwarded-Proto', 'https');
    expect(secure.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('registration answers the same whether or not the e-mail exists, and tells the existing account', async () => {
    const body = { email: 'deja@example.org', password: PASSWORD, role: 'company', displayName: 'Première' };
    const first = await t.http().post('/api/v1/auth/register').send(body).expect(201);
    const second = await t.http().post('/api/v1/auth/register').send({ ...body, password: 'un autre mot de passe', displayName: 'Seconde' }).expect(201);
    expect(Object.keys(second.body).sort()).toEqual(Object.keys(first.body).sort());
    expect(second.body).toMatchObject({ email: 'deja@example.org', role: 'company', displayName: 'Seconde' });
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM accounts WHERE email = 'deja@example.org'`);
    expect(count).toBe(1);
    // The second password opens nothing; the owner is told someone tried.
    await t.http().post('/api/v1/auth/login').send({ email: body.email, password: 'un autre mot de passe' }).expect(401);
    const login = await t.http().post('/api/v1/auth/login').send({ email: body.email, password: PASSWORD }).expect(200);
    const notes = await t.http().get('/api/v1/notifications').set({ Authorization: `Bearer ${login.body.accessToken}` }).expect(200);
    expect(notes.body.items.map((n: { title: string }) => n.title)).toContain('Tentative d’inscription avec votre adresse');
  });

  it('registration is throttled per client (429 with Retry-After)', async () => {
    // Two registrations above; the limit is 4 per window.
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await t.http().post('/api/v1/auth/register').send({ email: `throttle${i}@example.org`, password: PASSWORD, role: 'buyer', displayName: 'X' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 429]);
    expect(last!.headers['content-type']).toContain('application/problem+json');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('names made only of invisible or bidi-override characters are refused', async () => {
    const login = await t.http().post('/api/v1/auth/login').send({ email: 'deja@example.org', password: PASSWORD }).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    for (const name of ['\u200B\u200E', '\u202E', ' \u2066\u2069 ', '\uFEFF']) {
      const res = await t.http().post('/api/v1/structures').set(auth).send({ siret: '80746931700018', name, kind: 'COMPANY', communeCode: '69123', interventionArea: { type: 'national' }, sectors: [], prestationTypes: ['PREST'], openToCoContracting: true });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    }
  });

  it('body-parser refusals (415 charset or encoding, 400 syntax) are French problem+json', async () => {
    const charset = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json; charset=koi8-r').send('{"email":"a","password":"b"}');
    expect(charset.status).toBe(415);
    expect(charset.headers['content-type']).toContain('application/problem+json');
    expect(charset.body).toMatchObject({ title: 'Type de contenu non pris en charge' });
    expect(charset.body.detail).toMatch(/UTF-8/);
    expect(charset.body.detail).not.toMatch(/unsupported/i);
    const encoding = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}');
    expect(encoding.status).toBe(415);
    expect(encoding.body.detail).toMatch(/encodage/i);
  });
});

describe('item 9 — matching-run creation is throttled per account', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ matchingRunsMaxPerWindow: 2 })));
  afterAll(() => t.close());

  it('the third run within the window → 429 with Retry-After; another account is not affected', async () => {
    const [buyer, company, other] = await Promise.all([person(t, 'buyer'), person(t, 'company'), person(t, 'company')]);
    const tender = await createBidTender(t, buyer);
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await t.http().post(`/api/v1/tenders/${tender.id}/matching-runs`).set(company.auth).send({});
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(last!.headers['content-type']).toContain('application/problem+json');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM matching_runs WHERE tender_id = $1`, [tender.id]);
    expect(count).toBe(2);
    await t.http().post(`/api/v1/tenders/${tender.id}/matching-runs`).set(other.auth).send({}).expect(202);
  });
});

describe('item 10 — search from a half-built index says so', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('/health says « indexing » and search answers are marked incomplete until the outbox is drained', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await insertStructure(t.dataSource, { name: `ETTI ${i}`, kind: 'ETTI', communeCode: '69123', sectors: [{ code: 'nettoyage-locaux', inferred: false }] })).id);
    await t.dataSource.transaction((manager) => enqueueStructureIndexing(manager, ids));

    const health = await t.http().get('/health').expect(200);
    expect(health.body.status).toBe('indexing');
    expect(health.body.checks).toMatchObject({ database: 'up', queue: 'up', search: 'up' });
    expect(health.body.indexing.pendingStructures).toBe(3);
    const partial = await t.http().get('/api/v1/search/structures?kinds=ETTI').expect(200);
    expect(partial.body).toMatchObject({ incomplete: true, pendingStructures: 3 });
    const exported = await t.http().get('/api/v1/search/structures/export?format=csv&kinds=ETTI').expect(200);
    expect(exported.headers['x-search-incomplete']).toBe('true');
    const page = await t.http().get('/recherche?q=ETTI').set('Accept', BROWSER_ACCEPT).expect(200);
    expect(page.text).toContain('en cours d’indexation (3 structure(s) en attente)');

    await t.startWorker();
    const deadline = Date.now() + 30_000;
    let body: { status: string } = { status: '' };
    while (Date.now() < deadline) {
      body = (await t.http().get('/health')).body;
      if (body.status === 'ok') break;
      await sleep(200);
    }
    expect(body).toMatchObject({ status: 'ok' });
    const complete = await t.http().get('/api/v1/search/structures?kinds=ETTI').expect(200);
    expect(complete.body).toMatchObject({ total: 3, incomplete: false });
    expect((await t.http().get('/api/v1/search/structures/export?format=csv&kinds=ETTI')).headers['x-search-incomplete']).toBe('false');
    expect((await t.http().get('/recherche?q=ETTI').set('Accept', BROWSER_ACCEPT).expect(200)).text).not.toContain('en cours d’indexation');
  });
});
