// `npm start`: prepare the database (migrations, reference data, register), then run the API and the worker
// together. Without DATABASE_URL it first starts the embedded PostgreSQL (data in .data/postgres); without
// REDIS_URL the queues run on that PostgreSQL too. Ctrl-C or SIGTERM stops everything, and so does any
// process dying: the API and worker first, the database last, so nothing half-runs or stays behind.
import { ChildProcess, fork } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@app/persistence/embedded-postgres';
import { API_MALLOC_ARENA_MAX, API_NODE_FLAGS, IMPORT_NODE_FLAGS } from './api/src/node-flags';

const PROJECT_ROOT = join(__dirname, '..', '..');
const EMBEDDED_DATA_DIR = resolve(process.env.EMBEDDED_POSTGRES_DIR || join(PROJECT_ROOT, '.data', 'postgres'));

const children: ChildProcess[] = [];
const env: NodeJS.ProcessEnv = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? API_MALLOC_ARENA_MAX };
let database: EmbeddedPostgres | undefined;
let stopping = false;

const log = (message: string) => console.log(`[launcher] ${message}`);

function run(script: string, name: string, execArgv: readonly string[] = []): ChildProcess {
  const child = fork(join(__dirname, script), [], { stdio: 'inherit', env, execArgv: [...process.execArgv, ...execArgv] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[launcher] ${name} exited (${signal ?? code}); stopping`);
      void stop(code || 1);
    }
  });
  children.push(child);
  return child;
}

async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 10_000);
  deadline.unref();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  if (database) {
    await database.stop();
    database = undefined;
    log('embedded PostgreSQL stopped');
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// Last resort (an exception in this file): the server is in its own process group, so ask it to stop.
process.on('exit', () => {
  if (!database) return;
  try {
    process.kill(database.pid, 'SIGINT');
  } catch {
    // already gone
  }
});

async function startEmbeddedDatabase(): Promise<void> {
  const started = Date.now();
  const inside = relative(process.cwd(), EMBEDDED_DATA_DIR);
  const dataDir = inside && !inside.startsWith('..') ? inside : EMBEDDED_DATA_DIR;
  log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${dataDir})`);
  database = await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR, log: (line) => log(line) });
  log(`embedded PostgreSQL up on 127.0.0.1:${database.port} in ${Date.now() - started} ms`);
  env.DATABASE_URL = database.url('inclusion');
  env.EMBEDDED_POSTGRES_DIR = EMBEDDED_DATA_DIR;
  void database.exited.then(() => {
    if (!stopping) {
      console.error('[launcher] the embedded PostgreSQL exited; stopping');
      void stop(1);
    }
  });
}

async function main(): Promise<void> {
  // The processes learn from EMBEDDED_POSTGRES_DIR that their database is the embedded one (/health says so).
  delete env.EMBEDDED_POSTGRES_DIR;
  if (!process.env.DATABASE_URL) await startEmbeddedDatabase();
  if (!process.env.REDIS_URL) log('REDIS_URL is not set: queues and login limits run on PostgreSQL (BullMQ schema "bullmq")');
  if (stopping) return;
  // The seed streams its imports; a bounded heap makes V8 collect instead of growing (bench/imports/README.md).
  const seed = fork(join(__dirname, 'cli/seed.js'), [], { stdio: 'inherit', env, execArgv: [...process.execArgv, ...IMPORT_NODE_FLAGS] });
  children.push(seed);
  seed.on('exit', (code) => {
    if (stopping) return;
    if (code !== 0) {
      console.error('[launcher] preparing the database failed; see above');
      void stop(code ?? 1);
      return;
    }
    // Heap limits keep the API under 300 MB RSS through full exports (see api/src/node-flags.ts).
    run('api/src/main.js', 'api', API_NODE_FLAGS);
    run('worker/src/main.js', 'worker');
  });
}

main().catch((error: Error) => {
  console.error(`[launcher] ${error.message}`);
  void stop(1);
});
