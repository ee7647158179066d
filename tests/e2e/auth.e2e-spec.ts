import { TestApp, createTestApp, signUp } from '../support/test-app';
import { testRedisUrl } from '../support/test-env';

describe('accounts (register, login, me) and the error shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ loginMaxFailures: 3 });
  });
  afterAll(() => t.close());

  it('GET /health reports every dependency up', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: { database: 'up', queue: 'up', search: 'up' },
      // The tests' own PostgreSQL (not the embedded one npm start runs), and Redis when the machine has it.
      backends: { database: 'external', queue: testRedisUrl() ? 'redis' : 'postgres', search: 'postgres' },
    });
  });

  it('registers, logs in and answers /me with the account', async () => {
    const buyer = await signUp(t, 'buyer', 'Acheteuse@Example.org');
    const me = await t.http().get('/api/v1/auth/me').set(buyer.auth).expect(200);
    expect(me.body).toMatchObject({ id: buyer.id, email: 'acheteuse@example.org', role: 'buyer' });
  });

  it('a duplicate email writes nothing and answers like a new one (no account enumeration, issue 13)', async () => {
    const body = { email: 'dup@example.org', password: 'un mot de passe solide', role: 'company', displayName: 'A' };
    await t.http().post('/api/v1/auth/register').send(body).expect(201);
    const res = await t.http().post('/api/v1/auth/register').send({ ...body, displayName: 'B' }).expect(201);
    expect(res.body).toMatchObject({ email: 'dup@example.org', role: 'company', displayName: 'B' });
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM accounts WHERE email = 'dup@example.org'`);
    expect(count).toBe(1);
  });

  it('lists every faulty field, refuses unknown fields and the admin role', async () => {
    const res = await t.http().post('/api/v1/auth/register').send({ email: 'nope', password: 'short', role: 'admin', displayName: '', extra: 1 }).expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: 'about:blank', status: 400 });
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'role', 'displayName', 'extra']));
  });

  it('answers malformed JSON with 400 and oversized bodies with 413, as problem+json', async () => {
    const bad = await t.http().post('/api/v1/auth/register').set('Content-Type', 'application/json').send('{"email":').expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const huge = await t.http().post('/api/v1/auth/register').set('Content-Type', 'application/json').send(JSON.stringify({ displayName: 'x'.repeat(1_100_000) })).expect(413);
    expect(huge.headers['content-type']).toContain('application/problem+json');
  });

  it('accepts bodies up to 1 MiB', async () => {
    const res = await t.http().post('/api/v1/auth/register').send({ email: 'big@example.org', password: 'un mot de passe solide', role: 'buyer', displayName: 'x'.repeat(600_000) });
    expect(res.status).toBe(400); // too long a name, but parsed: the limit is the validator's, not the parser's
    expect(res.body.errors[0].field).toBe('displayName');
  });

  it('gives the same answer for an unknown email and a wrong password, then rate-limits', async () => {
    const supplier = await signUp(t, 'supplier');
    const unknown = await t.http().post('/api/v1/auth/login').send({ email: 'nobody@example.org', password: 'whatever whatever' }).expect(401);
    const wrong = await t.http().post('/api/v1/auth/login').send({ email: supplier.email, password: 'wrong password!!' }).expect(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    await t.http().post('/api/v1/auth/login').send({ email: supplier.email, password: 'wrong password!!' }).expect(401);
    await t.http().post('/api/v1/auth/login').send({ email: supplier.email, password: 'wrong password!!' }).expect(401);
    const limited = await t.http().post('/api/v1/auth/login').send({ email: supplier.email, password: supplier.password }).expect(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
  });

  it('requires a valid token for /me', async () => {
    await t.http().get('/api/v1/auth/me').expect(401);
    await t.http().get('/api/v1/auth/me').set('Authorization', 'Bearer not-a-token').expect(401);
  });

  it('serves the OpenAPI description', async () => {
    const res = await t.http().get('/api/docs-json').expect(200);
    expect(res.body.paths['/api/v1/auth/register']).toBeDefined();
  });
});
