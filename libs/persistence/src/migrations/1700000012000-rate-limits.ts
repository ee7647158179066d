import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters when the product runs without Redis (PostgresRateLimiter in ../rate-limiter.ts).
 * Unlogged: like Redis' memory, a crash may forget them, and writes skip the WAL.
 */
export class RateLimits1700000012000 implements MigrationInterface {
  name = 'RateLimits1700000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNLOGGED TABLE rate_limits (
      key text PRIMARY KEY,
      hits integer NOT NULL,
      expires_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
  }
}
