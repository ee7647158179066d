// Fixed-window rate limits (login failures, registrations, matching runs). Each hit is counted atomically
// BEFORE the guarded work runs and the caller decides on the count it got back: with N concurrent requests,
// exactly `limit` of them are let through, never more (issue 13, item 2).
import Redis from 'ioredis';
import type { DataSource } from 'typeorm';

export const RATE_LIMITER = Symbol('RATE_LIMITER');

export interface RateDecision {
  /** true while this hit is within the limit. */
  allowed: boolean;
  /** Seconds until the window ends (for Retry-After). */
  retryAfterSec: number;
}

/** The one interface every backend implements (Redis here; PostgreSQL for Redis-less starts). */
export interface RateLimiter {
  /** Counts one hit on `key` and says whether it is within `limit` hits per `windowSec`. */
  hit(key: string, limit: number, windowSec: number): Promise<RateDecision>;
  /** Forgets the key's hits (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** INCR then EXPIRE NX in one MULTI; a Redis outage lets requests through (availability over the limit). */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowSec: number): Promise<RateDecision> {
    const fullKey = `${this.prefix}:rate:${key}`;
    try {
      const results = await this.redis.multi().incr(fullKey).expire(fullKey, windowSec, 'NX').ttl(fullKey).exec();
      const count = Number(results?.[0]?.[1] ?? 0);
      const ttl = Number(results?.[2]?.[1] ?? windowSec);
      return { allowed: count <= limit, retryAfterSec: Math.max(1, ttl > 0 ? ttl : windowSec) };
    } catch {
      return { allowed: true, retryAfterSec: 0 };
    }
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:rate:${key}`).catch(() => undefined);
  }
}

/**
 * The same fixed window in an unlogged table (REDIS_URL unset): one INSERT … ON CONFLICT DO UPDATE counts the
 * hit under the row lock and returns the count, so concurrent hits each get their own number.
 */
export class PostgresRateLimiter implements RateLimiter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowSec: number): Promise<RateDecision> {
    try {
      const [row]: { hits: number; retry_after_sec: number }[] = await this.dataSource.query(
        `INSERT INTO rate_limits (key, hits, expires_at) VALUES ($1, 1, now() + make_interval(secs => $2))
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.expires_at <= now() THEN 1 ELSE rate_limits.hits + 1 END,
           expires_at = CASE WHEN rate_limits.expires_at <= now() THEN EXCLUDED.expires_at ELSE rate_limits.expires_at END
         RETURNING hits, ceil(extract(epoch FROM expires_at - now()))::int AS retry_after_sec`,
        [`${this.prefix}:rate:${key}`, windowSec],
      );
      return { allowed: row.hits <= limit, retryAfterSec: Math.max(1, row.retry_after_sec) };
    } catch {
      return { allowed: true, retryAfterSec: 0 };
    }
  }

  async reset(key: string): Promise<void> {
    // Expired rows of other keys go too: the table holds only live windows.
    await this.dataSource.query(`DELETE FROM rate_limits WHERE key = $1 OR expires_at < now()`, [`${this.prefix}:rate:${key}`]).catch(() => undefined);
  }
}
