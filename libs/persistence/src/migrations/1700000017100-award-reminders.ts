import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reminders of insertion hours to declare (issue 16): a ledger of what was announced, one row per award, quarter
 * and state ('to_declare' then 'late'), so that a sweep run twice, or by two workers, tells nobody twice.
 */
export class AwardReminders1700000017100 implements MigrationInterface {
  name = 'AwardReminders1700000017100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE award_reminders (
      award_id uuid NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
      quarter text NOT NULL,
      state text NOT NULL CHECK (state IN ('to_declare', 'late')),
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (award_id, quarter, state))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE award_reminders`);
  }
}
