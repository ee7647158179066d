import { MigrationInterface, QueryRunner } from 'typeorm';

/** The bid workspace (issue 6): bids, their members, their history, and per-account notifications (+ e-mail outbox). */
export class Bids1700000005000 implements MigrationInterface {
  name = 'Bids1700000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE bids (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      lead_structure_id uuid NOT NULL REFERENCES structures(id),
      created_by uuid NOT NULL REFERENCES accounts(id),
      from_proposal_id uuid REFERENCES proposals(id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'forming' CHECK (status IN ('forming','submitted')),
      lots integer[] NOT NULL CHECK (cardinality(lots) >= 1),
      form text NOT NULL CHECK (form IN ('CONJOINT','SOLIDAIRE')),
      mandataire_solidaire boolean NOT NULL,
      mandataire_structure_id uuid REFERENCES structures(id),
      submitted_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK ((status = 'submitted') = (submitted_at IS NOT NULL)))`);
    await q.query(`CREATE INDEX bids_tender ON bids (tender_id, status)`);

    await q.query(`CREATE TABLE bid_members (
      bid_id uuid NOT NULL REFERENCES bids(id) ON DELETE CASCADE,
      structure_id uuid NOT NULL REFERENCES structures(id),
      position integer NOT NULL,
      status text NOT NULL CHECK (status IN ('invited','accepted','declined')),
      assignments jsonb NOT NULL DEFAULT '[]',
      invited_by uuid NOT NULL REFERENCES accounts(id),
      invited_at timestamptz NOT NULL DEFAULT now(),
      answered_by uuid REFERENCES accounts(id),
      answered_at timestamptz,
      PRIMARY KEY (bid_id, structure_id))`);
    // "Mes groupements": the bids of the structures an account owns.
    await q.query(`CREATE INDEX bid_members_structure ON bid_members (structure_id)`);

    await q.query(`CREATE TABLE bid_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      bid_id uuid NOT NULL REFERENCES bids(id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_id uuid NOT NULL REFERENCES accounts(id),
      structure_id uuid REFERENCES structures(id),
      details jsonb NOT NULL DEFAULT '{}',
      at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await q.query(`CREATE INDEX bid_events_bid ON bid_events (bid_id, at)`);

    await q.query(`CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      type text NOT NULL,
      bid_id uuid REFERENCES bids(id) ON DELETE CASCADE,
      title text NOT NULL,
      body text NOT NULL,
      read_at timestamptz,
      email_status text NOT NULL DEFAULT 'none' CHECK (email_status IN ('none','pending','sent','failed')),
      email_attempts integer NOT NULL DEFAULT 0,
      email_next_at timestamptz,
      email_sent_at timestamptz,
      email_error text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await q.query(`CREATE INDEX notifications_account ON notifications (account_id, created_at DESC)`);
    await q.query(`CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL`);
    // The mail worker scans only what is left to send.
    await q.query(`CREATE INDEX notifications_email_pending ON notifications (email_next_at) WHERE email_status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE bid_events`);
    await q.query(`DROP TABLE bid_members`);
    await q.query(`DROP TABLE bids`);
  }
}
