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
