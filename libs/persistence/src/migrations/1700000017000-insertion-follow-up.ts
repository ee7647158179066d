import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Insertion hours followed up after award (issue 16): the award of a lot (its holder, or the groupement of a
 * submitted bid and its mandataire), the facilitator the buyer names, and the quarterly declarations. Declarations
 * are append-only: a correction is a new row, the newest per member and quarter counts, nothing is lost.
 */
export class InsertionFollowUp1700000017000 implements MigrationInterface {
  name = 'InsertionFollowUp1700000017000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_role_check`);
    await q.query(`ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN ('buyer','supplier','company','admin','facilitator'))`);
    await q.query(`CREATE TABLE awards (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      lot_number integer NOT NULL,
      bid_id uuid REFERENCES bids(id) ON DELETE RESTRICT,
      holder_structure_id uuid NOT NULL REFERENCES structures(id) ON DELETE RESTRICT,
      required_hours integer NOT NULL CHECK (required_hours > 0),
      starts_on date NOT NULL,
      duration_months integer NOT NULL CHECK (duration_months BETWEEN 1 AND 240),
      facilitator_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
      awarded_by uuid NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tender_id, lot_number))`);
    await q.query(`CREATE INDEX awards_holder ON awards (holder_structure_id)`);
    await q.query(`CREATE INDEX awards_facilitator ON awards (facilitator_id) WHERE facilitator_id IS NOT NULL`);
    await q.query(`CREATE TABLE award_members (
      award_id uuid NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
      structure_id uuid NOT NULL REFERENCES structures(id) ON DELETE RESTRICT,
      position integer NOT NULL,
      role text NOT NULL CHECK (role IN ('TITULAIRE','MANDATAIRE','COTRAITANT')),
      PRIMARY KEY (award_id, structure_id))`);
    await q.query(`CREATE TABLE insertion_hour_declarations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      award_id uuid NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
      quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
      structure_id uuid NOT NULL,
      hours integer NOT NULL CHECK (hours >= 0),
      comment text,
      declared_by uuid NOT NULL REFERENCES accounts(id),
      declared_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      FOREIGN KEY (award_id, structure_id) REFERENCES award_members(award_id, structure_id))`);
    await q.query(`CREATE INDEX insertion_hour_declarations_award ON insertion_hour_declarations (award_id, quarter, structure_id, declared_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE insertion_hour_declarations`);
    await q.query(`DROP TABLE award_members`);
    await q.query(`DROP TABLE awards`);
    await q.query(`DELETE FROM accounts WHERE role = 'facilitator'`);
    await q.query(`ALTER TABLE accounts DROP CONSTRAINT accounts_role_check`);
    await q.query(`ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN ('buyer','supplier','company','admin'))`);
  }
}
