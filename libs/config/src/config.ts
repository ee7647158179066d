// One typed configuration object, read from the environment once and validated at start.
// `npm start` needs nothing: without DATABASE_URL it runs an embedded PostgreSQL and sets DATABASE_URL for the
// processes it starts; without REDIS_URL the queues and login limits live in that same PostgreSQL.
import { randomBytes } from 'node:crypto';

export type SearchEngine = 'postgres' | 'meilisearch';

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  databaseUrl: string;
  /** Set by `npm start` when it runs the embedded PostgreSQL: its data folder (reported by /health). */
  embeddedDatabaseDir?: string;
  /** Redis for the queues and login limits; unset = both live in PostgreSQL (see queueBackend). */
  redisUrl?: string;
  /** Prefix of every BullMQ key (Redis backend): lets several test runs share one Redis. */
  queuePrefix: string;
  searchEngine: SearchEngine;
  meiliUrl?: string;
  meiliKey?: string;
  /** Name of the Meilisearch index (tests use a unique one). */
  meiliIndex: string;
  /** Entries of each PostgreSQL search cache (text plans, facet counts), valid per index version; 0 turns them off. */
  searchCacheSize: number;
  jwtSecret: string;
  jwtExpiresInSec: number;
  admin?: { email: string; password: string };
  smtpUrl?: string;
  mailFrom: string;
  /** Where users reach the web app, for links in e-mails (no trailing slash). */
  publicUrl: string;
  /** Load reference data and the SIAE register on first start. */
  seedOnStart: boolean;
  /** Number of generated demo EA/ESAT structures added on first start (source "demo"). */
  demoStructures: number;
  /** Secure flag on session cookies; on by default in production. */
  cookieSecure: boolean;
  loginMaxFailures: number;
  loginWindowSec: number;
  /** Registrations allowed per client address in `throttleWindowSec`, then 429. */
  registrationMaxPerWindow: number;
  /** Matching runs one account may create in `throttleWindowSec`, then 429. */
  matchingRunsMaxPerWindow: number;
  throttleWindowSec: number;
  /** Matching worker (issue 5): queue retries, stalled-job detection, sweeper. */
  matching: MatchingConfig;
  /** Publication alerts (issue 15). */
  alerts: AlertsConfig;
  /** Purchase analyses (issue 16): the sweeper that puts back on the queue what it lost. */
  purchaseAnalysis: PurchaseAnalysisConfig;
}

export interface PurchaseAnalysisConfig {
  /** How often each worker process looks for stuck analyses (it also looks once at start). */
  sweepIntervalMs: number;
  /**
   * An analysis still « en attente » or « en cours » whose row has not moved for this long is enqueued again.
   * A live worker moves it every 500 lines (a few seconds) and a 100,000-line plan takes a few minutes in
   * all, so two minutes without any move means the job was never queued, was lost, or its worker died.
   */
  staleAfterMs: number;
}

export interface AlertsConfig {
  /** Candidates of each lot whose owners are alerted when a tender is published (best first, demo rows never). */
  perLot: number;
  /** How often the worker looks for published tenders to announce and digests to send. */
  sweepEveryMs: number;
}

export interface MatchingConfig {
  /** Runs processed at once by one worker process (HiGHS is single-threaded: 1 per core). */
  concurrency: number;
  /** BullMQ attempts per run (first try included); the run fails for good after the last one. */
  attempts: number;
  /** First retry delay; exponential backoff doubles it at each attempt. */
  backoffMs: number;
  /** Job lock: a worker that stops renewing it for this long is considered dead (stalled job). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Times a job may stall (its worker died) before BullMQ fails it. */
  maxStalledCount: number;
  /** The API waits at most this long for the queue when queueing; past it the sweeper takes over. */
  enqueueTimeoutMs: number;
  sweepIntervalMs: number;
  /** A queued run older than this is (re)enqueued by the sweeper (jobId = runId, so never twice). */
  sweepAfterMs: number;
}

export class ConfigError extends Error {}

export type QueueBackend = 'redis' | 'postgres';

/** BullMQ and the login limits run on Redis when REDIS_URL is set, else on the product's PostgreSQL. */
export function queueBackend(config: Pick<AppConfig, 'redisUrl'>): QueueBackend {
  return config.redisUrl ? 'redis' : 'postgres';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, errors: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean, errors: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  errors.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string | undefined, protocols: string[], errors: string[]) {
  const raw = env[name] || fallback;
  if (raw === undefined) return undefined;
  try {
    const parsed = new URL(raw);
    if (!protocols.includes(parsed.protocol)) errors.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  } catch {
    errors.push(`${name} is not a valid URL`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const errors: string[] = [];
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['env'];
  if (!['development', 'production', 'test'].includes(nodeEnv)) errors.push('NODE_ENV must be development, production or test');
  const production = nodeEnv === 'production';

  const searchEngine = (env.SEARCH_ENGINE ?? 'postgres') as SearchEngine;
  if (!['postgres', 'meilisearch'].includes(searchEngine)) errors.push('SEARCH_ENGINE must be postgres or meilisearch');
  const meiliUrl = url(env, 'MEILI_URL', undefined, ['http:', 'https:'], errors);
  if (searchEngine === 'meilisearch' && !meiliUrl) errors.push('SEARCH_ENGINE=meilisearch needs MEILI_URL');

  let jwtSecret = env.JWT_SECRET ?? '';
  if (!jwtSecret) {
    if (production) errors.push('JWT_SECRET is required in production');
    // A random secret per process start: tokens simply expire on restart in development.
    jwtSecret = randomBytes(32).toString('hex');
  } else if (jwtSecret.length < 32) {
    errors.push('JWT_SECRET must be at least 32 characters');
  }

  let admin: AppConfig['admin'];
  if (env.ADMIN_EMAIL || env.ADMIN_PASSWORD) {
    if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) errors.push('ADMIN_EMAIL and ADMIN_PASSWORD go together');
    else if (env.ADMIN_PASSWORD.length < 12) errors.push('ADMIN_PASSWORD must be at least 12 characters');
    else admin = { email: env.ADMIN_EMAIL.toLowerCase(), password: env.ADMIN_PASSWORD };
  }

  if (!env.DATABASE_URL) {
    errors.push('DATABASE_URL is not set: `npm start` runs an embedded PostgreSQL by itself, but start:api, start:worker and the CLI commands need DATABASE_URL');
  }

  const config: AppConfig = {
    env: nodeEnv,
    port: int(env, 'PORT', 3000, 1, 65535, errors),
    databaseUrl: url(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:'], errors) ?? '',
    embeddedDatabaseDir: env.EMBEDDED_POSTGRES_DIR || undefined,
    redisUrl: url(env, 'REDIS_URL', undefined, ['redis:', 'rediss:'], errors),
    queuePrefix: env.QUEUE_PREFIX || 'inclusion',
    searchEngine,
    meiliUrl,
    meiliKey: env.MEILI_MASTER_KEY || env.MEILI_KEY || undefined,
    meiliIndex: env.MEILI_INDEX || 'structures',
    searchCacheSize: int(env, 'SEARCH_CACHE_SIZE', 256, 0, 100_000, errors),
    jwtSecret,
    jwtExpiresInSec: int(env, 'JWT_EXPIRES_IN_SEC', 3600, 60, 30 * 24 * 3600, errors),
    admin,
    smtpUrl: url(env, 'SMTP_URL', undefined, ['smtp:', 'smtps:'], errors),
    mailFrom: env.MAIL_FROM || 'Marché inclusif <no-reply@marche-inclusif.local>',
    publicUrl: (url(env, 'PUBLIC_URL', undefined, ['http:', 'https:'], errors) ?? `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, ''),
    seedOnStart: bool(env, 'SEED_ON_START', true, errors),
    demoStructures: int(env, 'DEMO_STRUCTURES', production ? 0 : 400, 0, 200000, errors),
    cookieSecure: bool(env, 'COOKIE_SECURE', production, errors),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000, errors),
    loginWindowSec: int(env, 'LOGIN_WINDOW_SEC', 900, 1, 86400, errors),
    registrationMaxPerWindow: int(env, 'REGISTRATION_MAX_PER_WINDOW', 20, 1, 100_000, errors),
    matchingRunsMaxPerWindow: int(env, 'MATCHING_RUNS_MAX_PER_WINDOW', 60, 1, 100_000, errors),
    throttleWindowSec: int(env, 'THROTTLE_WINDOW_SEC', 3600, 1, 86400, errors),
    matching: {
      concurrency: int(env, 'MATCHING_CONCURRENCY', 1, 1, 64, errors),
      attempts: int(env, 'MATCHING_ATTEMPTS', 3, 1, 20, errors),
      backoffMs: int(env, 'MATCHING_BACKOFF_MS', 5000, 0, 3_600_000, errors),
      lockDurationMs: int(env, 'MATCHING_LOCK_MS', 60_000, 1000, 3_600_000, errors),
      stalledIntervalMs: int(env, 'MATCHING_STALLED_INTERVAL_MS', 30_000, 500, 3_600_000, errors),
      maxStalledCount: int(env, 'MATCHING_MAX_STALLED', 2, 0, 20, errors),
      enqueueTimeoutMs: int(env, 'MATCHING_ENQUEUE_TIMEOUT_MS', 1000, 50, 60_000, errors),
      sweepIntervalMs: int(env, 'MATCHING_SWEEP_INTERVAL_MS', 15_000, 100, 3_600_000, errors),
      sweepAfterMs: int(env, 'MATCHING_SWEEP_AFTER_MS', 30_000, 0, 86_400_000, errors),
    },
    alerts: {
      perLot: int(env, 'ALERTS_PER_LOT', 20, 1, 1000, errors),
      sweepEveryMs: int(env, 'ALERTS_SWEEP_EVERY_MS', 2000, 100, 3_600_000, errors),
    },
    purchaseAnalysis: {
      sweepIntervalMs: int(env, 'PURCHASE_ANALYSIS_SWEEP_INTERVAL_MS', 30_000, 100, 3_600_000, errors),
      staleAfterMs: int(env, 'PURCHASE_ANALYSIS_STALE_AFTER_MS', 120_000, 0, 86_400_000, errors),
    },
  };
  if (errors.length) throw new ConfigError(`Invalid configuration:\n- ${errors.join('\n- ')}`);
  return config;
}
