// Purchase analysis bench (issue 16), one command after a build:
//   npm run build && node dist/bench/purchase-analysis/run.js [--lines=10000] [--rounds=3]
// A fresh database with communes, the real 2020 register, 400 demo structures and the DECP 2018–19 contracts
// (evidence). Deterministic plans of `lines` purchases (2 % bad lines) are written as CSV and XLSX, then read
// and advised by the same code the API and the worker run (PurchaseAnalysesService.create, then .process).
// Two plans: a regional buyer (places drawn from 3 departments, 300 communes) and a national one (3,000
// communes all over France). Peak RSS is sampled every 20 ms. Results: results/latest.json and the README.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { findProjectRoot, type ReferenceIndex } from '@app/reference';
import { PurchaseAnalysesService } from '@app/tenders';
import { prepareAdviceDatabase } from '../advice/setup';

const ROOT = findProjectRoot();
const DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_purchases';
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const LINES = Number(arg('lines', '10000'));
const ROUNDS = Number(arg('rounds', '3'));
const log = (line: string) => console.log(`[purchases] ${line}`);

/** Common purchases of a local authority: cleaning, green spaces, catering, waste, works, IT, staff… */
const CPV = ['90911200', '90910000', '77310000', '77311000', '55523100', '55520000', '90500000', '90511000', '45442100', '45421000', '45310000', '45233141',
  '79620000', '79710000', '72000000', '79800000', '98341000', '60100000', '50110000', '39830000', '18100000', '90700000', '79530000', '92000000', '85312000',
  '79500000', '44110000', '30190000', '33141000', '98300000'];
const WORDS = ['nettoyage de locaux', 'entretien des espaces verts', 'restauration collective', 'collecte des déchets', 'travaux de peinture', 'blanchisserie', 'saisie de données'];

/** A tiny deterministic generator (mulberry32). */
function prng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function plan(reference: ReferenceIndex, lines: number, communes: string[], seed: number): string[][] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const rows: string[][] = [['Libellé', 'CPV ou mots', 'Montant annuel', 'Lieu']];
  for (let i = 1; i <= lines; i++) {
    const amount = Math.round(5000 * Math.pow(400, random())); // 5 k€ – 2 M€, log-uniform
    const subject = random() < 0.15 ? pick(WORDS) : pick(CPV);
    let place = pick(communes);
    let amountText = amount.toLocaleString('fr-FR');
    const flaw = random();
    if (flaw < 0.01) amountText = '';
    else if (flaw < 0.02) place = 'Commune inexistante';
    if (random() < 0.3) place = reference.commune(place)?.name ?? place; // some plans name the commune
    rows.push([`Achat ${i}`, subject, amountText, place]);
  }
  return rows;
}

async function main() {
  const { dataSource, reference, referenceService, advisor } = await prepareAdviceDatabase(DB, ['decp-2018-2019.ndjson']);
  const [{ id: ownerId }] = await dataSource.query(`INSERT INTO accounts (email, password_hash, role, display_name) VALUES ('bench@example.org', 'x', 'buyer', 'Bench') RETURNING id`);
  const owner = { id: ownerId as string, role: 'buyer' };

  const analyses = new PurchaseAnalysesService(dataSource, referenceService, advisor);

  const byPopulation = [...reference.allCommunes].sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
  const regional = byPopulation.filter((c) => ['69', '38', '42'].includes(c.department)).slice(0, 300).map((c) => c.code);
  const national = byPopulation.slice(0, 3000).map((c) => c.code);
  const dir = join(os.tmpdir(), `bench-purchases-${process.pid}`);
  mkdirSync(dir, { recursive: true });

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const runs: Record<string, unknown>[] = [];
  for (const [name, communes] of [['regional', regional], ['national', national]] as const) {
    const rows = plan(reference, LINES, communes, name === 'regional' ? 16 : 1616);
    const csv = join(dir, `${name}.csv`);
    writeFileSync(csv, rows.map((r) => r.join(';')).join('\n'));
    const xlsx = join(dir, `${name}.xlsx`);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx });
    const sheet = workbook.addWorksheet('Achats');
    for (const r of rows) sheet.addRow(r).commit();
    await workbook.commit();
    for (const [format, file] of [['csv', csv], ['xlsx', xlsx]] as const) {
      if (name === 'national' && format === 'xlsx') continue; // the format costs the same on either plan
      for (let round = 0; round < ROUNDS; round++) {
        peakRss = process.memoryUsage().rss;
        const t0 = Date.now();
        const created = await analyses.create(owner, `${name}.${format}`, file);
        const readMs = Date.now() - t0;
        const t1 = Date.now();
        await analyses.process(created.id, async () => undefined);
        const adviseMs = Date.now() - t1;
        const done = await analyses.get(created.id, owner);
        const run = { plan: name, format, round, lines: created.totalLines, bad: created.badLines, advised: done.processed, readMs, adviseMs, totalMs: readMs + adviseMs, peakRssMb: Math.round(peakRss / 2 ** 20), recommendations: done.recommendations };
        log(JSON.stringify(run));
        runs.push(run);
      }
    }
  }
  clearInterval(sampler);
  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
    lines: LINES,
    runs,
  };
  mkdirSync(join(ROOT, 'bench', 'purchase-analysis', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'purchase-analysis', 'results', 'latest.json'), JSON.stringify(result, null, 2));
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
