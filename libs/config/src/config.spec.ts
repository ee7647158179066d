import { ConfigError, loadConfig, queueBackend } from './config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/inclusion';

describe('loadConfig', () => {
  it('needs only DATABASE_URL (npm start sets it for its embedded PostgreSQL); the queue is then PostgreSQL', () => {
    const config = loadConfig({ DATABASE_URL });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe(DATABASE_URL);
    expect(config.redisUrl).toBeUndefined();
    expect(queueBackend(config)).toBe('postgres');
    expect(config.searchEngine).toBe('postgres');
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('runs the queue on Redis when REDIS_URL is set', () => {
    expect(queueBackend(loadConfig({ DATABASE_URL, REDIS_URL: 'redis://127.0.0.1:6379' }))).toBe('redis');
    expect(() => loadConfig({ DATABASE_URL, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('sweeps stuck purchase analyses every 30 s, after 2 min without progress, unless configured', () => {
    expect(loadConfig({ DATABASE_URL }).purchaseAnalysis).toEqual({ sweepIntervalMs: 30_000, staleAfterMs: 120_000 });
    expect(loadConfig({ DATABASE_URL, PURCHASE_ANALYSIS_SWEEP_INTERVAL_MS: '5000', PURCHASE_ANALYSIS_STALE_AFTER_MS: '600000' }).purchaseAnalysis).toEqual({ sweepIntervalMs: 5000, staleAfterMs: 600_000 });
    expect(() => loadConfig({ DATABASE_URL, PURCHASE_ANALYSIS_SWEEP_INTERVAL_MS: '0' })).toThrow(/PURCHASE_ANALYSIS_SWEEP_INTERVAL_MS/);
  });

  it('says how to get a database when DATABASE_URL is missing', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL is not set: `npm start` runs an embedded PostgreSQL/);
  });

  it('lists every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'abc', SEARCH_ENGINE: 'solr', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', SEARCH_ENGINE: 'solr', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('SEARCH_ENGINE');
      expect(message).toContain('DATABASE_URL');
    }
  });

  it('generates no demo structure in production unless asked; 400 in development', () => {
    const secret = 'a-production-secret-that-is-long-enough-0123';
    expect(loadConfig({ DATABASE_URL }).demoStructures).toBe(400);
    expect(loadConfig({ DATABASE_URL, NODE_ENV: 'production', JWT_SECRET: secret }).demoStructures).toBe(0);
    expect(loadConfig({ DATABASE_URL, NODE_ENV: 'production', JWT_SECRET: secret, DEMO_STRUCTURES: '50' }).demoStructures).toBe(50);
  });

  it('requires a JWT secret and a Meilisearch URL when they matter', () => {
    expect(() => loadConfig({ DATABASE_URL, NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ DATABASE_URL, SEARCH_ENGINE: 'meilisearch' })).toThrow(/MEILI_URL/);
  });

  it('creates the admin only from configuration, with a strong password', () => {
    expect(loadConfig({ DATABASE_URL, ADMIN_EMAIL: 'Admin@Example.org', ADMIN_PASSWORD: 'correct horse battery' }).admin).toEqual({
      email: 'admin@example.org',
      password: 'correct horse battery',
    });
    expect(() => loadConfig({ DATABASE_URL, ADMIN_EMAIL: 'a@b.fr', ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
  });
});
