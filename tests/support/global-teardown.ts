import './register-aliases';
import { withAdminClient } from './databases';
import { deleteRedisKeys } from './redis-keys';
import { templateDatabase, testDatabasePrefix, testQueuePrefix } from './test-env';

/** Drops this run's template, whatever databases its test files could not drop themselves, and its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  await deleteRedisKeys(`${testQueuePrefix()}*`);
  await withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2`, [
      testDatabasePrefix(),
      templateDatabase(),
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
