// Redis or PostgreSQL under BullMQ, same run (after `npm run build`): `node dist/bench/matching-worker/queue-backends.js`.
// One database seeded as `npm start` seeds it, one published tender (run.ts), then for each queue backend in turn:
// the API's modules in this process and the built worker pinned to one core (MATCHING_CONCURRENCY=1), a warm-up,
// N matching runs queued at once (throughput as in run.ts), then the index lag: a structure renamed in a committed
// transaction with its outbox row, the API's nudge, and the time until search_documents holds the new name.
// Order Redis, PostgreSQL, PostgreSQL, Redis: the machine's drift weighs on both alike.
// Results: results/queue-backends.json and the "Queue backends" table of README.md.
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, QueueBackend, loadConfig } from '@app/config';
import { MatchingRunsService } from '@app/matching';
import { enqueueStructureIndexing, openDatabase } from '@app/persistence';
import { findProjectRoot } from '@app/reference';
import { SearchSync } from '@app/search';
import { CandidatesService, TendersService } from '@app/tenders';
import { ApiModule } from '../../apps/api/src/api.module';
import { AuthService } from '../../apps/api/src/auth/auth.service';
import { seedDatabase } from '../../apps/cli/seed';
import { dropDatabase } from '../support/database';
import { Phase, benchCompany, drainOutbox, hostDescription, memoryOf, percentile, round, sampleRss, sleep, startWorker, summarise, tenderInput, waitForRuns } from './run';

const ROOT = findProjectRoot();
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_queue_backends';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const RUNS = Number(arg('runs', '60'));
const WARMUP = Number(arg('warmup', '4'));
const LAG_TRIALS = Number(arg('lag-trials', '30'));
const log = (line: string) => console.log(`[bench] ${line}`);

interface BackendResult {
  backend: QueueBackend;
  matching: Phase;
  indexLagMs: { trials: number; median: number; p95: number; max: number };
  workerPeakRssMb: number;
}

/** Commit → the worker has indexed it: a rename with its outbox row, then the nudge the API sends after commit. */
async function indexLag(dataSource: DataSource, sync: SearchSync, trials: number): Promise<BackendResult['indexLagMs']> {
  const ids: { id: string }[] = await dataSource.query(`SELECT id FROM structures WHERE delisted_at IS NULL ORDER BY random() LIMIT $1`, [trials]);
  const lags: number[] = [];
  for (const { id } of ids) {
    const name = `Bench lag ${Math.random().toString(36).slice(2)}`;
    await dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE structures SET name = $2, updated_at = now() WHERE id = $1`, [id, name]);
      await enqueueStructureIndexing(manager, id);
    });
    const committed = performance.now();
    sync.nudge();
    for (;;) {
      const [row] = await dataSource.query(`SELECT 1 FROM search_documents WHERE id = $1 AND name = $2`, [id, name]);
      if (row) break;
      if (performance.now() - committed > 30_000) throw new Error('index lag over 30 s');
      await sleep(5);
    }
    lags.push(performance.now() - committed);
    await sleep(50);
  }
  return { trials: lags.length, median: round(percentile(lags, 50), 0), p95: round(percentile(lags, 95), 0), max: round(Math.max(...lags), 0) };
}

async function measure(backend: QueueBackend, base: AppConfig, tenderId: string, buyer: { id: string; role: 'buyer' }, anchorId: string): Promise<BackendResult> {
  const config: AppConfig = { ...base, redisUrl: backend === 'redis' ? REDIS_URL : undefined, queuePrefix: `bench-backends-${process.pid}-${backend}` };
  const api: INestApplicationContext = await NestFactory.createApplicationContext(ApiModule.forRoot(config), { logger: ['error', 'warn'] });
  const dataSource = api.get(DataSource);
  const { child, ready } = startWorker(config);
  const rss = sampleRss(child);
  try {
    await ready;
    await drainOutbox(dataSource);
    const runs = api.get(MatchingRunsService);
    const mixes = [{ anchorStructureId: anchorId }, { lots: [1, 2] }, { lots: [3] }];
    const warmup: string[] = [];
    for (let i = 0; i < WARMUP; i++) warmup.push((await runs.create(tenderId, buyer, mixes[i % 3])).id);
    await waitForRuns(dataSource, warmup, 120_000);
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) ids.push((await runs.create(tenderId, buyer, mixes[i % 3])).id);
    await waitForRuns(dataSource, ids, 30 * 60_000);
    const matching = await summarise(dataSource, `${backend} queue`, ids);
    log(`${backend}: ${matching.runsPerMinute} runs/min, median ${matching.serviceMs.median} ms per run`);
    const indexLagMs = await indexLag(dataSource, api.get(SearchSync), LAG_TRIALS);
    log(`${backend}: index lag median ${indexLagMs.median} ms, p95 ${indexLagMs.p95} ms`);
    const memory = child.pid ? memoryOf(child.pid) : null;
    return { backend, matching, indexLagMs, workerPeakRssMb: Math.max(memory?.peakMb ?? 0, rss.peakMb()) };
  } finally {
    rss.stop();
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await api.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const base: AppConfig = { ...loadConfig({ ...process.env, DATABASE_URL, REDIS_URL: undefined }), seedOnStart: true };
  log(`database ${DATABASE_URL}: recreate and seed`);
  await dropDatabase(DATABASE_URL);
  const seedSource = await openDatabase(DATABASE_URL);
  await seedDatabase(seedSource, base, { log: (line) => log(line) });
  await seedSource.destroy();

  // The tender and the anchor, created once through the API's services (run.ts does the same).
  const api = await NestFactory.createApplicationContext(ApiModule.forRoot(base), { logger: ['error', 'warn'] });
  const account = (await api.get(AuthService).register({ email: `bench-${process.pid}@example.org`, password: 'un mot de passe de bench', role: 'buyer', displayName: 'Bench' }, 'bench')).created!;
  const buyer = { id: account.id, role: 'buyer' as const };
  const tenders = api.get(TendersService);
  const tender = await tenders.create(tenderInput(), buyer);
  await tenders.publish(tender.id, buyer);
  const cleaning = await api.get(CandidatesService).rankForLot(tender.id, 1, { includeCompanies: true, evidence: false });
  const anchor = cleaning.find((c) => c.structure.kind === 'COMPANY')?.structure ?? (await benchCompany(api));
  const host = await hostDescription(api.get(DataSource));
  await api.close();

  const results: BackendResult[] = [];
  // A B B A: a drift of the shared machine (other load, caches warming) weighs on both backends alike.
  for (const backend of ['redis', 'postgres', 'postgres', 'redis'] as const) results.push(await measure(backend, base, tender.id, buyer, anchor.id));
  const report = { date: new Date().toISOString().slice(0, 10), host, runs: RUNS, lagTrials: LAG_TRIALS, results, totalBenchSeconds: round((Date.now() - started) / 1000, 0) };
  writeOut(report);
  console.log(JSON.stringify(report, null, 2));
}

function writeOut(report: { date: string; host: Awaited<ReturnType<typeof hostDescription>>; runs: number; lagTrials: number; results: BackendResult[] }): void {
  const dir = join(ROOT, 'bench', 'matching-worker', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'queue-backends.json'), `${JSON.stringify(report, null, 2)}\n`);
  const h = report.host;
  const lines = [
    `Measured ${report.date} on ${h.cpu}, ${h.memoryGb} GB RAM, Node ${h.node}, PostgreSQL ${h.postgres}, Redis ${h.redis}; same database, tender and worker build for every row, in the order Redis, PostgreSQL, PostgreSQL, Redis (a drift of the shared machine weighs on both).`,
    `${report.runs} runs queued at once after a warm-up; index lag over ${report.lagTrials} renames (commit → row in search_documents, 5 ms polling).`,
    '',
    '| round | queue | **runs/min** | per run median / p95 ms | failed | index lag median / p95 / max ms | worker peak RSS |',
    '|---|---|---|---|---|---|---|',
    ...report.results.map(
      (r, i) =>
        `| ${i + 1} | ${r.backend === 'redis' ? 'Redis (REDIS_URL set)' : 'PostgreSQL (REDIS_URL unset)'} | **${r.matching.runsPerMinute}** | ${r.matching.serviceMs.median} / ${r.matching.serviceMs.p95} | ${r.matching.failed} | ${r.indexLagMs.median} / ${r.indexLagMs.p95} / ${r.indexLagMs.max} | ${r.workerPeakRssMb} MB |`,
    ),
  ];
  const readmePath = join(ROOT, 'bench', 'matching-worker', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  writeFileSync(readmePath, readme.replace(/<!-- backends:start -->[\s\S]*<!-- backends:end -->/, `<!-- backends:start -->\n${lines.join('\n')}\n<!-- backends:end -->`));
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  });
