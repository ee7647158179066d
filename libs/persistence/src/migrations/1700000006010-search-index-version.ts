import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version of the PostgreSQL search index, bumped in the same transaction as every write to search_documents
 * (upsert, remove, rebuild swap). The API caches facet counts under the version it read before computing
 * them: a committed write changes the version, so no count older than the write is served after its commit.
 */
export class SearchIndexVersion1700000006010 implements MigrationInterface {
  name = 'SearchIndexVersion1700000006010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE search_index_state (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      version bigint NOT NULL DEFAULT 0)`);
    await q.query(`INSERT INTO search_index_state (id, version) VALUES (1, 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE search_index_state`);
  }
}
