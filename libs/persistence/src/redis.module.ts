import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { PostgresRateLimiter, RATE_LIMITER, RedisRateLimiter } from './rate-limiter';

/** The shared ioredis connection, or null when the product runs without Redis (REDIS_URL unset). */
export const REDIS = Symbol('REDIS');

/**
 * One shared ioredis connection for small commands (rate limits, health).
 * Commands fail fast while Redis is down instead of queueing forever.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.redisUrl
          ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2000 })
          : null,
    },
    // Under the queue prefix: deployments (and test runs) sharing one Redis keep their own counters.
    // Without Redis (REDIS null), an unlogged PostgreSQL table counts the same way.
    {
      provide: RATE_LIMITER,
      inject: [REDIS, APP_CONFIG, DataSource],
      useFactory: (redis: Redis | null, config: AppConfig, dataSource: DataSource) =>
        redis ? new RedisRateLimiter(redis, config.queuePrefix) : new PostgresRateLimiter(dataSource, config.queuePrefix),
    },
  ],
  exports: [REDIS, RATE_LIMITER],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    const redis = this.redis;
    await redis?.quit().catch(() => redis.disconnect());
  }
}
