// The search bench, one command (after `npm run build`): `node dist/bench/search/run.js`.
// Builds a bench database (communes, the real 2020 register, generated structures up to each size), rebuilds
// the index, starts the built API (and worker) as child processes, and measures through HTTP: latency and
// throughput of a mixed workload at concurrency 8, full exports, index lag after a write, API peak RSS.
// Results go to bench/search/results/latest.json and the table of bench/search/README.md.
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { RegisterImporter, upsertImportedStructures } from '@app/catalogue';
import { QUEUES, loadConfig } from '@app/config';
import { enqueueStructureIndexing, openDatabase } from '@app/persistence';
import { ReferenceIndex, seedCommunes } from '@app/reference';
import { API_MALLOC_ARENA_MAX, API_NODE_FLAGS } from '../../apps/api/src/node-flags';
import { reindex } from '../../apps/cli/reindex';
import { BENCH_COLUMNS, generateBenchStructures } from './generator';
import { WORKLOAD, WorkloadQuery } from './workload';
import { dropDatabase } from '../support/database';

const ROOT = join(__dirname, '..', '..', '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_search';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 8;

function arg(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}
const SIZES = arg('sizes', '4000,100000').split(',').map(Number);
const REQUESTS = Number(arg('requests', '4000'));
const LAG_TRIALS = Number(arg('lag-trials', '10'));
const PORT = Number(arg('port', '3917'));
/**
 * Interleaved A/B of the load phase on the same database: `--ab-script=<other build's main.js>` (e.g. the code
 * before a change, built elsewhere) and/or `--ab-env=KEY=VALUE` (this build with another setting), alternated
 * with this build `--ab-rounds` times after the measured phases. Results in latest.json (`ab`), not in the table.
 */
const AB_SCRIPT = arg('ab-script', '');
const AB_ENV = arg('ab-env', '');
const AB_ROUNDS = Number(arg('ab-rounds', '2'));
const API_SCRIPT = 'dist/apps/api/src/main.js';

const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;


async function structureCount(dataSource: DataSource): Promise<number> {
  const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM structures WHERE delisted_at IS NULL`);
  return n;
}

/** Adds generated structures until the catalogue holds `size` of them (register included). */
async function growTo(dataSource: DataSource, reference: ReferenceIndex, size: number, generatedSoFar: number): Promise<number> {
  let generated = generatedSoFar;
  let count = await structureCount(dataSource);
  while (count < size) {
    const batch = generateBenchStructures(reference, generated, generated + Math.min(2000, size - count));
    await dataSource.transaction((manager) => upsertImportedStructures(manager, 'demo', BENCH_COLUMNS, batch));
    generated += batch.length;
    count = await structureCount(dataSource);
    if (generated % 20000 < 2000) log(`  ${count} structures`);
  }
  return generated;
}

interface Child {
  process: ChildProcess;
  output: string[];
}

function start(script: string, env: NodeJS.ProcessEnv, readyLine: RegExp, nodeFlags: readonly string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [...nodeFlags, script.startsWith('/') ? script : join(ROOT, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready:\n${output.join('')}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
      if (readyLine.test(chunk.toString())) {
        clearTimeout(timer);
        resolve({ process: child, output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}):\n${output.join('')}`));
    });
  });
}

async function stop(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null) return;
  child.process.removeAllListeners('exit');
  const exited = once(child.process, 'exit');
  child.process.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.process.exitCode === null) child.process.kill('SIGKILL');
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return round(kb / 1024);
}

/** CPU time (user + system) a process has used, in ms (clock ticks of 10 ms, the Linux default). */
function cpuMs(pid: number | string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time of the PostgreSQL backends serving `database` (the API's pool), in ms. */
function postgresCpuMs(database: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.startsWith('postgres: ') && command.split(' ').includes(database)) total += cpuMs(pid);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: PORT, path, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Streams a download, counting bytes and lines without keeping it. */
function download(path: string): Promise<{ status: number; bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: PORT, path, agent }, (response) => {
      let bytes = 0;
      let lines = 0;
      response.on('data', (c: Buffer) => {
        bytes += c.length;
        for (let i = 0; i < c.length; i++) if (c[i] === 10) lines++;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, lines }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

const searchPath = (query: WorkloadQuery) =>
  `/api/v1/search/structures?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;

/**
 * The measured requests. The machine may be shared: CPU per request (API process, PostgreSQL backends of the bench
 * database) is measured alongside latency, and the 1-minute load average is sampled each second.
 */
async function load(requests: number, apiPid: number) {
  const latencies: number[] = [];
  const perQuery: number[][] = WORKLOAD.map(() => []);
  let errors = 0;
  let next = 0;
  const loadAverages = [os.loadavg()[0]];
  const sampler = setInterval(() => loadAverages.push(os.loadavg()[0]), 1000);
  const database = decodeURIComponent(new URL(DATABASE_URL).pathname.slice(1));
  const [apiCpuBefore, postgresCpuBefore] = [cpuMs(apiPid), postgresCpuMs(database)];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= requests) return;
        const t0 = performance.now();
        const response = await get(searchPath(WORKLOAD[i % WORKLOAD.length]));
        latencies.push(performance.now() - t0);
        perQuery[i % WORKLOAD.length].push(performance.now() - t0);
        if (response.status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  loadAverages.push(os.loadavg()[0]);
  latencies.sort((a, b) => a - b);
  return {
    requests,
    errors,
    medianMs: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    throughputRps: round(requests / seconds, 0),
    apiCpuMsPerRequest: round((cpuMs(apiPid) - apiCpuBefore) / requests, 2),
    postgresCpuMsPerRequest: round((postgresCpuMs(database) - postgresCpuBefore) / requests, 2),
    loadAverage: { min: round(Math.min(...loadAverages)), max: round(Math.max(...loadAverages)) },
    // The queries that make the tail: the five with the highest median latency under this load.
    slowest: perQuery
      .map((ms, i) => ({ query: WORKLOAD[i], medianMs: round(percentile([...ms].sort((a, b) => a - b), 50)) }))
      .sort((a, b) => b.medianMs - a.medianMs)
      .slice(0, 5),
  };
}

const freshWord = () => `zq${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;

/**
 * Commit → searchable through HTTP: a structure renamed to a fresh word, nudged like the API does. Every renamed
 * structure also carries the run's word, whose facet counts are asked before each write (so the API has them
 * cached): the write counts as searchable only when its own word is found AND those counts include it.
 */
async function indexLag(dataSource: DataSource, queue: Queue, trials: number) {
  const lags: number[] = [];
  const ids: { id: string }[] = await dataSource.query(`SELECT id FROM structures WHERE delisted_at IS NULL ORDER BY id LIMIT $1`, [trials]);
  const runWord = freshWord();
  const facetsOfRun = async () => {
    const response = await get(searchPath({ q: runWord, facets: 'kind' }));
    const body = JSON.parse(response.body.toString()) as { total: number; facets: { kind: Record<string, number> } };
    return { total: body.total, counted: Object.values(body.facets.kind).reduce((a, b) => a + b, 0) };
  };
  let renamed = (await facetsOfRun()).counted;
  for (const { id } of ids) {
    const word = freshWord();
    await facetsOfRun();
    await dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE structures SET name = $2, updated_at = now() WHERE id = $1`, [id, `Bench ${word} ${runWord}`]);
      await enqueueStructureIndexing(manager, id);
    });
    const committed = performance.now();
    await queue.add('sync', {}, { removeOnComplete: true, removeOnFail: true });
    for (;;) {
      const response = await get(searchPath({ q: word }));
      if (response.status === 200 && JSON.parse(response.body.toString()).total > 0) {
        const counts = await facetsOfRun();
        if (counts.total === renamed + 1 && counts.counted === renamed + 1) break;
      }
      if (performance.now() - committed > 30_000) throw new Error('index lag over 30 s');
      await sleep(10);
    }
    renamed++;
    lags.push(performance.now() - committed);
  }
  lags.sort((a, b) => a - b);
  return { trials: lags.length, medianMs: round(percentile(lags, 50), 0), maxMs: round(lags[lags.length - 1], 0) };
}

/** The API (this build or another), started as production starts it, after one warm-up pass of the workload. */
async function startWarmApi(script: string, env: NodeJS.ProcessEnv): Promise<Child> {
  const api = await start(script, env, /API listening/, API_NODE_FLAGS);
  for (const query of WORKLOAD) {
    const warm = await get(searchPath(query));
    if (warm.status !== 200) throw new Error(`${searchPath(query)} → ${warm.status} ${warm.body}`);
  }
  return api;
}

async function machine(dataSource: DataSource) {
  const [{ version }] = await dataSource.query(`SELECT version()`);
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 0),
    node: process.version,
    postgres: String(version).split(' on ')[0],
    os: `${os.type()} ${os.release()}`,
  };
}

function table(results: StageResult[]): string {
  const rows = [
    '| structures | reindex | requests (errors) | median | p95 | p99 | throughput | CPU per request: API / PostgreSQL | load average during the load | CSV export (every row) | XLSX export (same rows) | index lag median / max | API peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.structures.toLocaleString('en')} | ${round(r.reindexMs / 1000)} s | ${r.load.requests} (${r.load.errors}) | ${r.load.medianMs} ms | ${r.load.p95Ms} ms | ${r.load.p99Ms} ms | ${r.load.throughputRps} req/s | ${r.load.apiCpuMsPerRequest} / ${r.load.postgresCpuMsPerRequest} ms | ${r.load.loadAverage.min}–${r.load.loadAverage.max} | ${r.exportCsv.rows.toLocaleString('en')} rows, ${r.exportCsv.mb} MB in ${round(r.exportCsv.ms / 1000)} s | ${r.exportXlsx.mb} MB in ${round(r.exportXlsx.ms / 1000)} s | ${r.lag.medianMs} / ${r.lag.maxMs} ms | ${r.apiPeakRssMb} MB |`,
    ),
  ];
  return rows.join('\n');
}

interface StageResult {
  structures: number;
  reindexMs: number;
  load: Awaited<ReturnType<typeof load>>;
  exportCsv: { rows: number; ms: number; mb: number };
  exportXlsx: { ms: number; mb: number };
  lag: Awaited<ReturnType<typeof indexLag>>;
  apiPeakRssMb: number;
  workerPeakRssMb: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  const prefix = `bench_${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL,
    REDIS_URL,
    PORT: String(PORT),
    QUEUE_PREFIX: prefix,
    SEARCH_ENGINE: 'postgres',
    SEED_ON_START: 'false',
    // As in production (launcher, Dockerfile): see apps/api/src/node-flags.ts.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? API_MALLOC_ARENA_MAX,
  };
  const config = loadConfig(env);
  log(`database ${DATABASE_URL} (recreated)`);
  await dropDatabase(DATABASE_URL);
  const dataSource = await openDatabase(DATABASE_URL);
  const reference = await ReferenceIndex.load();
  await seedCommunes(dataSource, reference.allCommunes);
  const imported = await new RegisterImporter(dataSource, reference).import();
  log(`register: ${imported.rows} rows, ${imported.inserted} structures in ${imported.ms} ms`);
  const queue = new Queue(QUEUES.searchIndex, { prefix, connection: { url: REDIS_URL } });
  const results: StageResult[] = [];
  const ab: { structures: number; label: string; round: number; load: Awaited<ReturnType<typeof load>> }[] = [];
  let generated = 0;
  let api: Child | undefined;
  let worker: Child | undefined;
  try {
    for (const size of SIZES) {
      generated = await growTo(dataSource, reference, size, generated);
      const structures = await structureCount(dataSource);
      // The rebuild reads every structure: the importers' outbox rows are already covered.
      await dataSource.query(`DELETE FROM search_outbox`);
      const reindexStarted = Date.now();
      await reindex(config);
      const reindexMs = Date.now() - reindexStarted;
      log(`${structures} structures indexed in ${reindexMs} ms`);
      // The rebuild leaves ~150 MB of dirty pages: flush them now, not in a checkpoint during the measured load.
      await dataSource.query(`CHECKPOINT`);

      api = await startWarmApi(API_SCRIPT, env);
      const loaded = await load(REQUESTS, api.process.pid!);
      log(`load: ${JSON.stringify(loaded)}`);
      const csvStarted = performance.now();
      const csv = await download('/api/v1/search/structures/export?format=csv');
      const exportCsv = { rows: csv.lines - 1, ms: round(performance.now() - csvStarted, 0), mb: round(csv.bytes / 1024 ** 2) };
      const xlsxStarted = performance.now();
      const xlsx = await download('/api/v1/search/structures/export?format=xlsx');
      if (csv.status !== 200 || xlsx.status !== 200) throw new Error(`export failed: ${csv.status} ${xlsx.status}`);
      const exportXlsx = { ms: round(performance.now() - xlsxStarted, 0), mb: round(xlsx.bytes / 1024 ** 2) };
      log(`exports: ${JSON.stringify({ exportCsv, exportXlsx })}`);

      worker = await start('dist/apps/worker/src/main.js', env, /Worker started/);
      const lag = await indexLag(dataSource, queue, LAG_TRIALS);
      log(`index lag: ${JSON.stringify(lag)}`);
      const apiPeakRssMb = peakRssMb(api.process.pid!);
      const workerPeakRssMb = peakRssMb(worker.process.pid!);
      results.push({ structures, reindexMs, load: loaded, exportCsv, exportXlsx, lag, apiPeakRssMb, workerPeakRssMb });
      log(`API peak RSS ${apiPeakRssMb} MB, worker ${workerPeakRssMb} MB`);
      await stop(worker);
      await stop(api);
      worker = api = undefined;
      if (AB_SCRIPT || AB_ENV) {
        const [key, ...value] = AB_ENV.split('=');
        const variant = { script: AB_SCRIPT || API_SCRIPT, env: AB_ENV ? { ...env, [key]: value.join('=') } : env };
        for (let round = 0; round < AB_ROUNDS; round++) {
          for (const [label, run] of [['B', variant], ['A', { script: API_SCRIPT, env }]] as const) {
            api = await startWarmApi(run.script, run.env);
            const measured = await load(REQUESTS, api.process.pid!);
            log(`A/B ${label} (${label === 'A' ? 'this build' : `${AB_SCRIPT} ${AB_ENV}`.trim()}), round ${round + 1}: ${JSON.stringify(measured)}`);
            ab.push({ structures, label, round: round + 1, load: measured });
            await stop(api);
            api = undefined;
          }
        }
      }
    }
  } finally {
    await stop(worker);
    await stop(api);
    await queue.close();
    agent.destroy();
    await dataSource.destroy();
  }

  const report = {
    date: new Date().toISOString(),
    machine: await (async () => {
      const ds = await openDatabase(DATABASE_URL);
      try {
        return await machine(ds);
      } finally {
        await ds.destroy();
      }
    })(),
    concurrency: CONCURRENCY,
    workloadQueries: WORKLOAD.length,
    results,
    ab: ab.length ? { variant: `${AB_SCRIPT} ${AB_ENV}`.trim(), runs: ab } : undefined,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  const dir = join(ROOT, 'bench', 'search', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = `Measured ${report.date.slice(0, 10)} on ${report.machine.cores} cores (${report.machine.cpu}), ${report.machine.memoryGb} GB, ${report.machine.os}, Node ${report.machine.node}, ${report.machine.postgres}; API, PostgreSQL, Redis and the load generator on the same machine. Concurrency ${CONCURRENCY}, ${WORKLOAD.length} distinct queries.\n\n${table(results)}`;
  const readmePath = join(ROOT, 'bench', 'search', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  writeFileSync(readmePath, readme.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, `<!-- results:start -->\n${markdown}\n<!-- results:end -->`));
  console.log(`\n${markdown}\n`);
  log(`done in ${report.totalSeconds} s; results in bench/search/results/latest.json and bench/search/README.md`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
