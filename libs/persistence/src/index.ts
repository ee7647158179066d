export * from './entities';
export * from './migrations';
export * from './database';
export * from './persistence.module';
export * from './redis.module';
export * from './queue-connection';
export * from './search-outbox';
export * from './rate-limiter';
