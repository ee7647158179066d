import './register-aliases';
import { withAdminClient } from './databases';

/** Drops the databases test files could not drop themselves (crashed runs), so the machine stays clean. */
export default async function globalTeardown(): Promise<void> {
  await withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'inclusion_e2e_%'`);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
