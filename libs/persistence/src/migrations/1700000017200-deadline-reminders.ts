import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Response-deadline reminders: a ledger of who was reminded of which tender, so that a sweep run twice, or by two
 * workers, reminds nobody twice.
 */
export class DeadlineReminders1700000017200 implements MigrationInterface {
  name = 'DeadlineReminders1700000017200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tender_deadline_reminders (
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tender_id, account_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tender_deadline_reminders`);
  }
}
