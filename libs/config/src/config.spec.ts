import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('works with no environment at all (fresh machine defaults)', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/inclusion');
    expect(config.searchEngine).toBe('postgres');
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
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
    expect(loadConfig({}).demoStructures).toBe(400);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).demoStructures).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, DEMO_STRUCTURES: '50' }).demoStructures).toBe(50);
  });

  it('requires a JWT secret and a Meilisearch URL when they matter', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ SEARCH_ENGINE: 'meilisearch' })).toThrow(/MEILI_URL/);
  });

  it('creates the admin only from configuration, with a strong password', () => {
    expect(loadConfig({ ADMIN_EMAIL: 'Admin@Example.org', ADMIN_PASSWORD: 'correct horse battery' }).admin).toEqual({
      email: 'admin@example.org',
      password: 'correct horse battery',
    });
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.fr', ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
  });
});
