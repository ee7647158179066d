import type { EntityManager } from 'typeorm';

/**
 * Records that a structure must be (re)indexed. Call it inside the transaction that changes the structure:
 * the change and its indexing request commit or roll back together. Upsert keeps one pending row per structure.
 */
export async function enqueueStructureIndexing(manager: EntityManager, structureIds: string | string[]): Promise<void> {
  const ids = Array.isArray(structureIds) ? structureIds : [structureIds];
  if (!ids.length) return;
  await manager.query(
    `INSERT INTO search_outbox (entity, entity_id, revision, enqueued_at)
     SELECT 'structure', id, nextval('search_outbox_revision'), now() FROM unnest($1::uuid[]) AS id
     ON CONFLICT (entity, entity_id) DO UPDATE
       SET revision = EXCLUDED.revision, enqueued_at = EXCLUDED.enqueued_at, claimed_at = NULL, attempts = 0, last_error = NULL`,
    [ids],
  );
}

/** Above this many waiting rows the exact number does not matter ("at least"), so counting stays cheap. */
export const PENDING_COUNT_CAP = 10_000;

/**
 * Structures written but not yet in the search index (capped at PENDING_COUNT_CAP). Non-zero right after a
 * first start (the register import queues every row) and for a moment after each write: search answers are
 * then incomplete, and /health says « indexing ».
 */
export async function pendingStructureIndexing(manager: Pick<EntityManager, 'query'>): Promise<number> {
  const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM (SELECT 1 FROM search_outbox WHERE entity = 'structure' LIMIT $1) p`, [PENDING_COUNT_CAP]);
  return n;
}
