import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalogue: register rows keyed by (siret, kind), claims of register structures, seed bookkeeping.
 *
 * The 2020 register lists 12 SIRETs twice, each time under two kinds (an association running both an ACI
 * and an EI under one SIRET): they are distinct conventioned structures, so uniqueness is (siret, kind).
 * Self-registration still refuses any SIRET already known (409), whatever the kind.
 */
export class Catalogue1700000001000 implements MigrationInterface {
  name = 'Catalogue1700000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS structures_siret`);
    await q.query(`CREATE UNIQUE INDEX structures_siret_kind ON structures (siret, kind)`);
    await q.query(`CREATE INDEX structures_siret ON structures (siret)`);
    // Set when an owner or an admin edits through the API: the register importer never overwrites such rows.
    await q.query(`ALTER TABLE structures ADD COLUMN edited_at timestamptz`);

    await q.query(`CREATE TABLE structure_claims (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      structure_id uuid NOT NULL REFERENCES structures(id),
      account_id uuid NOT NULL REFERENCES accounts(id),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
      message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz,
      decided_by uuid REFERENCES accounts(id))`);
    await q.query(`CREATE UNIQUE INDEX structure_claims_one_pending ON structure_claims (structure_id, account_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX structure_claims_structure ON structure_claims (structure_id)`);

    // What the seed step loaded last (file fingerprints), so a restart skips work already done.
    await q.query(`CREATE TABLE seed_state (
      key text PRIMARY KEY,
      fingerprint text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE seed_state`);
    await q.query(`DROP TABLE structure_claims`);
    await q.query(`ALTER TABLE structures DROP COLUMN edited_at`);
    await q.query(`DROP INDEX structures_siret`);
    await q.query(`DROP INDEX structures_siret_kind`);
    await q.query(`CREATE UNIQUE INDEX structures_siret ON structures (siret)`);
  }
}
