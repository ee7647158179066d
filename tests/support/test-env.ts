// Where e2e and browser tests find their services: the machine's PostgreSQL on 127.0.0.1:5432 and Redis on
// 127.0.0.1:6379 (fast; CI runs them), whatever DATABASE_URL and REDIS_URL the product would use. Override with
// TEST_DATABASE_ROOT_URL and TEST_REDIS_URL. When nothing listens there, global-setup starts an embedded
// PostgreSQL and/or runs the queues on PostgreSQL (TEST_REDIS_URL=none), and says so.
import { randomBytes } from 'node:crypto';
import { AppConfig, QueueBackend, loadConfig } from '@app/config';

export const DEFAULT_TEST_DATABASE_ROOT_URL = 'postgres://postgres@127.0.0.1:5432';
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** Read when called: global-setup may point it at an embedded PostgreSQL before the test files load. */
export function pgRootUrl(): string {
  return process.env.TEST_DATABASE_ROOT_URL ?? DEFAULT_TEST_DATABASE_ROOT_URL;
}

/** Redis of the tests; undefined when global-setup found none (the queues then run on PostgreSQL). */
export function testRedisUrl(): string | undefined {
  const url = process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;
  return url === 'none' ? undefined : url;
}

/** The queue backends a contract suite runs on: both when Redis is there (CI), else PostgreSQL only. */
export function queueBackends(): QueueBackend[] {
  return testRedisUrl() ? ['redis', 'postgres'] : ['postgres'];
}
/**
 * Identifies one `jest` invocation: global-setup sets it before workers start, so every database a run creates
 * carries it and concurrent runs on one machine never drop each other's databases.
 */
export function testRunId(): string {
  return (process.env.TEST_RUN_ID ??= String(process.pid));
}
/** Migrated and seeded once per test run by global-setup; each test file clones it (fast). */
export const templateDatabase = (): string => `inclusion_tpl_${testRunId()}`;
export const testDatabasePrefix = (): string => `inclusion_e2e_${testRunId()}_`;
export const testQueuePrefix = (): string => `test_${testRunId()}_`;

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function testConfig(databaseName: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: `${pgRootUrl()}/${databaseName}`, REDIS_URL: testRedisUrl(), JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123' }),
    // Carries the run id: teardown deletes this run's Redis keys, setup those of runs that died.
    queuePrefix: `${testQueuePrefix()}${randomBytes(4).toString('hex')}`,
    seedOnStart: false,
    demoStructures: 0,
    // Test files register dozens of accounts and start many runs from one address; the throttle tests lower these.
    registrationMaxPerWindow: 100_000,
    matchingRunsMaxPerWindow: 100_000,
    ...overrides,
  };
}
