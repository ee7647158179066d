// The candidates bench, one command (after `npm run build`): `node dist/bench/candidates/run.js`.
// 1. Latency: a catalogue of 100,000 structures (the real register + the search bench's deterministic
//    generator on real communes) with the DECP 2019 contracts as evidence; the API runs in this process;
//    published tenders in 15 places (metropoles to rural prefectures, overseas included) with 3 lots each
//    (cleaning, reserved green spaces with a clause, staff provision); GET …/lots/:n/candidates through
//    HTTP, one request at a time, after a warm-up pass.
// 2. Quality: the real register only; recall@10/@20/@50 and nDCG@10 of the actual holders of every real
//    contract of data/decp (holder matched by SIRET, leave one out; by SIREN only, held out; all, leave one
//    out), beside distance only and the old score (bench/candidates/quality.ts).
// 3. DECP import: the full 2018–2019 file, then the idempotent re-run.
// `--only=quality` runs step 2 alone and keeps the latency figures of the previous results/latest.json.
// Results go to bench/candidates/results/latest.json and the table of bench/candidates/README.md.
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@app/config';
import { CANDIDATE_MODEL } from '@app/domain';
import { findProjectRoot } from '@app/reference';
import { DecpImporter } from '@app/tenders';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp } from '../../apps/api/src/http/configure-app';
import { evaluate, type RankingMetrics } from './quality';
import { qualityCases } from './refit';
import { prepareCatalogue } from './setup';

const ROOT = findProjectRoot();
const DECP_DIR = join(ROOT, 'data', 'decp');
const LATENCY_DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_candidates';
const QUALITY_DB = process.env.BENCH_QUALITY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_candidates_quality';

function arg(name: string, fallback: string): string {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}
const SIZE = Number(arg('size', '100000'));
const ROUNDS = Number(arg('rounds', '10'));
const ONLY = arg('only', '');
if (!['', 'quality'].includes(ONLY)) throw new Error(`--only=${ONLY}: only "quality" is known`);

const log = (line: string) => console.log(`[bench] ${line}`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Metropoles, mid-size cities, rural prefectures and overseas: the spread of serving structures. */
const PLACES = ['75056', '69123', '13055', '59350', '31555', '33063', '44109', '67482', '35238', '63113', '15014', '23096', '48095', '2A004', '97411'];

function tenderBody(communeCode: string) {
  return {
    title: `Services aux bâtiments publics (${communeCode})`,
    buyer: { name: 'Collectivité de test', kind: 'public' },
    cpvCodes: ['90910000'],
    executionCommuneCode: communeCode,
    responseDeadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    durationMonths: 36,
    lots: [
      { number: 1, title: 'Nettoyage des locaux', cpvCodes: ['90911200'], estimatedAmountEur: 240_000, prestationType: 'PREST', reservation: 'NONE', socialClause: { type: 'EXECUTION_CONDITION' } },
      { number: 2, title: 'Espaces verts (réservé SIAE)', cpvCodes: ['77310000'], estimatedAmountEur: 150_000, prestationType: 'PREST', reservation: 'L2113-13' },
      { number: 3, title: 'Renfort de personnel', cpvCodes: ['79620000'], estimatedAmountEur: 90_000, prestationType: 'DISP', reservation: 'NONE' },
    ],
  };
}

function request(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

async function machine(dataSource: { query: (q: string) => Promise<unknown[]> }) {
  const [{ server_version: version }] = (await dataSource.query('SHOW server_version')) as unknown as { server_version: string }[];
  return {
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGb: round(os.totalmem() / 2 ** 30, 0),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: version,
    loadBefore: os.loadavg()[0].toFixed(1),
    loadAfter: '',
  };
}

async function latency() {
  log(`catalogue of ${SIZE} structures (register + generated), DECP 2019 as evidence…`);
  const catalogue = await prepareCatalogue(LATENCY_DB, SIZE, { decpFile: join(DECP_DIR, 'decp-2018-2019.ndjson'), log: (l) => log(`  ${l}`) });
  const decpRerun = await new DecpImporter(catalogue.dataSource, { index: catalogue.reference }).importFile(join(DECP_DIR, 'decp-2018-2019.ndjson'));
  const host = await machine(catalogue.dataSource);
  await catalogue.dataSource.destroy();

  const config = { ...loadConfig({ ...process.env, NODE_ENV: 'production', DATABASE_URL: LATENCY_DB, JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256-0123' }), seedOnStart: false, demoStructures: 0 };
  const app: INestApplication = await NestFactory.create(ApiModule.forRoot(config), { logger: ['error', 'warn'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  try {
    const email = `bench-${Date.now()}@example.org`;
    const password = 'un mot de passe de bench';
    await request(port, 'POST', '/api/v1/auth/register', { email, password, role: 'buyer', displayName: 'Bench' });
    const login = await request(port, 'POST', '/api/v1/auth/login', { email, password });
    const auth = { authorization: `Bearer ${login.json.accessToken}` };
    const targets: { tender: string; lot: number; place: string }[] = [];
    for (const place of PLACES) {
      const created = await request(port, 'POST', '/api/v1/tenders', tenderBody(place), auth);
      if (created.status !== 201) throw new Error(`tender ${place}: ${JSON.stringify(created.json)}`);
      await request(port, 'POST', `/api/v1/tenders/${created.json.id}/publish`, undefined, auth);
      for (const lot of [1, 2, 3]) targets.push({ tender: created.json.id, lot, place });
    }
    const totals = new Map<string, number>();
    for (const t of targets) {
      const res = await request(port, 'GET', `/api/v1/tenders/${t.tender}/lots/${t.lot}/candidates?perPage=20&includeDemo=true`);
      totals.set(`${t.place}/${t.lot}`, res.json.total);
    }
    const times: number[] = [];
    const server: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) {
        const started = performance.now();
        const res = await request(port, 'GET', `/api/v1/tenders/${t.tender}/lots/${t.lot}/candidates?perPage=20&includeDemo=true`);
        times.push(performance.now() - started);
        if (res.status !== 200) throw new Error(`candidates ${res.status}`);
        server.push(res.json.tookMs);
      }
    }
    host.loadAfter = os.loadavg()[0].toFixed(1);
    times.sort((a, b) => a - b);
    server.sort((a, b) => a - b);
    const candidateCounts = [...totals.values()].sort((a, b) => a - b);
    const perPlace = Object.fromEntries(PLACES.map((p) => [p, [1, 2, 3].map((l) => totals.get(`${p}/${l}`))]));
    return {
      host,
      structures: catalogue.structures,
      catalogueMs: { register: catalogue.registerMs, generated: catalogue.generateMs },
      decp: { contracts: catalogue.decp?.contracts, firstRunMs: catalogue.decp?.ms, rerunMs: decpRerun.ms, rerunUnchanged: decpRerun.unchanged },
      requests: times.length,
      latencyMs: { median: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)), max: round(times[times.length - 1]) },
      serverMs: { median: round(percentile(server, 50)), p95: round(percentile(server, 95)) },
      candidatesPerLot: { min: candidateCounts[0], median: candidateCounts[Math.floor(candidateCounts.length / 2)], max: candidateCounts[candidateCounts.length - 1] },
      perPlace,
    };
  } finally {
    await app.close();
  }
}

async function quality() {
  log('quality: the real register, every DECP file as evidence; SIRET cases leave one out, SIREN cases held out, all leave one out…');
  const started = performance.now();
  const { cases, files } = await qualityCases();
  const collectedMs = performance.now() - started;
  const result = evaluate(cases, files, CANDIDATE_MODEL);
  return { ...result, runtimeMs: { collect: Math.round(collectedMs), evaluate: Math.round(performance.now() - started - collectedMs) } };
}

type LatencyResults = Awaited<ReturnType<typeof latency>>;

function writeReadme(results: { date: string; latencyDate: string; latency: LatencyResults; quality: Awaited<ReturnType<typeof quality>> }) {
  const { latency: l, quality: q } = results;
  const heldOut = q.heldOutModel;
  const pct = (x: number) => `${round(x * 100)} %`;
  const row = (name: string, m: RankingMetrics) => `| ${name} | ${pct(m.recallAt10)} | ${pct(m.recallAt20)} | ${pct(m.recallAt50)} | ${m.ndcgAt10.toFixed(3)} |`;
  const table = [
    `${results.latencyDate === results.date ? `Measured ${results.date}` : `Latency measured ${results.latencyDate}, quality ${results.date},`} on ${l.host.cpu}, ${l.host.memoryGb} GB, ${l.host.kernel}, Node ${l.host.node}, PostgreSQL ${l.host.postgres} (default settings, shared_buffers 128 MB); API (in the bench process), PostgreSQL and client on the same machine, shared with other work (load average ${l.host.loadBefore} before, ${l.host.loadAfter} after the latency run).`,
    '',
    '| structures | requests | median | p95 | p99 | max | server time median / p95 | candidates per lot (min / median / max) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${l.structures.toLocaleString('en')} | ${l.requests} | ${l.latencyMs.median} ms | ${l.latencyMs.p95} ms | ${l.latencyMs.p99} ms | ${l.latencyMs.max} ms | ${l.serverMs.median} / ${l.serverMs.p95} ms | ${l.candidatesPerLot.min} / ${l.candidatesPerLot.median} / ${l.candidatesPerLot.max} |`,
    '',
    `Quality (the real register only, no demo structure; ${round(q.runtimeMs.collect / 1000)} s to import and read the cases, ${round(q.runtimeMs.evaluate / 1000)} s to fit and rank):`,
    '',
    ...q.files.map(
      (f) =>
        `- ${f.file}: ${f.records.toLocaleString('en')} records → ${f.contracts.toLocaleString('en')} distinct contracts (not already counted) → ${f.evaluated} evaluated: ${f.bySiret} holders by SIRET, ${f.bySiren} by SIREN only (${f.noHolderInRegister.toLocaleString('en')} without a holder in the register by SIRET or SIREN, ${f.placeNotLocated} without a located place).`,
    ),
    '',
    `Held-out model: fitted on the ${heldOut.fittedOn} SIRET cases; ${heldOut.equalsShipped ? 'identical to the shipped `CANDIDATE_MODEL`' : `**differs from the shipped \`CANDIDATE_MODEL\`**: ${heldOut.differences.join('; ')}`}.`,
    '',
    ...q.groups.flatMap((g) => [
      `**${g.name}**: ${g.evaluated} contracts; the holder${g.protocol === 'held-out' ? ' (one of its establishments)' : ''} is a candidate at all (serves the place, may do the work) in ${pct(g.served)} of them.`,
      '',
      '| ranking | recall@10 | recall@20 | recall@50 | nDCG@10 |',
      '|---|---:|---:|---:|---:|',
      row('(a) distance only (every structure serving the place)', g.distance),
      row('(b) old score (hand weights, before issue 11)', g.oldScore),
      row(g.protocol === 'held-out' ? `(c) fitted model, fitted on the ${heldOut.fittedOn} SIRET cases only (held out)` : '(c) fitted model, leave one out', g.fitted),
      '',
    ]),
    `DECP 2018–2019 import (9,349 records → ${l.decp.contracts} contracts) into the 100k database: ${round((l.decp.firstRunMs ?? 0) / 1000)} s; idempotent re-run ${round(l.decp.rerunMs / 1000)} s (${l.decp.rerunUnchanged} unchanged).`,
  ].join('\n');
  const path = join(ROOT, 'bench', 'candidates', 'README.md');
  const readme = readFileSync(path, 'utf8');
  writeFileSync(path, readme.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, `<!-- results:start -->\n${table}\n<!-- results:end -->`));
}

async function main() {
  const latestPath = join(ROOT, 'bench', 'candidates', 'results', 'latest.json');
  const date = new Date().toISOString().slice(0, 10);
  let latencyResults: LatencyResults;
  let latencyDate = date;
  if (ONLY === 'quality') {
    const previous = JSON.parse(readFileSync(latestPath, 'utf8')) as { date: string; latencyDate?: string; latency: LatencyResults };
    latencyResults = previous.latency;
    latencyDate = previous.latencyDate ?? previous.date;
    log(`--only=quality: latency figures kept from ${latencyDate}`);
  } else {
    latencyResults = await latency();
    log(`latency: median ${latencyResults.latencyMs.median} ms, p95 ${latencyResults.latencyMs.p95} ms over ${latencyResults.requests} requests`);
  }
  const qualityResults = await quality();
  const { details, ...qualitySummary } = qualityResults;
  log(`quality (${qualitySummary.runtimeMs.collect} ms to collect, ${qualitySummary.runtimeMs.evaluate} ms to evaluate): ${JSON.stringify(qualitySummary.groups)}`);
  log(`held-out model equals the shipped CANDIDATE_MODEL: ${qualitySummary.heldOutModel.equalsShipped}${qualitySummary.heldOutModel.differences.map((d) => `\n  ${d}`).join('')}`);
  const results = { date, latencyDate, latency: latencyResults, quality: qualityResults };
  mkdirSync(join(ROOT, 'bench', 'candidates', 'results'), { recursive: true });
  writeFileSync(latestPath, JSON.stringify({ ...results, quality: { ...qualitySummary, details } }, null, 2));
  writeReadme(results);
  log('results in bench/candidates/results/latest.json and bench/candidates/README.md');
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
