import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The marketplace loop (issue 15): publication alerts (an outbox column on tenders, one row per alerted
 * account and tender so a retried fan-out tells nobody twice), alert profiles and their daily digests,
 * interests, the partner board, favourite lists; notifications may now link to a tender or any page
 * and go to a bare e-mail address (an invitation to a structure nobody owns).
 */
export class Marketplace1700000015000 implements MigrationInterface {
  name = 'Marketplace1700000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ALTER COLUMN account_id DROP NOT NULL`);
    await q.query(`ALTER TABLE notifications
      ADD COLUMN tender_id uuid REFERENCES tenders(id) ON DELETE CASCADE,
      ADD COLUMN link_url text,
      ADD COLUMN unsubscribe_url text,
      ADD COLUMN email_to text,
      ADD CONSTRAINT notifications_recipient CHECK (account_id IS NOT NULL OR email_to IS NOT NULL)`);

    await q.query(`ALTER TABLE accounts ADD COLUMN alerts_unsubscribed_at timestamptz`);

    // 'pending' from publication until the worker has fanned the alerts out.
    await q.query(`ALTER TABLE tenders
      ADD COLUMN alerts_status text NOT NULL DEFAULT 'none' CHECK (alerts_status IN ('none','pending','done')),
      ADD COLUMN alerts_done_at timestamptz,
      ADD COLUMN interest_announced integer NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX tenders_alerts_pending ON tenders (published_at) WHERE alerts_status = 'pending'`);

    await q.query(`CREATE TABLE tender_alerts (
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      structure_ids uuid[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tender_id, account_id))`);

    await q.query(`CREATE TABLE alert_profiles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      name text NOT NULL,
      sectors text[] NOT NULL DEFAULT '{}',
      departments text[] NOT NULL DEFAULT '{}',
      regions text[] NOT NULL DEFAULT '{}',
      kinds text[] NOT NULL DEFAULT '{}',
      reservations text[] NOT NULL DEFAULT '{}',
      frequency text NOT NULL CHECK (frequency IN ('immediate','daily')),
      last_digest_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX alert_profiles_account ON alert_profiles (account_id)`);
    // A tender a daily profile matched, waiting for the next digest (notified_at set once sent).
    await q.query(`CREATE TABLE alert_profile_matches (
      profile_id uuid NOT NULL REFERENCES alert_profiles(id) ON DELETE CASCADE,
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      notified_at timestamptz,
      PRIMARY KEY (profile_id, tender_id))`);

    await q.query(`CREATE TABLE tender_interests (
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      structure_id uuid NOT NULL REFERENCES structures(id),
      account_id uuid NOT NULL REFERENCES accounts(id),
      lots integer[] NOT NULL,
      status text NOT NULL CHECK (status IN ('interested','not_interested')),
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tender_id, structure_id))`);

    await q.query(`CREATE TABLE partner_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tender_id uuid NOT NULL REFERENCES tenders(id) ON DELETE CASCADE,
      structure_id uuid NOT NULL REFERENCES structures(id),
      account_id uuid NOT NULL REFERENCES accounts(id),
      lots integer[] NOT NULL,
      seeking jsonb NOT NULL DEFAULT '{}',
      message text NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX partner_requests_tender ON partner_requests (tender_id) WHERE status = 'open'`);
    await q.query(`CREATE TABLE partner_contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      request_id uuid NOT NULL REFERENCES partner_requests(id) ON DELETE CASCADE,
      structure_id uuid NOT NULL REFERENCES structures(id),
      account_id uuid NOT NULL REFERENCES accounts(id),
      message text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','declined')),
      bid_id uuid REFERENCES bids(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      answered_at timestamptz,
      UNIQUE (request_id, structure_id))`);

    await q.query(`CREATE TABLE favourite_lists (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (account_id, name))`);
    await q.query(`CREATE TABLE favourite_list_items (
      list_id uuid NOT NULL REFERENCES favourite_lists(id) ON DELETE CASCADE,
      structure_id uuid NOT NULL REFERENCES structures(id),
      note text,
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (list_id, structure_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE favourite_list_items, favourite_lists, partner_contacts, partner_requests, tender_interests, alert_profile_matches, alert_profiles, tender_alerts`);
    await q.query(`ALTER TABLE tenders DROP COLUMN alerts_status, DROP COLUMN alerts_done_at, DROP COLUMN interest_announced`);
    await q.query(`ALTER TABLE accounts DROP COLUMN alerts_unsubscribed_at`);
    await q.query(`DELETE FROM notifications WHERE account_id IS NULL`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_recipient, DROP COLUMN tender_id, DROP COLUMN link_url, DROP COLUMN unsubscribe_url, DROP COLUMN email_to`);
    await q.query(`ALTER TABLE notifications ALTER COLUMN account_id SET NOT NULL`);
  }
}
