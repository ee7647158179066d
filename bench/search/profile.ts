// Per-query profile of the workload on the bench database (no HTTP): for each of the 58 queries, the wall time
// of the adapter's search() (best of N), the statements it runs, and optionally EXPLAIN (ANALYZE, BUFFERS) of the
// slowest statements. `npm run build && node dist/bench/search/profile.js [--rounds=5] [--explain=12] [--cache=0]`.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { openDatabase } from '@app/persistence';
import { PlaceRef, SearchQuery, searchQuery } from '@app/search';
import { PostgresSearchIndex } from '../../libs/search/src/postgres/postgres-search-index';
import { WORKLOAD, WorkloadQuery } from './workload';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_search';
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const ROUNDS = Number(arg('rounds', '5'));
const EXPLAIN = Number(arg('explain', '0'));
/** `--cache=0`: without the caches of text plans and facet counts (every request as on its first time). */
const CACHE = arg('cache', '');

async function place(dataSource: DataSource, code: string): Promise<PlaceRef> {
  const [c] = await dataSource.query(`SELECT code, name, department, region, lat, lon FROM communes WHERE code = $1`, [code]);
  return { code: c.code, name: c.name, department: c.department, region: c.region, location: { lat: c.lat, lon: c.lon } };
}

async function toQuery(dataSource: DataSource, w: WorkloadQuery): Promise<SearchQuery> {
  const list = (k: string) => (w[k] === undefined ? undefined : String(w[k]).split(','));
  return searchQuery({
    q: w.q as string | undefined,
    kinds: list('kinds') as SearchQuery['kinds'],
    sectors: list('sectors'),
    prestationTypes: list('prestationTypes') as SearchQuery['prestationTypes'],
    departments: list('departments'),
    regions: list('regions'),
    servesCommune: w.servesCommune ? await place(dataSource, String(w.servesCommune)) : undefined,
    near: w.near ? await place(dataSource, String(w.near)) : undefined,
    radiusKm: w.radiusKm as number | undefined,
    openToCoContracting: w.openToCoContracting as boolean | undefined,
    minAnnualRevenueEur: w.minAnnualRevenueEur as number | undefined,
    sort: (w.sort as SearchQuery['sort']) ?? 'relevance',
    page: (w.page as number) ?? 1,
    perPage: (w.perPage as number) ?? 20,
    facets: (list('facets') ?? []) as SearchQuery['facets'],
    inclusiveOnly: true,
  });
}

async function main() {
  const dataSource = await openDatabase(DATABASE_URL);
  const statements: { sql: string; params: unknown[]; ms: number }[] = [];
  const original = dataSource.query.bind(dataSource);
  (dataSource as { query: unknown }).query = async (sql: string, params?: unknown[]) => {
    const t0 = performance.now();
    const result = await original(sql, params);
    statements.push({ sql, params: params ?? [], ms: performance.now() - t0 });
    return result;
  };
  const index = new PostgresSearchIndex(dataSource, CACHE ? { cacheSize: Number(CACHE) } : {});
  const rows: { i: number; query: string; best: number; total: number; statements: { sql: string; params: unknown[]; ms: number }[] }[] = [];
  for (let i = 0; i < WORKLOAD.length; i++) {
    const query = await toQuery(dataSource, WORKLOAD[i]);
    let best = Infinity;
    let kept: typeof statements = [];
    let total = 0;
    for (let r = 0; r < ROUNDS; r++) {
      statements.length = 0;
      const t0 = performance.now();
      const result = await index.search(query);
      const ms = performance.now() - t0;
      total = result.total;
      if (ms < best) {
        best = ms;
        kept = [...statements];
      }
    }
    rows.push({ i, query: JSON.stringify(WORKLOAD[i]), best, total, statements: kept });
  }
  const sum = rows.reduce((s, r) => s + r.best, 0);
  console.log(`sum of best times over ${rows.length} queries: ${sum.toFixed(1)} ms (mean ${(sum / rows.length).toFixed(2)} ms)`);
  for (const r of [...rows].sort((a, b) => b.best - a.best)) {
    console.log(`${r.best.toFixed(1).padStart(6)} ms  total ${String(r.total).padStart(6)}  #${r.i} ${r.query}  [${r.statements.map((s) => s.ms.toFixed(1)).join(', ')}]`);
  }
  for (const r of [...rows].sort((a, b) => b.best - a.best).slice(0, EXPLAIN)) {
    const heavy = [...r.statements].sort((a, b) => b.ms - a.ms).slice(0, 2);
    for (const s of heavy) {
      console.log(`\n===== #${r.i} ${r.query} (${s.ms.toFixed(1)} ms)\n${s.sql}\n${JSON.stringify(s.params)}`);
      const plan: { 'QUERY PLAN': string }[] = await original(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
      console.log(plan.map((p) => p['QUERY PLAN']).join('\n'));
    }
  }
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
