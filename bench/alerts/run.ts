// Publication alerts bench (issue 15), one command after a build: `node dist/bench/alerts/run.js`.
// A catalogue of 100,000 structures (the candidates bench's: communes, the real 2020 register, the search
// bench's deterministic generator), then ownership as a live service would have it: generated rows become
// self-registered ("self", not demo) and 30 % of every structure gets an owner (accounts owning 2 each),
// plus 500 saved searches. For each of 12 places, a tender of 10 lots (varied sectors, 2 reserved) is
// published and the worker's fan-out (AlertFanout.announceNext: ranking of every lot, ledger, in-app
// notifications and e-mail outbox rows, in one transaction) runs in this process. Measured per tender:
// wall time, SQL statements sent (counted at TypeORM's query runner), notifications written; peak RSS.
// Results: bench/alerts/results/latest.json and the table of bench/alerts/README.md.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { NotificationsService } from '@app/bids';
import { loadConfig } from '@app/config';
import { AlertFanout } from '@app/marketplace';
import { findProjectRoot } from '@app/reference';
import { candidatesServices, prepareCatalogue } from '../candidates/setup';

const ROOT = findProjectRoot();
const DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_alerts';
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SIZE = Number(arg('size', '100000'));
const PER_LOT = Number(arg('per-lot', '20'));
const OWNED_SHARE = 0.3;

const log = (line: string) => console.log(`[bench] ${line}`);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const PLACES = ['75056', '69123', '13055', '59350', '31555', '33063', '44109', '67482', '35238', '63113', '23096', '97411'];
const LOTS: [string, string, string, string][] = [
  ['Nettoyage des locaux', 'nettoyage-locaux', 'NONE', 'PREST'],
  ['Espaces verts', 'entretien-espaces-verts', 'L2113-13', 'PREST'],
  ['Élagage', 'elagage-abattage', 'NONE', 'PREST'],
  ['Peinture', 'peinture', 'NONE', 'PREST'],
  ['Nettoyage des vitres', 'nettoyage-vitres', 'NONE', 'PREST'],
  ['Fleurissement', 'fleurissement', 'L2113-12', 'PREST'],
  ['Menuiserie', 'menuiserie-batiment', 'NONE', 'PREST'],
  ['Électricité', 'electricite', 'NONE', 'PREST'],
  ['Propreté urbaine', 'proprete-urbaine', 'NONE', 'PREST'],
  ['Plâtrerie', 'platrerie-cloisons', 'NONE', 'PREST'],
];

function tenderBody(communeCode: string) {
  return {
    title: `Entretien et travaux des bâtiments publics (${communeCode})`,
    buyer: { name: 'Collectivité de test', kind: 'public' as const },
    cpvCodes: ['90910000'],
    executionCommuneCode: communeCode,
    responseDeadline: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    durationMonths: 36,
    lots: LOTS.map(([title, sector, reservation, prestationType], i) => ({
      number: i + 1,
      title,
      sectors: [sector],
      estimatedAmountEur: 80_000 + 20_000 * i,
      prestationType: prestationType as 'PREST',
      reservation: reservation as 'NONE',
    })),
  };
}

async function main() {
  const started = Date.now();
  const catalogue = await prepareCatalogue(DB, SIZE, { log });
  const { dataSource, reference } = catalogue;
  log(`catalogue: ${catalogue.structures} structures in ${Math.round((Date.now() - started) / 1000)} s`);

  // Ownership: generated rows are "self" (a demo row is never alerted), 30 % owned, two per account.
  await dataSource.query(`UPDATE structures SET source = 'self' WHERE source = 'demo'`);
  await dataSource.query(
    `WITH picked AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY md5(id::text)) AS n FROM structures WHERE random() < $1),
          made AS (
            INSERT INTO accounts (email, password_hash, role, display_name)
            SELECT 'owner' || g || '@bench.example', 'x', 'supplier', 'Propriétaire ' || g
              FROM generate_series(1, (SELECT ceil(count(*) / 2.0)::int FROM picked)) g
            RETURNING id, email),
          numbered AS (SELECT id, row_number() OVER (ORDER BY email) AS n FROM made)
     UPDATE structures s SET owner_id = a.id FROM picked p JOIN numbered a ON a.n = (p.n + 1) / 2 WHERE s.id = p.id`,
    [OWNED_SHARE],
  );
  const [{ owned }] = await dataSource.query(`SELECT count(*)::int AS owned FROM structures WHERE owner_id IS NOT NULL`);
  // Saved searches: cleaning in one of six departments, half at once, half in the daily digest.
  await dataSource.query(
    `INSERT INTO alert_profiles (account_id, name, sectors, departments, frequency)
     SELECT id, 'Alerte ' || n, ARRAY['nettoyage-locaux'], ARRAY[(ARRAY['75','69','13','59','31','33'])[1 + n % 6]], CASE WHEN n % 2 = 0 THEN 'immediate' ELSE 'daily' END
       FROM (SELECT id, row_number() OVER (ORDER BY email) AS n FROM accounts WHERE email LIKE 'owner%') a WHERE n <= 500`,
  );
  const [buyer] = await dataSource.query(`INSERT INTO accounts (email, password_hash, role, display_name) VALUES ('buyer@bench.example', 'x', 'buyer', 'Acheteur') RETURNING id`);
  await dataSource.query('ANALYZE');
  log(`${owned} structures owned, 500 saved searches`);

  const config = { ...loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789' }), smtpUrl: 'smtp://127.0.0.1:2525', alerts: { perLot: PER_LOT, sweepEveryMs: 1000 } };
  const { tenders, candidates } = candidatesServices(dataSource, reference);
  const fanout = new AlertFanout(dataSource, tenders, candidates, new NotificationsService(dataSource, config), config);
  const actor = { id: buyer.id as string, role: 'buyer' };

  let queries = 0;
  const original = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, ...args: Parameters<typeof original>) {
    queries += 1;
    return original.apply(this, args);
  } as typeof original;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  const rows: { place: string; ms: number; queries: number; candidateAlerts: number; profileAlerts: number; queuedForDigest: number; emails: number }[] = [];
  for (const [index, place] of [PLACES[0], ...PLACES].entries()) {
    const tender = await tenders.create(tenderBody(place), actor);
    await tenders.publish(tender.id, actor);
    queries = 0;
    const t0 = performance.now();
    const result = await fanout.announceNext();
    const ms = performance.now() - t0;
    const [{ emails }] = await dataSource.query(`SELECT count(*)::int AS emails FROM notifications WHERE tender_id = $1 AND email_status = 'pending'`, [tender.id]);
    if (index === 0) {
      log(`warm-up ${place}: ${Math.round(ms)} ms`);
      continue; // warm-up: caches of the candidates service, plans
    }
    rows.push({ place, ms: Math.round(ms), queries, candidateAlerts: result!.candidateAlerts, profileAlerts: result!.profileAlerts, queuedForDigest: result!.queuedForDigest, emails });
    log(`${place}: ${Math.round(ms)} ms, ${queries} queries, ${result!.candidateAlerts} owners alerted, ${result!.profileAlerts} saved searches at once, ${result!.queuedForDigest} for digests`);
  }
  clearInterval(sampler);
  PostgresQueryRunner.prototype.query = original;

  const times = rows.map((r) => r.ms).sort((a, b) => a - b);
  const q = rows.map((r) => r.queries).sort((a, b) => a - b);
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version },
    structures: catalogue.structures,
    owned,
    perLot: PER_LOT,
    lots: LOTS.length,
    tenders: rows.length,
    fanoutMs: { median: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] },
    queries: { median: percentile(q, 50), max: q[q.length - 1] },
    peakRssMb: Math.round(peakRss / 1e6),
    rows,
  };
  mkdirSync(join(ROOT, 'bench', 'alerts', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'alerts', 'results', 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  log(JSON.stringify({ ...summary, rows: undefined }));
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
