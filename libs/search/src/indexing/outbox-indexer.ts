// The indexing side of the transactional outbox (architecture.md, "Keeping the index true"): claim rows
// with FOR UPDATE SKIP LOCKED, reread current structures, upsert or remove by id, wait for the engine, then
// delete each row only if its revision is unchanged. Idempotent and order-free: whatever the order of passes,
// the last one reads the last state.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pendingStructureIndexing } from '@app/persistence';
import { SEARCH_INDEX, SearchIndex } from '../search-index.port';
import { StructureDocuments } from '../structure-documents';

export const OUTBOX_BATCH = 200;
/** A row claimed longer ago than this was left by a crashed or stuck pass: the sweep takes it again. */
export const STALE_CLAIM_SECONDS = 30;
/** Bounded work per job, so one job never runs forever under a flood of writes. */
const MAX_BATCHES_PER_DRAIN = 100;

interface Claimed {
  id: string;
  revision: string;
}

@Injectable()
export class OutboxIndexer {
  private readonly logger = new Logger('SearchIndexer');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    private readonly documents: StructureDocuments,
  ) {}

  /** Processes pending (and stale-claimed) rows until none is left; returns how many were indexed. */
  async drain(): Promise<{ processed: number; failed: number }> {
    let processed = 0;
    let failed = 0;
    for (let i = 0; i < MAX_BATCHES_PER_DRAIN; i++) {
      const claimed = await this.claim();
      if (!claimed.length) break;
      try {
        await this.process(claimed);
        processed += claimed.length;
      } catch (error) {
        failed += claimed.length;
        await this.fail(claimed, error as Error);
        break; // the engine is likely down: leave the rest to the sweep
      }
    }
    return { processed, failed };
  }

  private async claim(): Promise<Claimed[]> {
    return this.dataSource.query(
      // Wrapped in a CTE so the driver answers rows (a bare UPDATE … RETURNING answers [rows, count]).
      `WITH claimed AS (
       UPDATE search_outbox o SET claimed_at = now(), attempts = o.attempts + 1
         FROM (SELECT entity, entity_id FROM search_outbox
                WHERE entity = 'structure'
                  AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => $1))
                ORDER BY enqueued_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED) c
        WHERE o.entity = c.entity AND o.entity_id = c.entity_id
        RETURNING o.entity_id AS id, o.revision::text AS revision)
       SELECT id, revision FROM claimed`,
      [STALE_CLAIM_SECONDS, OUTBOX_BATCH],
    );
  }

  private async process(claimed: Claimed[]): Promise<void> {
    const { documents, removed } = await this.documents.load(claimed.map((c) => c.id));
    // Both calls resolve only once the engine confirmed (PostgreSQL commit, Meilisearch task succeeded).
    await this.index.upsert(documents);
    await this.index.remove(removed);
    // Done = delete rows whose revision is still the one read. A row changed meanwhile stays pending; a row
    // that a concurrent pass already deleted is queued again, since that pass may have written before us.
    await this.dataSource.query(
      `WITH claimed(id, revision) AS (SELECT * FROM unnest($1::uuid[], $2::bigint[])),
            done AS (DELETE FROM search_outbox o USING claimed c
                      WHERE o.entity = 'structure' AND o.entity_id = c.id AND o.revision = c.revision
                      RETURNING o.entity_id)
       INSERT INTO search_outbox (entity, entity_id, revision, enqueued_at)
       SELECT 'structure', c.id, nextval('search_outbox_revision'), now() FROM claimed c
        WHERE c.id NOT IN (SELECT entity_id FROM done)
       ON CONFLICT (entity, entity_id) DO UPDATE SET claimed_at = NULL`,
      [claimed.map((c) => c.id), claimed.map((c) => c.revision)],
    );
  }

  private async fail(claimed: Claimed[], error: Error): Promise<void> {
    this.logger.warn(`indexing ${claimed.length} structure(s) failed, retried by the sweep: ${error.message}`);
    // claimed_at stays: the sweep retries once the claim is stale, so a down engine is not hammered.
    await this.dataSource
      .query(`UPDATE search_outbox SET last_error = $3 WHERE entity = 'structure' AND entity_id = ANY($1::uuid[]) AND revision = ANY($2::bigint[])`, [
        claimed.map((c) => c.id),
        claimed.map((c) => c.revision),
        error.message.slice(0, 2000),
      ])
      .catch(() => undefined);
  }

  /** Rows waiting (capped), for health pages and the bench. */
  pending(): Promise<number> {
    return pendingStructureIndexing(this.dataSource);
  }
}
