// Builds the template database once per test run: migrations plus reference data (communes).
// Test files then clone it with CREATE DATABASE … TEMPLATE, which takes well under a second.
import './register-aliases';
import 'reflect-metadata';
import { openDatabase } from '@app/persistence';
import { databaseExists, withAdminClient } from './databases';
import { deleteRedisKeysWhere } from './redis-keys';
import { PG_ROOT_URL, templateDatabase, testRunId } from './test-env';
import { seedTemplate } from './seed-template';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  testRunId();
  await dropDatabasesOfDeadRuns();
  const template = templateDatabase();
  // The e2e and browser projects share one template per run: the second project's setup finds it built.
  if (await databaseExists(template)) return;
  const dataSource = await openDatabase(`${PG_ROOT_URL}/${template}`);
  try {
    await seedTemplate(dataSource);
  } finally {
    await dataSource.destroy();
  }
  console.log(`\n[global-setup] template database ready in ${Date.now() - started} ms`);
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
