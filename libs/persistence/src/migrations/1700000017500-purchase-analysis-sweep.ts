import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Purchase analyses are never lost (issue 16, follow-up): `progressed_at` is moved by every step of the worker,
 * so the sweeper can tell an analysis that stopped moving (never queued, job lost, worker dead) from one that
 * is being advised; `requeues` counts the sweeper's attempts, bounded so a file that kills its worker ends
 * « en échec » instead of looping.
 */
export class PurchaseAnalysisSweep1700000017500 implements MigrationInterface {
  name = 'PurchaseAnalysisSweep1700000017500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE purchase_analyses ADD COLUMN progressed_at timestamptz NOT NULL DEFAULT now(), ADD COLUMN requeues integer NOT NULL DEFAULT 0`);
    await q.query(`UPDATE purchase_analyses SET progressed_at = coalesce(finished_at, created_at)`);
    await q.query(`CREATE INDEX purchase_analyses_unfinished ON purchase_analyses (progressed_at) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX purchase_analyses_unfinished`);
    await q.query(`ALTER TABLE purchase_analyses DROP COLUMN progressed_at, DROP COLUMN requeues`);
  }
}
