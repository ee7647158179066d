// Fixed-window rate limits (login failures, registrations, matching runs). Each hit is counted atomically
// BEFORE the guarded work runs and the caller decides on the count it got back: with N concurrent requests,
// exactly `limit` of them are let through, never more (issue 13, item 2).
import Redis from 'ioredis';

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
