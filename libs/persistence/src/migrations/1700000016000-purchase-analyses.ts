import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Purchase analyses (issue 16): a buyer's file of planned purchases, one row per line as read (bad lines keep
 * their reason), each good line then advised by the worker (reserve, clause or nothing).
 */
export class PurchaseAnalyses1700000016000 implements MigrationInterface {
  name = 'PurchaseAnalyses1700000016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE purchase_analyses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      file_name text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      total_lines integer NOT NULL DEFAULT 0,
      bad_lines integer NOT NULL DEFAULT 0,
      processed integer NOT NULL DEFAULT 0,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz)`);
    await q.query(`CREATE INDEX purchase_analyses_owner ON purchase_analyses (owner_id, created_at DESC)`);
    await q.query(`CREATE TABLE purchase_analysis_lines (
      analysis_id uuid NOT NULL REFERENCES purchase_analyses(id) ON DELETE CASCADE,
      line_number integer NOT NULL,
      label text NOT NULL,
      subject text NOT NULL,
      amount_eur double precision,
      place text NOT NULL,
      commune_code varchar(5),
      cpv_codes text[] NOT NULL DEFAULT '{}',
      sectors text[] NOT NULL DEFAULT '{}',
      prestation_type text,
      problem text,
      recommendation text,
      advice jsonb,
      PRIMARY KEY (analysis_id, line_number))`);
    await q.query(`CREATE INDEX purchase_analysis_lines_todo ON purchase_analysis_lines (analysis_id, line_number) WHERE problem IS NULL AND advice IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE purchase_analysis_lines`);
    await q.query(`DROP TABLE purchase_analyses`);
  }
}
