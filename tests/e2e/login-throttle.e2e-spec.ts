// Login limits on both stores (Redis when REDIS_URL is set, PostgreSQL otherwise), through the real login
// endpoint: parallel guesses cannot check more passwords than the limit, the window ends, a success resets.
import { queueBackends, testRedisUrl } from '../support/test-env';
import { TestApp, createTestApp, signUp } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(queueBackends())('login limits kept in %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ redisUrl: backend === 'redis' ? testRedisUrl() : undefined, loginMaxFailures: 3, loginWindowSec: 2 });
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) => t.http().post('/api/v1/auth/login').send({ email, password });

  it('checks at most the limit of passwords when guesses arrive together, then answers 429 until the window ends', async () => {
    const account = await signUp(t, 'supplier');
    const answers = await Promise.all(Array.from({ length: 8 }, () => login(account.email, 'wrong password!!')));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    const limited = answers.find((res) => res.status === 429)!;
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body.detail).toMatch(/^Trop de tentatives de connexion\. Réessayez dans 1 minute\(s\)\.$/);
    expect(limited.body.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(limited.body.retryAfterSec).toBeLessThanOrEqual(2);
    await login(account.email, account.password).expect(429); // even the right password, inside the window

    await sleep(2100);
    await login(account.email, account.password).expect(200);
  });

  it('a successful login forgets the earlier failures; other e-mails are counted apart', async () => {
    const account = await signUp(t, 'buyer');
    const other = await signUp(t, 'company');
    await login(account.email, 'wrong password!!').expect(401);
    await login(account.email, 'wrong password!!').expect(401);
    await login(account.email, account.password).expect(200);
    await login(account.email, 'wrong password!!').expect(401);
    await login(account.email, 'wrong password!!').expect(401);
    await login(account.email, 'wrong password!!').expect(401);
    await login(account.email, 'wrong password!!').expect(429); // 3 failures since the success, then refused
    await login(other.email, other.password).expect(200);
  });

  if (backend === 'postgres') {
    it('keeps only live windows in its PostgreSQL table: expired counters go at the next success', async () => {
      const forgetful = await signUp(t, 'buyer');
      await login(forgetful.email, 'wrong password!!').expect(401);
      const countersOf = async (email: string) =>
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM rate_limits WHERE starts_with(key, $1)`, [`${t.config.queuePrefix}:rate:login:${email}:`]))[0].n;
      expect(await countersOf(forgetful.email)).toBe(1);
      await sleep(2100);
      const other = await signUp(t, 'company');
      await login(other.email, other.password).expect(200);
      expect(await countersOf(forgetful.email)).toBe(0);
    });
  }
});
