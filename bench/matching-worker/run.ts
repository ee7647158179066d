// Matching worker throughput, one command (after `npm run build`): `node dist/bench/matching-worker/run.js`.
// 1. A fresh database seeded as `npm start` seeds it: communes, the real 2020 SIAE register, the demo
//    catalogue (EA/ESAT and ordinary companies, `apps/cli/seed.ts`).
// 2. The API runs in this process (ApiModule application context): a buyer publishes a realistic 3-lot tender
//    in Lyon (cleaning with a social clause and two work packages; green spaces reserved L2113-13; laundry
//    reserved L2113-12), and runs are created through MatchingRunsService (persist, then queue on BullMQ).
// 3. The real worker (`dist/apps/worker/src/main.js`) runs as a child process pinned to one core
//    (`taskset -c 1`), MATCHING_CONCURRENCY=1. After a warm-up, N runs are queued at once, in turn: anchored
//    on a demo company, lots 1 + 2, lot 3 alone; throughput = N / (last finish − first start).
// 4. Peak RSS of the worker process (VmHWM). Results: bench/matching-worker/results/latest.json and the
//    table of bench/matching-worker/README.md.
import 'reflect-metadata';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { StructuresService, demoSiret } from '@app/catalogue';
import { AppConfig, loadConfig } from '@app/config';
import { MatchingRunsService } from '@app/matching';
import { openDatabase } from '@app/persistence';
import { findProjectRoot } from '@app/reference';
import { CandidatesService, TendersService } from '@app/tenders';
import { ApiModule } from '../../apps/api/src/api.module';
import { AuthService } from '../../apps/api/src/auth/auth.service';
import { seedDatabase } from '../../apps/cli/seed';
import { dropDatabase } from '../support/database';

const ROOT = findProjectRoot();
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_matching_worker';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function arg(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}
const RUNS = Number(arg('runs', '60'));
const WARMUP = Number(arg('warmup', '4'));
const CORE = arg('core', '1');

const log = (line: string) => console.log(`[bench] ${line}`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};


export function tenderInput() {
  return {
    title: 'Propreté, espaces verts et linge des équipements municipaux',
    buyer: { name: 'Ville de Lyon (bench)', kind: 'public' as const },
    cpvCodes: ['90919200'],
    executionCommuneCode: '69123',
    responseDeadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    durationMonths: 24,
    lots: [
      {
        number: 1,
        title: 'Nettoyage des locaux et de la vitrerie',
        cpvCodes: ['90919200'],
        estimatedAmountEur: 360_000,
        prestationType: 'PREST' as const,
        reservation: 'NONE' as const,
        socialClause: { type: 'EXECUTION_CONDITION' as const },
        workPackages: [
          { code: 'LOCAUX', title: 'Nettoyage des bureaux', cpvCodes: ['90919200'], share: 0.75 },
          { code: 'VITRES', title: 'Vitrerie', cpvCodes: ['90911300'], share: 0.25 },
        ],
      },
      { number: 2, title: 'Entretien des espaces verts', cpvCodes: ['77310000'], estimatedAmountEur: 180_000, prestationType: 'PREST' as const, reservation: 'L2113-13' as const },
      { number: 3, title: 'Blanchisserie du linge', cpvCodes: ['98310000'], estimatedAmountEur: 90_000, prestationType: 'PREST' as const, reservation: 'L2113-12' as const },
    ],
  };
}

/** Peak and current resident set of a process, from /proc (Linux). */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { peakMb: round(kb('VmHWM') / 1024), rssMb: round(kb('VmRSS') / 1024) };
  } catch {
    return null;
  }
}

export function startWorker(config: AppConfig): { child: ChildProcess; ready: Promise<void>; pinned: boolean } {
  const main = join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const pinned = spawnSync('taskset', ['-c', CORE, 'true']).status === 0;
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    QUEUE_PREFIX: config.queuePrefix,
    MATCHING_CONCURRENCY: '1',
    SEED_ON_START: 'false',
  };
  // taskset execs node: the child's pid is the worker's own, so /proc/<pid> reads the worker's memory.
  const child = pinned
    ? spawn('taskset', ['-c', CORE, process.execPath, main], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('Worker started')) resolve();
      if (process.env.BENCH_VERBOSE) process.stdout.write(text);
    });
    child.on('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return { child, ready, pinned };
}

/** The largest resident set seen every 250 ms (VmHWM misses nothing, this survives the process's end). */
export function sampleRss(child: ChildProcess): { peakMb: () => number; stop: () => void } {
  let peak = 0;
  const timer = setInterval(() => {
    const memory = child.pid ? memoryOf(child.pid) : null;
    if (memory) peak = Math.max(peak, memory.rssMb);
  }, 250);
  return { peakMb: () => peak, stop: () => clearInterval(timer) };
}

/** The worker also drains the search outbox the seed filled: let it finish so it does not share the core. */
export async function drainOutbox(dataSource: DataSource): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM search_outbox`);
    if (n === 0) return;
    await sleep(500);
  }
}

export async function waitForRuns(dataSource: DataSource, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ open }] = await dataSource.query(`SELECT count(*)::int AS open FROM matching_runs WHERE id = ANY($1::uuid[]) AND status IN ('queued','running')`, [ids]);
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} run(s) still unfinished after ${timeoutMs} ms`);
    await sleep(200);
  }
}

export async function hostDescription(dataSource: DataSource) {
  const [{ server_version: postgres }] = await dataSource.query('SHOW server_version');
  const redis = spawnSync('redis-server', ['--version']).stdout?.toString().match(/v=(\S+)/)?.[1] ?? 'unknown';
  return {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: round(os.totalmem() / 1024 ** 3, 0),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    redis,
  };
}

/** When no demo company serves Lyon (the demo catalogue is random), an ordinary cleaning company of Lyon signs up. */
export async function benchCompany(api: INestApplicationContext): Promise<{ id: string; name: string; communeCode: string | null }> {
  const owner = (await api.get(AuthService).register({ email: `bench-company-${process.pid}@example.org`, password: 'un mot de passe de bench', role: 'company', displayName: 'Bench' }, 'bench')).created!;
  const company = await api.get(StructuresService).create(
    { id: owner.id, role: owner.role },
    { siret: demoSiret(999_999), name: 'Propreté Lyonnaise (bench)', kind: 'COMPANY', communeCode: '69123', sectors: ['nettoyage-locaux'], prestationTypes: ['PREST'], capacity: { annualRevenueEur: 4_000_000 }, openToCoContracting: true },
  );
  return { id: company.id, name: company.name, communeCode: '69123' };
}

async function main(): Promise<void> {
  const started = Date.now();
  const config: AppConfig = {
    ...loadConfig({ ...process.env, DATABASE_URL, REDIS_URL }),
    queuePrefix: `bench-matching-${process.pid}`,
    seedOnStart: true,
  };

  log(`database ${DATABASE_URL}: recreate and seed (communes, SIAE register, demo catalogue of ${config.demoStructures})`);
  await dropDatabase(DATABASE_URL);
  const seedSource = await openDatabase(DATABASE_URL);
  await seedDatabase(seedSource, config, { log: (line) => log(line) });
  await seedSource.destroy();

  const api: INestApplicationContext = await NestFactory.createApplicationContext(ApiModule.forRoot(config), { logger: ['error', 'warn'] });
  const dataSource = api.get(DataSource);
  const [{ structures }] = await dataSource.query(`SELECT count(*)::int AS structures FROM structures WHERE delisted_at IS NULL`);
  const kinds: { kind: string; n: number }[] = await dataSource.query(`SELECT kind, count(*)::int AS n FROM structures GROUP BY kind ORDER BY n DESC`);

  const buyer = (await api.get(AuthService).register({ email: `bench-${process.pid}@example.org`, password: 'un mot de passe de bench', role: 'buyer', displayName: 'Bench' }, 'bench')).created!;
  const actor = { id: buyer.id, role: buyer.role };
  const tenders = api.get(TendersService);
  const tender = await tenders.create(tenderInput(), actor);
  await tenders.publish(tender.id, actor);
  // The anchor: the best-ranked ordinary company for the cleaning lot (it serves Lyon and does the work).
  // The bench measures the catalogue `npm start` builds in development, demo structures included (they are
  // left out of candidates and matching unless asked since issue 11).
  const cleaning = await api.get(CandidatesService).rankForLot(tender.id, 1, { includeCompanies: true, includeDemo: true, evidence: false });
  const anchor = cleaning.find((c) => c.structure.kind === 'COMPANY')?.structure ?? (await benchCompany(api));
  log(`tender ${tender.id}: 3 lots in Lyon; anchor company: ${anchor.name} (${anchor.communeCode})`);

  const { child, ready, pinned } = startWorker(config);
  const rss = sampleRss(child);
  try {
    await ready;
    await drainOutbox(dataSource);
    const runs = api.get(MatchingRunsService);
    const caller = { id: buyer.id, role: buyer.role };
    // What users ask, in turn: a company anchoring its bid (default lots: only lot 1 is open to it, V13);
    // inclusive structures on the cleaning lot with the lot reserved to SIAE; the lot reserved to EA/ESAT alone.
    // (Lots 2 and 3 together have no lawful answer: no structure is eligible to both reservations.)
    const MIXES = [{ anchorStructureId: anchor.id, includeDemo: true }, { lots: [1, 2], includeDemo: true }, { lots: [3], includeDemo: true }];
    const params = (i: number) => MIXES[i % MIXES.length];

    const phase = async (label: string): Promise<Phase> => {
      const warmup: string[] = [];
      for (let i = 0; i < WARMUP; i++) warmup.push((await runs.create(tender.id, caller, params(i))).id);
      await waitForRuns(dataSource, warmup, 120_000);
      const ids: string[] = [];
      for (let i = 0; i < RUNS; i++) ids.push((await runs.create(tender.id, caller, params(i))).id);
      await waitForRuns(dataSource, ids, 30 * 60_000);
      const result = await summarise(dataSource, label, ids);
      log(`${label}: ${result.runsPerMinute} runs/min, median ${result.serviceMs.median} ms, p95 ${result.serviceMs.p95} ms`);
      return result;
    };

    const phases: Phase[] = [];
    phases.push(await phase('catalogue as seeded'));
    // The register says nothing about co-contracting, so its structures are imported as not open to it and the
    // optimiser leaves them out: phase 1 solves over the demo structures only. Phase 2 is a catalogue where the
    // register's structures have opted in — every serving structure is a potential member, the heavier case.
    const [, opened] = await dataSource.query(`UPDATE structures SET open_to_co_contracting = true WHERE source = 'register' AND NOT open_to_co_contracting`);
    await drainOutbox(dataSource);
    phases.push(await phase(`register opted in to co-contracting (${opened} structures)`));

    const memory = child.pid ? memoryOf(child.pid) : null;
    const results = {
      date: new Date().toISOString().slice(0, 10),
      host: await hostDescription(dataSource),
      workerPinnedToOneCore: pinned,
      catalogue: { structures, kinds },
      tender: { id: tender.id, lots: 3, place: 'Lyon (69123)', anchor: { id: anchor.id, name: anchor.name, communeCode: anchor.communeCode } },
      runsPerPhase: RUNS,
      phases,
      workerPeakRssMb: Math.max(memory?.peakMb ?? 0, rss.peakMb()),
      workerRssAtEndMb: memory?.rssMb ?? null,
      totalBenchSeconds: round((Date.now() - started) / 1000, 0),
    };
    writeOut(results);
    console.log(JSON.stringify(results, null, 2));
  } finally {
    rss.stop();
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await api.close();
  }
}

interface RequestGroup {
  runs: number;
  medianMs: number;
  p95Ms: number;
  solveMsMedian: number;
  candidatesMedian: number;
  keptMedian: number;
  proposalsMedian: number;
}

export interface Phase {
  label: string;
  runs: number;
  failed: number;
  wallSeconds: number;
  runsPerMinute: number;
  serviceMs: { median: number; p95: number; max: number };
  byRequest: Record<string, RequestGroup | null>;
}

export async function summarise(dataSource: DataSource, label: string, ids: string[]): Promise<Phase> {
  const rows: { status: string; mix: string; started: Date; finished: Date; serviceMs: number; proposals: number; candidates: number; kept: number; solveMs: number }[] =
    await dataSource.query(
      `SELECT r.status, CASE WHEN r.params ? 'anchorStructureId' THEN 'anchored' ELSE 'lots ' || (r.params->'lots')::text END AS mix,
              r.started_at AS started, r.finished_at AS finished, extract(epoch FROM (r.finished_at - r.started_at)) * 1000 AS "serviceMs",
              (SELECT count(*)::int FROM proposals p WHERE p.run_id = r.id) AS proposals,
              COALESCE((r.stats->>'candidates')::int, 0) AS candidates, COALESCE((r.stats->>'candidatesKept')::int, 0) AS kept,
              COALESCE((r.stats->>'solveMs')::float, 0) AS "solveMs"
         FROM matching_runs r WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
  const first = Math.min(...rows.map((r) => new Date(r.started).getTime()));
  const last = Math.max(...rows.map((r) => new Date(r.finished).getTime()));
  const wallMs = last - first;
  const service = rows.map((r) => Number(r.serviceMs));
  const group = (mix: string): RequestGroup | null => {
    const subset = rows.filter((r) => r.mix === mix);
    if (!subset.length) return null;
    const ms = subset.map((r) => Number(r.serviceMs));
    return {
      runs: subset.length,
      medianMs: round(percentile(ms, 50), 0),
      p95Ms: round(percentile(ms, 95), 0),
      solveMsMedian: round(percentile(subset.map((r) => r.solveMs), 50), 0),
      candidatesMedian: percentile(subset.map((r) => r.candidates), 50),
      keptMedian: percentile(subset.map((r) => r.kept), 50),
      proposalsMedian: percentile(subset.map((r) => r.proposals), 50),
    };
  };
  return {
    label,
    runs: ids.length,
    failed: rows.filter((r) => r.status !== 'succeeded').length,
    wallSeconds: round(wallMs / 1000, 1),
    runsPerMinute: round((ids.length / wallMs) * 60_000, 1),
    serviceMs: { median: round(percentile(service, 50), 0), p95: round(percentile(service, 95), 0), max: round(Math.max(...service), 0) },
    byRequest: { anchoredCompany: group('anchored'), lots1and2: group('lots [1, 2]'), lot3: group('lots [3]') },
  };
}

function writeOut(results: any): void {
  const dir = join(ROOT, 'bench', 'matching-worker', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const h = results.host;
  const requests: [string, string][] = [
    ['anchoredCompany', `anchor ${results.tender.anchor.name} (company): default lots → lot 1 only (V13)`],
    ['lots1and2', 'no anchor, lots 1 + 2 (every member eligible L2113-13)'],
    ['lot3', 'no anchor, lot 3 alone (EA/ESAT, L2113-12)'],
  ];
  const lines = [
    `Measured ${results.date} on ${h.cpu}, ${h.memoryGb} GB RAM, ${h.kernel}, Node ${h.node}, PostgreSQL ${h.postgres}, Redis ${h.redis}.`,
    `Worker: one process${results.workerPinnedToOneCore ? ' pinned to one core (`taskset -c 1`)' : ' (not pinned: taskset missing)'}, MATCHING_CONCURRENCY=1; PostgreSQL, Redis and the producer (API modules) run beside it on the same machine.`,
    `Catalogue: ${results.catalogue.structures} structures (register + demo). Tender: 3 lots in Lyon (cleaning 360 k€ with a social clause and 2 work packages, green spaces 180 k€ reserved L2113-13, laundry 90 k€ reserved L2113-12); top 5, both forms, ≤ 4 members. ${results.runsPerPhase} runs per phase, queued at once after a warm-up.`,
    '',
    '| Phase | **runs/min** | wall s | per run median / p95 / max ms | failed |',
    '|---|---|---|---|---|',
    ...results.phases.map((p: Phase) => `| ${p.label} | **${p.runsPerMinute}** | ${p.wallSeconds} | ${p.serviceMs.median} / ${p.serviceMs.p95} / ${p.serviceMs.max} | ${p.failed} |`),
    '',
    `**Peak worker RSS** (VmHWM over both phases): **${results.workerPeakRssMb} MB** (${results.workerRssAtEndMb} MB at the end).`,
    '',
    '| Phase | Request | n | median ms | p95 ms | HiGHS ms (median) | candidates → kept (median) | proposals (median) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const p of results.phases as Phase[]) {
    for (const [key, label] of requests) {
      const g = p.byRequest[key];
      if (g) lines.push(`| ${p.label} | ${label} | ${g.runs} | ${g.medianMs} | ${g.p95Ms} | ${g.solveMsMedian} | ${g.candidatesMedian} → ${g.keptMedian} | ${g.proposalsMedian} |`);
    }
  }
  const readmePath = join(ROOT, 'bench', 'matching-worker', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  writeFileSync(readmePath, readme.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, `<!-- results:start -->\n${lines.join('\n')}\n<!-- results:end -->`));
}

// queue-backends.ts reuses the helpers above.
if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((error) => {
      console.error('[bench] failed:', error);
      process.exit(1);
    });
}
