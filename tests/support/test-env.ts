// Where e2e and browser tests find their services. Same defaults as the product; override with TEST_* variables.
import { randomBytes } from 'node:crypto';
import { AppConfig, loadConfig } from '@app/config';

export const PG_ROOT_URL = process.env.TEST_DATABASE_ROOT_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
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
    ...loadConfig({ NODE_ENV: 'test', DATABASE_URL: `${PG_ROOT_URL}/${databaseName}`, REDIS_URL, JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123' }),
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
