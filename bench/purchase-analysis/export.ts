// Purchase-analysis export bench: is the XLSX (and CSV) export's memory flat in the number of lines?
//   npm run build && node dist/bench/purchase-analysis/export.js [--lines=10000,100000]
// A fresh database (migrations only) gets one analysis per size, its lines advised with a realistic advice
// (three French reasons, evidence, articles), then the export is served over HTTP by the code the API runs
// (PurchaseAnalysesService.allLines batches into writeXlsx / writeCsv with the export's columns) and read by a
// client in the same process that writes it to disk. Peak RSS is sampled every 20 ms during each export; the
// XLSX file is then counted back with exceljs' streaming reader. Results: results/export-latest.json.
import 'reflect-metadata';
import { createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { adviceOptionLabel, type AdviceOption } from '@app/domain';
import { openDatabase } from '@app/persistence';
import { findProjectRoot } from '@app/reference';
import { PurchaseAnalysesService } from '@app/tenders';
import { purchaseExportColumns } from '../../apps/api/src/purchases/purchase-analyses.controller';
import { writeCsv, writeXlsx } from '../../apps/api/src/search/export-writer';
import { dropDatabase } from '../support/database';

const ROOT = findProjectRoot();
const DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_purchase_export';
const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SIZES = arg('lines', '10000,100000').split(',').map(Number);
const log = (line: string) => console.log(`[purchase-export] ${line}`);

const ADVICE = {
  recommendation: 'reserve_siae',
  reasons: [
    '3 SIAE (EI, ACI, AI, ETTI) éligibles servent le lieu d’exécution et font ce métier (seuil : 3).',
    'Une structure peut prendre le lot seule : il représenterait 12 % de son chiffre d’affaires (au plus 30 %).',
    'Capacité inconnue pour 1 structure (chiffre d’affaires non déclaré).',
  ],
  articles: ['L2113-13', 'R2113-7'],
  evidence: { eligibleServing: { siae: 3, disability: 0, geiq: 0 }, withKnownCapacity: 2, capacityCoverage: 1.8, dependencyRatio: 0.12, pastContractsNearby: 4 },
  insertionHours: { hours: 900, yearlyHours: 450 },
};

async function main() {
  await dropDatabase(DB);
  const dataSource = await openDatabase(DB);
  const [{ id: ownerId }] = await dataSource.query(`INSERT INTO accounts (email, password_hash, role, display_name) VALUES ('bench@example.org', 'x', 'buyer', 'Bench') RETURNING id`);
  const owner = { id: ownerId as string, role: 'buyer' };
  const analyses = new PurchaseAnalysesService(dataSource, {} as never, {} as never);
  const label = (o: string) => adviceOptionLabel(o as AdviceOption);

  const ids = new Map<number, string>();
  for (const lines of SIZES) {
    const [{ id }] = await dataSource.query(`INSERT INTO purchase_analyses (owner_id, file_name, status, total_lines, bad_lines, processed) VALUES ($1, $2, 'succeeded', $3, $4, $5) RETURNING id`, [
      ownerId, `plan-${lines}.csv`, lines, Math.floor(lines / 50), lines - Math.floor(lines / 50),
    ]);
    // One line in 50 is bad (no advice, a problem), the others advised.
    await dataSource.query(
      `INSERT INTO purchase_analysis_lines (analysis_id, line_number, label, subject, amount_eur, place, commune_code, cpv_codes, sectors, problem, recommendation, advice)
       SELECT $1, n + 1, 'Nettoyage des locaux, lot ' || n, '90911200', 5000 + (n * 37) % 200000, 'Lyon', '69123', '{90911200}', '{nettoyage-locaux}',
              CASE WHEN n % 50 = 0 THEN 'lieu inconnu : « Atlantide »' END,
              CASE WHEN n % 50 <> 0 THEN 'reserve_siae' END,
              CASE WHEN n % 50 <> 0 THEN $2::jsonb END
         FROM generate_series(1, $3) AS n`,
      [id, JSON.stringify(ADVICE), lines],
    );
    ids.set(lines, id);
  }
  await dataSource.query('ANALYZE purchase_analysis_lines');

  // The API's path: batches of 1,000 lines from PostgreSQL into the streaming writer, held back by the socket.
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://bench');
    const batches = analyses.allLines(url.searchParams.get('id')!, owner);
    void (async () => {
      const first = await batches.next();
      const rows = first.done ? [] : first.value;
      if (url.searchParams.get('format') === 'xlsx') await writeXlsx(res as unknown as Response, purchaseExportColumns(label), batches, rows, 'Analyse des achats');
      else await writeCsv(res as unknown as Response, purchaseExportColumns(label), batches, rows);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = join(os.tmpdir(), `bench-purchase-export-${process.pid}`);
  mkdirSync(dir, { recursive: true });

  const runs: Record<string, unknown>[] = [];
  for (const format of ['xlsx', 'csv'] as const) {
    for (const lines of SIZES) {
      global.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const file = join(dir, `export-${lines}.${format}`);
      const t0 = Date.now();
      await new Promise<void>((resolve, reject) =>
        http.get(`http://127.0.0.1:${port}/?id=${ids.get(lines)}&format=${format}`, (res) => pipeline(res, createWriteStream(file)).then(resolve, reject)).on('error', reject),
      );
      const ms = Date.now() - t0;
      clearInterval(sampler);
      let rowsBack: number | null = null;
      if (format === 'xlsx') {
        rowsBack = 0;
        for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'ignore', styles: 'ignore', hyperlinks: 'ignore', worksheets: 'emit' })) {
          for await (const _row of sheet as AsyncIterable<unknown>) rowsBack++;
        }
      }
      const run = { format, lines, ms, bytes: statSync(file).size, rowsBack, rssBeforeMb: Math.round(before / 2 ** 20), peakRssMb: Math.round(peak / 2 ** 20), growthMb: Math.round((peak - before) / 2 ** 20) };
      log(JSON.stringify(run));
      runs.push(run);
    }
  }
  server.close();
  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
    runs,
  };
  mkdirSync(join(ROOT, 'bench', 'purchase-analysis', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'purchase-analysis', 'results', 'export-latest.json'), JSON.stringify(result, null, 2));
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
