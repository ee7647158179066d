// The imports bench, one command (after `npm run build`): `node dist/bench/imports/run.js`.
// Generates 10× copies of the real DECP 2018–2019 file (NDJSON, and the same records as one JSON document)
// and of the real 2020 SIAE register (CSV) in a temp dir, with changed ids so every copy is new data, then
// runs each CLI import as its npm script runs it (`npm run import:decp`, `import:register`: node flags included)
// as a child process on a fresh database holding only the communes, and reads the child's peak RSS (VmHWM, /proc/<pid>/status).
// Constant memory means the 10× peak RSS is about the 1× one.
// Results go to bench/imports/results/latest.json and a table on stdout (copied into README.md).
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse/sync';
import { isValidSiret, normaliseSiret } from '@app/domain';
import { openDatabase } from '@app/persistence';
import { REFERENCE_DATA_DIR, ReferenceIndex, findProjectRoot, seedCommunes } from '@app/reference';
import { dropDatabase } from '../support/database';

const ROOT = findProjectRoot();
const DECP_FILE = join(ROOT, 'data', 'decp', 'decp-2018-2019.ndjson');
const REGISTER_FILE = join(REFERENCE_DATA_DIR, 'siae-register-2020.csv');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_imports';
const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const FACTOR = arg('factor', 10);
const POLL_MS = 20;

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function closed(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/**
 * DECP × factor: copy 0 is the real file; copy k changes every record (id suffixed `~k`, and a `benchCopy`
 * field so records without id differ too). Repeats and variants inside a copy stay what they were.
 */
async function replicateDecp(dir: string, factor: number): Promise<{ ndjson: string; json: string; records: number }> {
  const ndjson = join(dir, `decp-x${factor}.ndjson`);
  const json = join(dir, `decp-x${factor}.json`);
  const lines = createWriteStream(ndjson);
  const document = createWriteStream(json);
  await write(document, '{"marches":{"marche":[\n');
  let records = 0;
  for (let k = 0; k < factor; k++) {
    for await (const line of createInterface({ input: createReadStream(DECP_FILE, 'utf8'), crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      if (k > 0) {
        if (record.id !== null && record.id !== undefined && String(record.id).trim()) record.id = `${String(record.id)}~${k}`;
        record.benchCopy = k;
      }
      const text = JSON.stringify(record);
      await write(lines, `${text}\n`);
      await write(document, `${records ? ',\n' : ''}${text}`);
      records++;
    }
  }
  await write(document, '\n]}}\n');
  await Promise.all([closed(lines), closed(document)]);
  return { ndjson, json, records };
}

/** Same SIREN, NIC `k` + a key digit keeping the original's validity (so flag counts scale too). */
function copySiret(siret: string, k: number): string {
  const digits = normaliseSiret(siret);
  if (!/^\d{14}$/.test(digits)) return siret;
  const valid = isValidSiret(digits);
  const stem = `${digits.slice(0, 9)}${String(k).padStart(4, '9')}`;
  for (let d = 0; d <= 9; d++) if (isValidSiret(`${stem}${d}`) === valid) return `${stem}${d}`;
  return `${stem}0`;
}

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

async function replicateRegister(dir: string, factor: number): Promise<{ file: string; rows: number }> {
  const rows = parse(readFileSync(REGISTER_FILE), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  const columns = Object.keys(rows[0]);
  const file = join(dir, `register-x${factor}.csv`);
  const out = createWriteStream(file);
  await write(out, `${columns.join(',')}\n`);
  for (let k = 0; k < factor; k++) {
    for (const row of rows) {
      const copy = k === 0 ? row : { ...row, siret: copySiret(row.siret, k) };
      await write(out, `${columns.map((c) => csvField(copy[c] ?? '')).join(',')}\n`);
    }
  }
  await closed(out);
  return { file, rows: rows.length * factor };
}

/** A database with only the communes, as a first import finds it after `npm start`'s first step. */
async function freshDatabase(reference: ReferenceIndex): Promise<void> {
  await dropDatabase(DATABASE_URL);
  const dataSource = await openDatabase(DATABASE_URL);
  try {
    await seedCommunes(dataSource, reference.allCommunes);
  } finally {
    await dataSource.destroy();
  }
}

function peakRssKb(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null; // exited between two polls
  }
}

interface RunResult {
  name: string;
  file: string;
  megabytes: number;
  rows: number;
  wallMs: number;
  peakRssMb: number;
  output: string;
}

/** The node arguments of an npm script ("node <flags> dist/…js"): the bench runs what `npm run` runs. */
function npmScript(name: string): string[] {
  const command = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[name];
  const [node, ...args] = command.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`npm script ${name} does not start with node: ${command}`);
  return args;
}

/** Runs a CLI's npm script as a child process, polling its VmHWM (the kernel's own peak RSS) until it exits. */
async function runCli(name: string, script: string, file: string, rows: number, v8Defaults = false): Promise<RunResult> {
  const started = Date.now();
  const args = npmScript(script).filter((a) => !(v8Defaults && a.startsWith('--')));
  const child = spawn(process.execPath, [...args, file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL, SEARCH_ENGINE: process.env.SEARCH_ENGINE ?? 'postgres' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakRssKb(child.pid!) ?? 0)), POLL_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${output}`);
  return { name, file, megabytes: statSync(file).size / 1e6, rows, wallMs: Date.now() - started, peakRssMb: peak / 1024, output };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-imports-'));
  const reference = await ReferenceIndex.load();
  const results: RunResult[] = [];
  try {
    console.log(`[bench] generating ×${FACTOR} inputs in ${dir}`);
    const decp = await replicateDecp(dir, FACTOR);
    const register = await replicateRegister(dir, FACTOR);
    const decpRecords = decp.records / FACTOR;
    // The last field drops the npm script's heap flags: what V8's defaults do with the same streaming code.
    const runs: [string, string, string, number, boolean?][] = [
      ['DECP NDJSON ×1', 'import:decp', DECP_FILE, decpRecords],
      [`DECP NDJSON ×${FACTOR}`, 'import:decp', decp.ndjson, decp.records],
      [`DECP NDJSON ×${FACTOR}, V8 default heap flags`, 'import:decp', decp.ndjson, decp.records, true],
      [`DECP JSON document ×${FACTOR}`, 'import:decp', decp.json, decp.records],
      ['Register CSV ×1', 'import:register', REGISTER_FILE, register.rows / FACTOR],
      [`Register CSV ×${FACTOR}`, 'import:register', register.file, register.rows],
    ];
    for (const [name, script, file, rows, v8Defaults] of runs) {
      await freshDatabase(reference);
      const result = await runCli(name, script, file, rows, v8Defaults);
      results.push(result);
      console.log(`[bench] ${name}: ${rows} rows in ${(result.wallMs / 1000).toFixed(1)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const table = [
    '| Import | File (MB) | Rows | Time (s) | Peak RSS (MB) |',
    '|---|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.megabytes.toFixed(1)} | ${r.rows.toLocaleString('en-US')} | ${(r.wallMs / 1000).toFixed(1)} | ${r.peakRssMb.toFixed(0)} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  const resultsDir = join(ROOT, 'bench', 'imports', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'latest.json'),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        factor: FACTOR,
        runs: results.map(({ output, file: _file, ...r }) => ({ ...r, summary: output.trim().split('\n').slice(-14) })),
      },
      null,
      2,
    ),
  );
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  });
