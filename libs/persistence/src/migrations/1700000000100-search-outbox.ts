import { MigrationInterface, QueryRunner } from 'typeorm';

export class SearchOutbox1700000000100 implements MigrationInterface {
  name = 'SearchOutbox1700000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE search_outbox_revision`);
    await q.query(`CREATE TABLE search_outbox (
      entity text NOT NULL,
      entity_id uuid NOT NULL,
      revision bigint NOT NULL,
      enqueued_at timestamptz NOT NULL DEFAULT now(),
      claimed_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      PRIMARY KEY (entity, entity_id))`);
    await q.query(`CREATE INDEX search_outbox_pending ON search_outbox (enqueued_at) WHERE claimed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE search_outbox`);
    await q.query(`DROP SEQUENCE search_outbox_revision`);
  }
}
