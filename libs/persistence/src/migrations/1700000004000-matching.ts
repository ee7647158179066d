import { MigrationInterface, QueryRunner } from 'typeorm';

/** Matching runs (issue 5) and the proposals they produce. */
export class Matching1700000004000 implements MigrationInterface {
  name = 'Matching1700000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE matching_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      requested_by uuid NOT NULL REFERENCES accounts(id),
      params jsonb NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','succeeded','failed')),
      progress real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
      error text,
      attempts integer NOT NULL DEFAULT 0,
      explanations jsonb NOT NULL DEFAULT '[]',
      stats jsonb,
      enqueued_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX matching_runs_tender ON matching_runs (tender_id, created_at DESC)`);
    await q.query(`CREATE INDEX matching_runs_requester ON matching_runs (requested_by, created_at DESC)`);
    // The sweeper scans only unfinished runs.
    await q.query(`CREATE INDEX matching_runs_unfinished ON matching_runs (enqueued_at) WHERE status IN ('queued','running')`);

    // UNIQUE (run_id, rank): a retried or duplicated job can never store a proposal twice.
    await q.query(`CREATE TABLE proposals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      run_id uuid NOT NULL REFERENCES matching_runs(id) ON DELETE CASCADE,
      rank integer NOT NULL CHECK (rank >= 1),
      lots integer[] NOT NULL,
      form text NOT NULL CHECK (form IN ('CONJOINT','SOLIDAIRE')),
      mandataire_solidaire boolean NOT NULL,
      members jsonb NOT NULL,
      insertion jsonb NOT NULL,
      score double precision NOT NULL,
      score_breakdown jsonb NOT NULL DEFAULT '{}',
      explanations jsonb NOT NULL DEFAULT '[]',
      warnings jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT proposals_run_rank UNIQUE (run_id, rank))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE proposals`);
    await q.query(`DROP TABLE matching_runs`);
  }
}
