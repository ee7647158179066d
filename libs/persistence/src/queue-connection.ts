// Where BullMQ keeps its queues: Redis when REDIS_URL is set, else the product's own PostgreSQL (schema
// "bullmq", created by BullMQ's migrations). Every Queue and Worker is built from `queueConnection`, so this
// is the one place that knows about the two backends; the processors, the sweeper and the API do not.
import {
  BackendFactory,
  ConnectionOptions,
  PostgresPoolConfig,
  createPostgresBackend,
  createRedisBackend,
  setDefaultBackendFactory,
} from 'bullmq';
import { AppConfig, queueBackend } from '@app/config';

/** What a connection is for: workers block and wait for the server; the API's producers must fail fast. */
export type QueueRole = 'worker' | 'producer';

/** BullMQ's PostgreSQL tables live in this schema of the product database. */
export const POSTGRES_QUEUE_SCHEMA = 'bullmq';

function isPostgresConnection(connection: unknown): connection is PostgresPoolConfig {
  return typeof connection === 'object' && connection !== null && 'connectionString' in connection;
}

/**
 * BullMQ builds each Queue/Worker's backend with the process-wide default factory (@nestjs/bullmq gives no
 * way to pass one). This one picks the backend from the connection options, so a process (a test run, the
 * benchmark) can hold queues on both backends at once.
 */
const backendFromConnection: BackendFactory = (name, opts, factoryOptions) =>
  isPostgresConnection(opts.connection)
    ? createPostgresBackend(name, opts as Parameters<typeof createPostgresBackend>[1], factoryOptions)
    : createRedisBackend(name, opts, factoryOptions);
setDefaultBackendFactory(backendFromConnection);

export function queueConnection(config: Pick<AppConfig, 'redisUrl' | 'databaseUrl'>, role: QueueRole): ConnectionOptions {
  if (queueBackend(config) === 'postgres') {
    const postgres: PostgresPoolConfig = {
      connectionString: config.databaseUrl,
      schema: POSTGRES_QUEUE_SCHEMA,
      // The first queue of a fresh database creates BullMQ's tables (under BullMQ's own advisory lock).
      migrate: true,
      // Each Queue/Worker has its own small pool plus one LISTEN connection: keeps the total far below
      // max_connections with the API, the worker and a few more workers on one server.
      max: 2,
      connectionTimeoutMillis: role === 'producer' ? 2000 : 10_000,
      application_name: `inclusion-queue-${role}`,
    };
    return postgres as ConnectionOptions;
  }
  return role === 'worker'
    ? // Workers need blocking commands that wait for Redis to come back rather than failing.
      { url: config.redisUrl, maxRetriesPerRequest: null }
    : // Producers fail fast while Redis is down: the row is committed, a sweep picks it up later.
      { url: config.redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
}
