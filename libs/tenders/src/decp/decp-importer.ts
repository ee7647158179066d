// Imports DECP files as closed historical tenders (one lot each) with their holders, idempotently:
// upserts on (source, external id) rewrite only what changed, so a second run over the same file
// writes nothing. Every record lands or is reported with its reason; flagged records are listed.
// Files are read twice as streams (pass 1: vocabulary and key fingerprints, a few dozen bytes per record;
// pass 2: map and write in batches), so memory stays flat as files grow (bench/imports).
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ReferenceService } from '@app/reference';
import type { ReferenceLookup } from '../reference-lookup';
import { DecpMapper, flagReason, recordFingerprint, recordKey, type ImportedContract } from './decp-mapper';
import { entriesOf, isReadRecord, streamDecpFile, type DecpEntry, type ReadRecord, type ReadResult, type UnreadableRecord } from './decp-reader';
import type { DecpRecord } from './decp-record';
import { RepairVocabulary } from './encoding-repair';

export interface FlaggedRecord {
  line: number;
  externalId: string;
  flags: string[];
  reasons: string[];
}

export interface DecpImportSummary {
  records: number;
  formats: Record<string, number>;
  /** Lines that are not JSON objects: reported, cannot be imported (the first `listLimit`; see unreadableCount). */
  unreadable: UnreadableRecord[];
  unreadableCount: number;
  /** Records identical to an earlier one (same buyer, id and content): counted once. */
  identicalRepeats: number;
  /** Keys (buyer, id) carried by differing records: each variant is kept as its own contract. */
  keysWithVariants: number;
  contracts: number;
  inserted: number;
  updated: number;
  unchanged: number;
  flagCounts: Record<string, number>;
  /**
   * Records with at least one flag, with French reasons: the first `listLimit` (memory stays flat whatever
   * the file size); flaggedCount counts them all, and `onFlagged` receives every one (the CLI's --report).
   */
  flagged: FlaggedRecord[];
  flaggedCount: number;
  holders: { total: number; withSiret: number; linkedToStructures: number };
  ms: number;
}

export interface DecpImportOptions {
  onProgress?: (done: number, total: number) => void;
  /** Every flagged record, in file order (awaited: a report writer can apply back-pressure). */
  onFlagged?: (flagged: FlaggedRecord) => void | Promise<void>;
  batchSize?: number;
  /** How many flagged / unreadable records the summary keeps (default 10,000: ~2 MB). */
  listLimit?: number;
}

/** Flags that mean the record itself is damaged (others say what was repaired or approximated). */
export const DAMAGE_FLAGS = new Set([
  'MISSING_ID', 'BUYER_MISSING', 'TITLE_MISSING', 'CPV_MISSING', 'CPV_INVALID', 'CPV_UNKNOWN', 'PLACE_MISSING',
  'PLACE_UNKNOWN', 'DATE_MISSING', 'NO_HOLDERS', 'HOLDER_INVALID_SIRET', 'ENCODING_DAMAGED', 'ENCODING_REPAIRED',
]);

export const DEFAULT_LIST_LIMIT = 10_000;
/** Bump when the record mapping changes, so the seed step re-imports instead of skipping. */
export const DECP_IMPORT_VERSION = 'decp-v1';

/** Where the records come from: called once per pass, each call reading the entries again from the start. */
export type DecpEntrySource = () => AsyncIterable<DecpEntry> | Iterable<DecpEntry>;

/** What pass 1 keeps per key: its only fingerprint, or every fingerprint when records differ under it. */
type KeyPrints = Map<string, string | Set<string>>;

interface KeyedRecord {
  line: number;
  record: DecpRecord;
  key: string;
  fingerprint: string;
  missingId: boolean;
}

function keyed({ line, record }: ReadRecord): KeyedRecord {
  const fingerprint = recordFingerprint(record);
  const key = recordKey(record);
  return { line, record, key: key ?? `sans-id/${fingerprint}`, fingerprint, missingId: key === null };
}

@Injectable()
export class DecpImporter {
  /** `reference`: the Nest ReferenceService, or `{ index }` around a loaded ReferenceIndex (CLI, benchmarks). */
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ReferenceService) private readonly referenceService: { readonly index: unknown },
  ) {}

  private get reference(): ReferenceLookup {
    return this.referenceService.index as unknown as ReferenceLookup;
  }

  /** Streams the file twice (vocabulary and keys, then mapping and writing): memory does not grow with it. */
  async importFile(path: string, options: DecpImportOptions = {}): Promise<DecpImportSummary> {
    return this.importEntries(() => streamDecpFile(path), options);
  }

  /** Records already in memory (tests, small inputs). */
  async importRecords(read: ReadResult, options: DecpImportOptions = {}): Promise<DecpImportSummary> {
    return this.importEntries(() => entriesOf(read), options);
  }

  async importEntries(source: DecpEntrySource, options: DecpImportOptions = {}): Promise<DecpImportSummary> {
    const started = Date.now();
    const listLimit = options.listLimit ?? DEFAULT_LIST_LIMIT;
    const summary: DecpImportSummary = {
      records: 0,
      formats: {},
      unreadable: [],
      unreadableCount: 0,
      identicalRepeats: 0,
      keysWithVariants: 0,
      contracts: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      flagCounts: {},
      flagged: [],
      flaggedCount: 0,
      holders: { total: 0, withSiret: 0, linkedToStructures: 0 },
      ms: 0,
    };

    // Pass 1: the repair vocabulary from intact texts, and the fingerprints under each key. Keys repeat:
    // identical repeats are one contract; differing records under one key are kept apart.
    const vocabulary = new RepairVocabulary();
    for (const commune of this.reference.allCommunes) vocabulary.addText(commune.name, 5);
    const mapper = new DecpMapper(this.reference, vocabulary);
    const prints: KeyPrints = new Map();
    for await (const entry of source()) {
      summary.records++;
      if (!isReadRecord(entry)) {
        if (summary.unreadableCount++ < listLimit) summary.unreadable.push(entry);
        continue;
      }
      mapper.learn(entry.record);
      const { key, fingerprint } = keyed(entry);
      const known = prints.get(key);
      if (known === undefined) prints.set(key, fingerprint);
      else if (typeof known === 'string') {
        if (known !== fingerprint) prints.set(key, new Set([known, fingerprint]));
      } else known.add(fingerprint);
    }
    for (const known of prints.values()) {
      if (typeof known === 'string') summary.contracts++;
      else {
        summary.keysWithVariants++;
        summary.contracts += known.size;
      }
    }

    // Pass 2: each distinct record mapped once, written in batches of `batchSize`.
    const batchSize = options.batchSize ?? 500;
    let batch: ImportedContract[] = [];
    let written = 0;
    const flush = async () => {
      if (!batch.length) return;
      const counts = await this.dataSource.transaction((manager) => this.writeBatch(manager, batch));
      summary.inserted += counts.inserted;
      summary.updated += counts.updated;
      summary.holders.linkedToStructures += counts.linked;
      written += batch.length;
      batch = [];
      options.onProgress?.(written, summary.contracts);
    };
    options.onProgress?.(0, summary.contracts);
    for await (const entry of source()) {
      if (!isReadRecord(entry)) continue;
      const item = keyed(entry);
      const known = prints.get(item.key)!;
      // A key's first occurrence (or a variant's) is written and crossed off; later ones are repeats.
      let externalId = item.key;
      if (typeof known === 'string') {
        if (known === '') {
          summary.identicalRepeats++;
          continue;
        }
        prints.set(item.key, '');
      } else {
        if (!known.delete(item.fingerprint)) {
          summary.identicalRepeats++;
          continue;
        }
        externalId = `${item.key}#${item.fingerprint}`;
      }
      const contract = mapper.map(item.record, externalId);
      if (item.missingId) {
        contract.flags.unshift('MISSING_ID');
        contract.reasons.unshift(flagReason('MISSING_ID'));
      }
      await this.account(summary, item.line, contract, listLimit, options);
      batch.push(contract);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    summary.unchanged = summary.contracts - summary.inserted - summary.updated;
    await this.relinkHolders();
    summary.ms = Date.now() - started;
    return summary;
  }

  /** Formats, flags and holders of one contract into the summary. */
  private async account(summary: DecpImportSummary, line: number, contract: ImportedContract, listLimit: number, options: DecpImportOptions): Promise<void> {
    summary.formats[contract.source] = (summary.formats[contract.source] ?? 0) + 1;
    for (const flag of contract.flags) summary.flagCounts[flag] = (summary.flagCounts[flag] ?? 0) + 1;
    summary.holders.total += contract.holders.length;
    summary.holders.withSiret += contract.holders.filter((h) => h.siret).length;
    if (!contract.flags.length) return;
    const flagged = { line, externalId: contract.externalId, flags: contract.flags, reasons: contract.reasons };
    if (summary.flaggedCount++ < listLimit) summary.flagged.push(flagged);
    await options.onFlagged?.(flagged);
  }

  /** Links holders to catalogue structures by SIRET (structures imported after the contracts included). */
  async relinkHolders(): Promise<number> {
    return linkHolders(this.dataSource.manager);
  }

  private async writeBatch(manager: EntityManager, batch: ImportedContract[]): Promise<{ inserted: number; updated: number; linked: number }> {
    const tenderRows = batch.map((c) => ({
      source: c.source,
      external_id: c.externalId,
      title: c.title,
      buyer: c.buyer,
      cpv_codes: c.cpvCodes,
      execution_commune_code: c.place.communeCode,
      execution_department: c.place.department,
      execution_region: c.place.region,
      execution_lat: c.place.location?.lat ?? null,
      execution_lon: c.place.location?.lon ?? null,
      execution_precision: c.place.precision,
      duration_months: c.durationMonths,
      notified_on: c.notifiedOn,
      grouping_type: c.groupingType,
      import_flags: c.flags,
      import_details: c.details,
    }));
    const written: { id: string; inserted: boolean }[] = await manager.query(
      `INSERT INTO tenders (owner_id, status, source, external_id, title, buyer, cpv_codes, execution_commune_code, execution_department,
         execution_region, execution_lat, execution_lon, execution_precision, duration_months, notified_on, grouping_type,
         import_flags, import_details, published_at, closed_at)
       SELECT NULL, 'closed', x.source, x.external_id, x.title, x.buyer, x.cpv_codes, x.execution_commune_code, x.execution_department,
         x.execution_region, x.execution_lat, x.execution_lon, x.execution_precision, x.duration_months, x.notified_on, x.grouping_type,
         x.import_flags, x.import_details, x.notified_on::timestamptz, x.notified_on::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(source text, external_id text, title text, buyer jsonb, cpv_codes text[],
         execution_commune_code text, execution_department text, execution_region text, execution_lat float8, execution_lon float8,
         execution_precision text, duration_months int, notified_on date, grouping_type text, import_flags text[], import_details jsonb)
       ON CONFLICT (source, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
         title = EXCLUDED.title, buyer = EXCLUDED.buyer, cpv_codes = EXCLUDED.cpv_codes,
         execution_commune_code = EXCLUDED.execution_commune_code, execution_department = EXCLUDED.execution_department,
         execution_region = EXCLUDED.execution_region, execution_lat = EXCLUDED.execution_lat, execution_lon = EXCLUDED.execution_lon,
         execution_precision = EXCLUDED.execution_precision, duration_months = EXCLUDED.duration_months, notified_on = EXCLUDED.notified_on,
         grouping_type = EXCLUDED.grouping_type, import_flags = EXCLUDED.import_flags, import_details = EXCLUDED.import_details,
         published_at = EXCLUDED.published_at, closed_at = EXCLUDED.closed_at, updated_at = now(), version = tenders.version + 1
       WHERE (tenders.title, tenders.buyer, tenders.cpv_codes, tenders.execution_commune_code, tenders.execution_department,
              tenders.execution_region, tenders.execution_lat, tenders.execution_lon, tenders.execution_precision, tenders.duration_months,
              tenders.notified_on, tenders.grouping_type, tenders.import_flags, tenders.import_details)
         IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.buyer, EXCLUDED.cpv_codes, EXCLUDED.execution_commune_code, EXCLUDED.execution_department,
              EXCLUDED.execution_region, EXCLUDED.execution_lat, EXCLUDED.execution_lon, EXCLUDED.execution_precision, EXCLUDED.duration_months,
              EXCLUDED.notified_on, EXCLUDED.grouping_type, EXCLUDED.import_flags, EXCLUDED.import_details)
       RETURNING id, (xmax = 0) AS inserted`,
      [JSON.stringify(tenderRows)],
    );
    const ids: { id: string; source: string; external_id: string }[] = await manager.query(
      `SELECT id, source, external_id FROM tenders t
       JOIN jsonb_to_recordset($1::jsonb) AS x(source text, external_id text) USING (source, external_id)`,
      [JSON.stringify(batch.map((c) => ({ source: c.source, external_id: c.externalId })))],
    );
    const idOf = new Map(ids.map((r) => [`${r.source}|${r.external_id}`, r.id]));
    const lotRows = batch.map((c) => ({
      tender_id: idOf.get(`${c.source}|${c.externalId}`),
      title: c.title,
      cpv_codes: c.cpvCodes,
      effective_sectors: c.sectors,
      estimated_amount_eur: c.amountEur,
      prestation_type: c.prestationType,
      reservation: c.reservation,
      social_clause: c.socialClause,
    }));
    const lotsWritten: unknown[] = await manager.query(
      `INSERT INTO tender_lots (tender_id, number, title, cpv_codes, sectors, effective_sectors, estimated_amount_eur, prestation_type, reservation, social_clause)
       SELECT x.tender_id, 1, x.title, x.cpv_codes, '{}', x.effective_sectors, x.estimated_amount_eur, x.prestation_type, x.reservation, x.social_clause
       FROM jsonb_to_recordset($1::jsonb) AS x(tender_id uuid, title text, cpv_codes text[], effective_sectors text[], estimated_amount_eur float8,
         prestation_type text, reservation text, social_clause jsonb)
       ON CONFLICT (tender_id, number) DO UPDATE SET title = EXCLUDED.title, cpv_codes = EXCLUDED.cpv_codes, effective_sectors = EXCLUDED.effective_sectors,
         estimated_amount_eur = EXCLUDED.estimated_amount_eur, prestation_type = EXCLUDED.prestation_type, reservation = EXCLUDED.reservation,
         social_clause = EXCLUDED.social_clause
       WHERE (tender_lots.title, tender_lots.cpv_codes, tender_lots.effective_sectors, tender_lots.estimated_amount_eur, tender_lots.prestation_type,
              tender_lots.reservation, tender_lots.social_clause)
         IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.cpv_codes, EXCLUDED.effective_sectors, EXCLUDED.estimated_amount_eur, EXCLUDED.prestation_type,
              EXCLUDED.reservation, EXCLUDED.social_clause)
       RETURNING tender_id`,
      [JSON.stringify(lotRows)],
    );
    const holderRows = batch.flatMap((c) =>
      c.holders.map((h, position) => ({
        tender_id: idOf.get(`${c.source}|${c.externalId}`),
        position,
        identifier: h.identifier,
        identifier_type: h.identifierType,
        siret: h.siret,
        name: h.name,
        flags: h.flags,
      })),
    );
    const holdersWritten: { tender_id: string }[] = await manager.query(
      `INSERT INTO contract_holders (tender_id, lot_number, position, identifier, identifier_type, siret, name, flags)
       SELECT x.tender_id, 1, x.position, x.identifier, x.identifier_type, x.siret, x.name, x.flags
       FROM jsonb_to_recordset($1::jsonb) AS x(tender_id uuid, position int, identifier text, identifier_type text, siret text, name text, flags text[])
       ON CONFLICT (tender_id, lot_number, position) DO UPDATE SET identifier = EXCLUDED.identifier, identifier_type = EXCLUDED.identifier_type,
         siret = EXCLUDED.siret, name = EXCLUDED.name, flags = EXCLUDED.flags,
         structure_id = CASE WHEN contract_holders.siret IS DISTINCT FROM EXCLUDED.siret THEN NULL ELSE contract_holders.structure_id END
       WHERE (contract_holders.identifier, contract_holders.identifier_type, contract_holders.siret, contract_holders.name, contract_holders.flags)
         IS DISTINCT FROM (EXCLUDED.identifier, EXCLUDED.identifier_type, EXCLUDED.siret, EXCLUDED.name, EXCLUDED.flags)
       RETURNING tender_id`,
      [JSON.stringify(holderRows)],
    );
    // Holders a newer version of the record no longer lists.
    const removed: unknown[] = await manager.query(
      `DELETE FROM contract_holders h USING jsonb_to_recordset($1::jsonb) AS x(tender_id uuid, n int)
       WHERE h.tender_id = x.tender_id AND h.lot_number = 1 AND h.position >= x.n RETURNING h.tender_id`,
      [JSON.stringify(batch.map((c) => ({ tender_id: idOf.get(`${c.source}|${c.externalId}`), n: c.holders.length })))],
    );
    const inserted = written.filter((w) => w.inserted).length;
    // A record counts as updated when its tender, lot or holders changed (not only its tender row).
    const touched = new Set<string>([
      ...written.filter((w) => !w.inserted).map((w) => w.id),
      ...(lotsWritten as { tender_id: string }[]).map((r) => r.tender_id),
      ...holdersWritten.map((r) => r.tender_id),
      ...(Array.isArray(removed[0]) ? (removed[0] as { tender_id: string }[]) : (removed as { tender_id: string }[])).map((r) => r.tender_id),
    ]);
    for (const w of written) if (w.inserted) touched.delete(w.id);
    const tenderIds = ids.map((r) => r.id);
    await linkHolders(manager, tenderIds);
    const [{ linked }] = await manager.query(
      `SELECT count(*)::int AS linked FROM contract_holders WHERE tender_id = ANY($1::uuid[]) AND structure_id IS NOT NULL`,
      [tenderIds],
    );
    return { inserted, updated: touched.size, linked };
  }
}

/** Links holders (all, or those of some tenders) to catalogue structures by SIRET; returns how many changed. */
async function linkHolders(manager: EntityManager, tenderIds?: string[]): Promise<number> {
  const only = tenderIds ? `AND h.tender_id = ANY($1::uuid[])` : '';
  const sirets = tenderIds ? `WHERE siret IN (SELECT siret FROM contract_holders WHERE tender_id = ANY($1::uuid[]))` : '';
  const result = await manager.query(
    `UPDATE contract_holders h SET structure_id = m.id
     FROM (SELECT DISTINCT ON (siret) siret, id FROM structures ${sirets} ORDER BY siret, delisted_at NULLS FIRST, kind, id) m
     WHERE h.siret = m.siret AND h.structure_id IS DISTINCT FROM m.id ${only}`,
    tenderIds ? [tenderIds] : [],
  );
  return Array.isArray(result) ? (result[1] as number) ?? 0 : 0;
}
