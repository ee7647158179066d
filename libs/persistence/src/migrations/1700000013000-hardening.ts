import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13 (hardening):
 * - accounts.session_version: every token carries it; logout bumps it, so copied tokens and cookies die at once.
 * - structures.verified: a structure someone declares is « non vérifiée » until an admin confirms it (its kind
 *   then counts for reserved lots); register rows were vouched for by the register.
 * - structure_claims.decision_reason: why an admin approved or rejected a claim, shown to the claimant;
 *   contested: the structure had another owner when it was claimed (a SIRET registered by someone else).
 * - bid_substitutions: a substitution after submission is a request the incoming structure's owner accepts
 *   and the tender's buyer authorises; it changes the bid only once both said yes.
 */
export class Hardening1700000013000 implements MigrationInterface {
  name = 'Hardening1700000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN session_version integer NOT NULL DEFAULT 0`);

    await q.query(`ALTER TABLE structures ADD COLUMN verified boolean NOT NULL DEFAULT true,
      ADD COLUMN verified_at timestamptz, ADD COLUMN verified_by uuid REFERENCES accounts(id)`);
    await q.query(`UPDATE structures SET verified = false WHERE source = 'self'`);
    await q.query(`CREATE INDEX structures_unverified ON structures (id) WHERE NOT verified`);

    await q.query(`ALTER TABLE structure_claims ADD COLUMN decision_reason text, ADD COLUMN contested boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX structure_claims_pending ON structure_claims (created_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX structure_claims_account ON structure_claims (account_id)`);

    await q.query(`CREATE TABLE bid_substitutions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      bid_id uuid NOT NULL REFERENCES bids(id) ON DELETE CASCADE,
      outgoing_structure_id uuid NOT NULL REFERENCES structures(id),
      incoming_structure_id uuid NOT NULL REFERENCES structures(id),
      reason text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','applied','declined','refused','cancelled')),
      incoming_answer text NOT NULL DEFAULT 'pending' CHECK (incoming_answer IN ('pending','accepted','declined')),
      incoming_answered_by uuid REFERENCES accounts(id),
      buyer_decision text NOT NULL DEFAULT 'pending' CHECK (buyer_decision IN ('pending','authorised','refused')),
      buyer_decided_by uuid REFERENCES accounts(id),
      decision_reason text,
      requested_by uuid NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      decided_at timestamptz)`);
    await q.query(`CREATE INDEX bid_substitutions_bid ON bid_substitutions (bid_id, created_at)`);
    // One open request per incoming structure and bid.
    await q.query(`CREATE UNIQUE INDEX bid_substitutions_open ON bid_substitutions (bid_id, incoming_structure_id) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bid_substitutions`);
    await q.query(`DROP INDEX structure_claims_account`);
    await q.query(`DROP INDEX structure_claims_pending`);
    await q.query(`ALTER TABLE structure_claims DROP COLUMN contested, DROP COLUMN decision_reason`);
    await q.query(`DROP INDEX structures_unverified`);
    await q.query(`ALTER TABLE structures DROP COLUMN verified_by, DROP COLUMN verified_at, DROP COLUMN verified`);
    await q.query(`ALTER TABLE accounts DROP COLUMN session_version`);
  }
}
