import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RATE_LIMITER, RedisRateLimiter } from './rate-limiter';

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
        new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2000 }),
    },
    // Under the queue prefix: deployments (and test runs) sharing one Redis keep their own counters.
    { provide: RATE_LIMITER, inject: [REDIS, APP_CONFIG], useFactory: (redis: Redis, config: AppConfig) => new RedisRateLimiter(redis, config.queuePrefix) },
  ],
  exports: [REDIS, RATE_LIMITER],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
