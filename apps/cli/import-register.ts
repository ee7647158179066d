// `npm run import:register [path]`: imports a SIAE register CSV (default data/reference/siae-register-2020.csv).
// Idempotent: a second run reports every row unchanged. Owners' and admins' edits are never overwritten.
import 'reflect-metadata';
import { resolve } from 'node:path';
import { loadConfig } from '@app/config';
import { openDatabase } from '@app/persistence';
import { ReferenceIndex, seedCommunes } from '@app/reference';
import { REGISTER_FILE, RegisterImporter, formatImportSummary, terminalProgress } from '@app/catalogue';

async function main(): Promise<void> {
  const file = process.argv[2] ? resolve(process.argv[2]) : REGISTER_FILE;
  const config = loadConfig();
  const dataSource = await openDatabase(config.databaseUrl);
  try {
    const reference = await ReferenceIndex.load();
    // Structures reference communes: load them first on a database that has none yet.
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM communes`);
    if (count < reference.allCommunes.length) {
      const communes = await seedCommunes(dataSource, reference.allCommunes);
      console.log(`Communes: ${communes.written}/${communes.total} written in ${communes.ms} ms`);
    }
    const summary = await new RegisterImporter(dataSource, reference).import(file, { progress: terminalProgress('Registre SIAE') });
    console.log(formatImportSummary(summary));
  } finally {
    await dataSource.destroy();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error('Import failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
