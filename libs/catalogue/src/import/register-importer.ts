// Imports the SIAE register CSV into `structures`, idempotently: upsert by (siret, kind), and a row whose
// mapped values equal what is stored is not touched (no updated_at / version bump, no reindexing).
// The file is streamed twice (csv-parse stream): pass 1 notes the last line of each (siret, kind), pass 2
// maps and writes in batches; memory does not grow with the file (bench/imports).
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { DataSource, EntityManager } from 'typeorm';
import { enqueueStructureIndexing } from '@app/persistence';
import { REFERENCE_DATA_DIR, ReferenceIndex, inferSectors } from '@app/reference';
import { ProgressReporter, SILENT_PROGRESS } from './progress';
import { ImportedStructure, REGISTER_COLUMNS, RegisterRow, RowMappingContext, mapRegisterRow, registerRowKey } from './register-row';

export const REGISTER_FILE = join(REFERENCE_DATA_DIR, 'siae-register-2020.csv');
/** Bump when the row mapping changes, so the seed step re-imports instead of skipping. */
export const REGISTER_IMPORT_VERSION = 'register-v1';

/** Serialises imports across processes (seed at start and a manual `npm run import:register`). */
const IMPORT_LOCK_KEY = 728_341_907;
const BATCH_SIZE = 500;

export interface ImportSummary {
  file: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows whose structure an owner or admin now manages (or a self / demo structure holds the SIRET): left alone. */
  skipped: number;
  /** Rows that could not become a structure at all (unreadable SIRET, unknown kind), with the reason. */
  rejected: { line: number; siret: string; reason: string }[];
  /** Rows carrying at least one flag, and the count of each flag. */
  flagged: number;
  flags: Record<string, number>;
  ms: number;
}

export interface ImportOptions {
  progress?: ProgressReporter;
}

/** Types of the `structures` columns importers may write (for jsonb_to_recordset). */
const COLUMN_TYPES = {
  siren: 'varchar',
  name: 'text',
  brand: 'text',
  naf: 'text',
  address: 'text',
  post_code: 'text',
  city: 'text',
  commune_code: 'varchar',
  department: 'varchar',
  region: 'varchar',
  lat: 'float8',
  lon: 'float8',
  intervention_area: 'jsonb',
  intervention_area_is_default: 'boolean',
  sectors: 'jsonb',
  prestation_types: 'text[]',
  description: 'text',
  offers: 'jsonb',
  client_references: 'jsonb',
  capacity: 'jsonb',
  labels: 'text[]',
  networks: 'text[]',
  contact: 'jsonb',
  open_to_co_contracting: 'boolean',
  flags: 'text[]',
} as const;

export type ImportColumn = keyof typeof COLUMN_TYPES;

/** Identity, address, place, territory and activity: what every importer of structures writes. */
export const PLACED_STRUCTURE_COLUMNS: readonly ImportColumn[] = [
  'siren',
  'name',
  'brand',
  'naf',
  'address',
  'post_code',
  'city',
  'commune_code',
  'department',
  'region',
  'lat',
  'lon',
  'intervention_area',
  'intervention_area_is_default',
  'sectors',
  'prestation_types',
];

/** The columns the register importer owns; compared to decide whether a stored row changed. */
export const REGISTER_IMPORT_COLUMNS: readonly ImportColumn[] = [...PLACED_STRUCTURE_COLUMNS, 'contact', 'open_to_co_contracting', 'flags'];

export type ImportRecord = { siret: string; kind: string } & Partial<Record<ImportColumn, unknown>>;

/**
 * Upserts rows of one source by (siret, kind). A stored row is rewritten only when it still belongs to that
 * source, has no owner, was never edited through the API, and differs from the new values (compared column by
 * column, so an unchanged row keeps its updated_at and version). A SIRET held by another source is left alone.
 */
export async function upsertImportedStructures(
  manager: EntityManager,
  source: 'register' | 'demo',
  columns: readonly ImportColumn[],
  rows: readonly ImportRecord[],
): Promise<{ inserted: string[]; updated: string[]; skipped: number }> {
  if (!rows.length) return { inserted: [], updated: [], skipped: 0 };
  const [{ skipped }] = await manager.query(
    `SELECT count(*)::int AS skipped FROM jsonb_to_recordset($1::jsonb) AS r(siret varchar, kind text)
     WHERE EXISTS (SELECT 1 FROM structures s WHERE s.siret = r.siret
       AND (s.source <> $2 OR (s.kind = r.kind AND (s.owner_id IS NOT NULL OR s.edited_at IS NOT NULL))))`,
    [JSON.stringify(rows.map((r) => ({ siret: r.siret, kind: r.kind }))), source],
  );
  const types = ['siret varchar', 'kind text', ...columns.map((c) => `${c} ${COLUMN_TYPES[c]}`)].join(', ');
  const changed: { id: string; inserted: boolean }[] = await manager.query(
    `INSERT INTO structures (siret, kind, ${columns.join(', ')}, source)
     SELECT r.siret, r.kind, ${columns.map((c) => `r.${c}`).join(', ')}, $2
     FROM jsonb_to_recordset($1::jsonb) AS r(${types})
     WHERE NOT EXISTS (SELECT 1 FROM structures s WHERE s.siret = r.siret AND s.source <> $2)
     ON CONFLICT (siret, kind) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
       updated_at = now(), version = structures.version + 1
     WHERE structures.source = $2 AND structures.owner_id IS NULL AND structures.edited_at IS NULL
       AND (${columns.map((c) => `structures.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})
     RETURNING id, (xmax = 0) AS inserted`,
    [JSON.stringify(rows), source],
  );
  return {
    inserted: changed.filter((c) => c.inserted).map((c) => c.id),
    updated: changed.filter((c) => !c.inserted).map((c) => c.id),
    skipped,
  };
}

export class RegisterImporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceIndex,
  ) {}

  /** Streams the file: pass 1 finds each structure's last line, pass 2 maps and writes in one transaction (all rows or nothing). */
  async import(file: string = REGISTER_FILE, options: ImportOptions = {}): Promise<ImportSummary> {
    const started = Date.now();
    const progress = options.progress ?? SILENT_PROGRESS;
    const context: RowMappingContext = { reference: this.reference, inferSectors: (input) => inferSectors(input).map((s) => s.code) };
    const summary: ImportSummary = { file, rows: 0, inserted: 0, updated: 0, unchanged: 0, skipped: 0, rejected: [], flagged: 0, flags: {}, ms: 0 };

    // One structure per (siret, kind): a later line of the file wins over an earlier duplicate.
    const lastRow = new Map<string, number>();
    for await (const row of streamRegister(file)) {
      const key = registerRowKey(row);
      if (key.ok) lastRow.set(`${key.siret}|${key.kind}`, summary.rows);
      summary.rows++;
    }

    progress.start(lastRow.size);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock($1)`, [IMPORT_LOCK_KEY]);
        let batch: ImportedStructure[] = [];
        const flush = async () => {
          const result = await upsertImportedStructures(manager, 'register', REGISTER_IMPORT_COLUMNS, batch);
          summary.inserted += result.inserted.length;
          summary.updated += result.updated.length;
          summary.skipped += result.skipped;
          // Only what changed is reindexed (same transaction as the change).
          await enqueueStructureIndexing(manager, [...result.inserted, ...result.updated]);
          progress.advance(batch.length);
          batch = [];
        };
        let index = 0;
        for await (const row of streamRegister(file)) {
          const line = index++;
          const mapped = mapRegisterRow(row, context);
          if (!mapped.ok) {
            summary.rejected.push({ line: line + 2, siret: row.siret, reason: mapped.reason });
            continue;
          }
          const structure = mapped.structure;
          if (structure.flags.length) summary.flagged++;
          for (const flag of structure.flags) summary.flags[flag] = (summary.flags[flag] ?? 0) + 1;
          if (lastRow.get(`${structure.siret}|${structure.kind}`) !== line) continue;
          batch.push(structure);
          if (batch.length >= BATCH_SIZE) await flush();
        }
        if (batch.length) await flush();
      });
    } finally {
      progress.stop();
    }
    summary.unchanged = lastRow.size - summary.inserted - summary.updated - summary.skipped;
    summary.ms = Date.now() - started;
    return summary;
  }
}

const CSV_OPTIONS = { bom: true, skip_empty_lines: true, trim: true } as const;

/** A file without the register's columns is refused before anything is written. */
function checkedHeader(file: string, header: string[]): string[] {
  const missing = REGISTER_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length) throw new Error(`${file}: missing register column(s) ${missing.join(', ')}`);
  return header;
}

/** Streams the rows of a register CSV (csv-parse stream: one row at a time, with back-pressure). */
export async function* streamRegister(file: string): AsyncGenerator<RegisterRow> {
  const parser = createReadStream(file).pipe(parse({ ...CSV_OPTIONS, columns: (header: string[]) => checkedHeader(file, header) }));
  for await (const row of parser) yield row as RegisterRow;
}

/** Reads a whole (small) register CSV in memory (tests). */
export function readRegister(file: string): RegisterRow[] {
  return parseSync(readFileSync(file), { ...CSV_OPTIONS, columns: (header: string[]) => checkedHeader(file, header) }) as RegisterRow[];
}

export function formatImportSummary(summary: ImportSummary): string {
  const flags = Object.entries(summary.flags)
    .map(([flag, count]) => `${flag} ${count}`)
    .join(', ');
  return [
    `Register ${summary.file}: ${summary.rows} rows in ${summary.ms} ms`,
    `  inserted ${summary.inserted}, updated ${summary.updated}, unchanged ${summary.unchanged}, skipped (owned or edited) ${summary.skipped}`,
    `  flagged ${summary.flagged}${flags ? ` (${flags})` : ''}${summary.rejected.length ? `, rejected ${summary.rejected.length}` : ''}`,
    ...summary.rejected.map((r) => `  line ${r.line} (${r.siret}): ${r.reason}`),
  ].join('\n');
}
