// First step of `npm start` (apps/launcher.ts forks dist/apps/cli/seed.js): create and migrate the database,
// load communes, import the SIAE register, add the demo EA/ESAT catalogue, then the real DECP 2018–2019
// contracts (structure pages show "marchés publics remportés"). Each step is idempotent and is skipped
// outright when the database already holds what the same inputs produced (seed_state fingerprints).
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@app/config';
import { openDatabase } from '@app/persistence';
import { COMMUNES_FILE, CPV_FILE, ReferenceIndex, SECTORS, findProjectRoot, seedCommunes, withAdvisoryLock } from '@app/reference';
import { DECP_IMPORT_VERSION, DecpImporter } from '@app/tenders';
import {
  DEFAULT_DEMO_SEED,
  DemoGenerator,
  REGISTER_FILE,
  REGISTER_IMPORT_VERSION,
  RegisterImporter,
  formatImportSummary,
  terminalProgress,
} from '@app/catalogue';

/** Share of ordinary companies among demo structures: anchors for matching runs, never listed as inclusive. */
const DEMO_COMPANY_SHARE = 0.15;
const DEMO_VERSION = 'demo-v1';
const SEED_LOCK_KEY = 728_341_908;
/**
 * Real contracts: the consolidated 2018–2019 file (9,349 records: evidence for candidates), and the 77 records
 * whose holders are register structures (none of the 2018–2019 holders is in the 2020 register: without this
 * file no register structure's page would list a contract won).
 */
export const DECP_SEED_FILES: readonly string[] = ['decp-2018-2019.ndjson', 'decp-inclusive-holders-dev.ndjson'].map((f) =>
  join(findProjectRoot(), 'data', 'decp', f),
);

export interface SeedOptions {
  /** Redo every step even when its fingerprint matches. */
  force?: boolean;
  /** Progress bars (the CLI passes true on a terminal). */
  progress?: boolean;
  log?: (line: string) => void;
}

function sha1(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** sha1 of files read as streams (DECP files can be large), and of other inputs. */
async function filesSha1(paths: readonly string[], ...parts: string[]): Promise<string> {
  const hash = createHash('sha1');
  for (const path of paths) for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

async function storedFingerprint(dataSource: DataSource, key: string): Promise<string | undefined> {
  const rows: { fingerprint: string }[] = await dataSource.query(`SELECT fingerprint FROM seed_state WHERE key = $1`, [key]);
  return rows[0]?.fingerprint;
}

async function recordFingerprint(dataSource: DataSource, key: string, fingerprint: string, details: object): Promise<void> {
  await dataSource.query(
    `INSERT INTO seed_state (key, fingerprint, details, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, details = EXCLUDED.details, updated_at = now()`,
    [key, fingerprint, JSON.stringify(details)],
  );
}

/** Runs the four seed steps on an open database; returns the total time in ms. */
export async function seedDatabase(dataSource: DataSource, config: AppConfig, options: SeedOptions = {}): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  // Loaded only when a step has work to do, so a restart over a seeded database takes milliseconds.
  const reference = async () => {
    const loadStarted = Date.now();
    const index = await ReferenceIndex.load();
    if (Date.now() - loadStarted > 5) log(`[seed] reference data in memory (${index.allCommunes.length} communes) in ${Date.now() - loadStarted} ms`);
    return index;
  };
  const taxonomy = JSON.stringify(SECTORS);
  const communesFile = readFileSync(COMMUNES_FILE);

  // api, worker and a manual import may start together: one seeder at a time.
  await withAdvisoryLock(dataSource, SEED_LOCK_KEY, async () => {
    const communesPrint = sha1(communesFile);
    if (!options.force && (await storedFingerprint(dataSource, 'communes')) === communesPrint) {
      log('[seed] communes: already loaded');
    } else {
      const result = await seedCommunes(dataSource, (await reference()).allCommunes);
      await recordFingerprint(dataSource, 'communes', communesPrint, result);
      log(`[seed] communes: ${result.written}/${result.total} written in ${result.ms} ms`);
    }

    // A catalogue step that wrote something may have added SIRETs that DECP holders carry.
    let catalogueChanged = false;
    const registerPrint = sha1(readFileSync(REGISTER_FILE), taxonomy, communesPrint, REGISTER_IMPORT_VERSION);
    if (!options.force && (await storedFingerprint(dataSource, 'register')) === registerPrint) {
      log('[seed] SIAE register: already imported');
    } else {
      catalogueChanged = true;
      const summary = await new RegisterImporter(dataSource, await reference()).import(REGISTER_FILE, {
        progress: options.progress ? terminalProgress('Registre SIAE') : undefined,
      });
      await recordFingerprint(dataSource, 'register', registerPrint, summary);
      log(`[seed] ${formatImportSummary(summary)}`);
    }

    const demoOptions = { count: config.demoStructures, seed: DEFAULT_DEMO_SEED, companyShare: DEMO_COMPANY_SHARE };
    const demoPrint = sha1(JSON.stringify(demoOptions), taxonomy, communesPrint, DEMO_VERSION);
    if (!options.force && (await storedFingerprint(dataSource, 'demo')) === demoPrint) {
      log('[seed] demo structures: already generated');
    } else {
      catalogueChanged = true;
      const summary = await new DemoGenerator(dataSource, await reference()).generate(
        demoOptions,
        options.progress ? terminalProgress('Démo EA/ESAT') : undefined,
      );
      await recordFingerprint(dataSource, 'demo', demoPrint, summary);
      log(
        `[seed] demo structures (seed ${summary.seed}): ${summary.count} — inserted ${summary.inserted}, updated ${summary.updated}, ` +
          `unchanged ${summary.unchanged} in ${summary.ms} ms`,
      );
    }

    // After the catalogue, so holders link to its structures as they are written.
    const decpPrint = await filesSha1(DECP_SEED_FILES, readFileSync(CPV_FILE, 'utf8'), taxonomy, communesPrint, DECP_IMPORT_VERSION);
    if (!options.force && (await storedFingerprint(dataSource, 'decp')) === decpPrint) {
      log('[seed] DECP contracts: already imported');
      // relinkHolders reads no reference data.
      if (catalogueChanged) log(`[seed] DECP holders relinked to the catalogue: ${await new DecpImporter(dataSource, { index: null }).relinkHolders()}`);
    } else {
      const importer = new DecpImporter(dataSource, { index: await reference() });
      const details: Record<string, object> = {};
      for (const file of DECP_SEED_FILES) {
        const { flagged: _flagged, unreadable: _unreadable, ...summary } = await importer.importFile(file);
        details[basename(file)] = summary;
        log(
          `[seed] DECP ${basename(file)}: ${summary.records} records → ${summary.contracts} contracts (${summary.inserted} inserted, ` +
            `${summary.updated} updated, ${summary.unchanged} unchanged), ${summary.holders.linkedToStructures} holders linked ` +
            `to the catalogue, ${summary.flaggedCount} flagged, in ${summary.ms} ms`,
        );
      }
      await recordFingerprint(dataSource, 'decp', decpPrint, details);
    }
  });
  return Date.now() - started;
}

export async function seed(config: AppConfig, options: SeedOptions = {}): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!config.seedOnStart) {
    log('[seed] SEED_ON_START=false: nothing to do');
    return;
  }
  const started = Date.now();
  const dataSource = await openDatabase(config.databaseUrl);
  log(`[seed] database ready (created if missing, migrated) in ${Date.now() - started} ms`);
  try {
    await seedDatabase(dataSource, config, options);
  } finally {
    await dataSource.destroy();
  }
  log(`[seed] done in ${Date.now() - started} ms`);
}

if (require.main === module) {
  seed(loadConfig(), { force: process.argv.includes('--force'), progress: !!process.stderr.isTTY })
    .then(() => process.exit(0))
    .catch((error) => {
      console.error('[seed] failed:', error);
      process.exit(1);
    });
}
