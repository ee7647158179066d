// Builds the template database once per test run: migrations plus reference data (communes).
// Test files then clone it with CREATE DATABASE … TEMPLATE, which takes well under a second.
import './register-aliases';
import 'reflect-metadata';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { openDatabase } from '@app/persistence';
import { startEmbeddedPostgres } from '@app/persistence/embedded-postgres';
import { databaseExists, withAdminClient } from './databases';
import { deleteRedisKeysWhere } from './redis-keys';
import { pgRootUrl, templateDatabase, testRunId } from './test-env';
import { seedTemplate } from './seed-template';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  testRunId();
  await fallBackWhenServicesAreMissing();
  await dropDatabasesOfDeadRuns();
  const template = templateDatabase();
  // The e2e and browser projects share one template per run: the second project's setup finds it built.
  if (await databaseExists(template)) return;
  const dataSource = await openDatabase(`${pgRootUrl()}/${template}`);
  try {
    await seedTemplate(dataSource);
  } finally {
    await dataSource.destroy();
  }
  console.log(`\n[global-setup] template database ready in ${Date.now() - started} ms`);
}

/**
 * On a machine with Node only: an embedded PostgreSQL (data in .data/test-postgres, stopped when jest exits)
 * and the queues on PostgreSQL. Decided once per run; the variables reach the test files (same process).
 */
async function fallBackWhenServicesAreMissing(): Promise<void> {
  if (!process.env.TEST_DATABASE_ROOT_URL && !(await listening(5432))) {
    const server = await startEmbeddedPostgres({ dataDir: join(__dirname, '..', '..', '.data', 'test-postgres') });
    process.env.TEST_DATABASE_ROOT_URL = server.url('').replace(/\/$/, '');
    process.once('exit', () => {
      try {
        process.kill(server.pid, 'SIGINT');
      } catch {
        // already stopped
      }
    });
    console.log(`\n[global-setup] nothing listens on 127.0.0.1:5432: the tests run on an embedded PostgreSQL (port ${server.port}, .data/test-postgres)`);
  }
  if (!process.env.TEST_REDIS_URL && !(await listening(6379))) {
    process.env.TEST_REDIS_URL = 'none';
    console.log('\n[global-setup] nothing listens on 127.0.0.1:6379: the queues run on PostgreSQL (Redis-only checks are skipped)');
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => (socket.destroy(), resolve(open));
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}

/** A run killed before its teardown leaves databases and Redis keys behind; they carry the pid of a gone process. */
async function dropDatabasesOfDeadRuns(): Promise<void> {
  await withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^inclusion_(tpl|e2e)_[0-9]+'`);
    for (const { datname } of rows) {
      const pid = Number(/^inclusion_(?:tpl|e2e)_(\d+)/.exec(datname)![1]);
      if (!isAlive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
  const alive = new Map<number, boolean>();
  await deleteRedisKeysWhere('test_*', (key) => {
    const pid = Number(/^test_(\d+)_/.exec(key)?.[1]);
    if (!pid) return false;
    if (!alive.has(pid)) alive.set(pid, isAlive(pid));
    return !alive.get(pid);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
