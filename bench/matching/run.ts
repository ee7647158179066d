// Matching optimiser benchmark: time to the top 5 proposals (both forms) for tenders of 1, 5 and 10
// lots over 500, 2,000 and 10,000 candidates, against the greedy baseline. Writes the table into
// bench/matching/README.md. Run from the repository root:
//   npx tsc -p bench/matching/tsconfig.json && node dist/bench/matching/run.js [--reps 10] [--no-write]
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { greedyBaseline, loadHighsSolver, optimiseGroupings } from '../../libs/domain/src/optimiser';
import { CommuneSampler, generateInput } from './generator';

const LOT_COUNTS = [1, 5, 10];
const CANDIDATE_COUNTS = [500, 2_000, 10_000];
const WARM_UP_RUNS = 3;
const ROOT = join(__dirname, '..', '..', '..');
const COMMUNES_CSV = process.env.COMMUNES_CSV ?? join(ROOT, 'data', 'reference', 'communes.csv');
const README = join(ROOT, 'bench', 'matching', 'README.md');

interface CellResult {
  lots: number;
  candidates: number;
  optimiserMs: number[];
  optimiserCpuMs: number[];
  solverMs: number[];
  solves: number[];
  kept: number[];
  proposals: number[];
  greedyMs: number[];
  gapsPercent: number[];
  greedyMissed: number; // greedy found nothing where the MIP found a grouping
  maxRssMb: number;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

const median = (values: number[]): number => quantile(values, 0.5);

async function runCell(communes: CommuneSampler, lots: number, candidates: number, reps: number): Promise<CellResult> {
  const highs = await loadHighsSolver();
  const cell: CellResult = { lots, candidates, optimiserMs: [], optimiserCpuMs: [], solverMs: [], solves: [], kept: [], proposals: [], greedyMs: [], gapsPercent: [], greedyMissed: 0, maxRssMb: 0 };
  // Warm-up: V8 compiles the HiGHS Wasm lazily and tiers hot functions up; measure steady state.
  for (let warmUp = 0; warmUp < WARM_UP_RUNS; warmUp++) await optimiseGroupings(generateInput(990 + warmUp, communes, lots, candidates), highs);
  for (let rep = 0; rep < reps; rep++) {
    const input = generateInput(1_000 * lots + 10 * rep + candidates, communes, lots, candidates);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await optimiseGroupings(input, highs);
    cell.optimiserMs.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuBefore);
    cell.optimiserCpuMs.push((cpu.user + cpu.system) / 1000);
    cell.solverMs.push(result.stats.solveMs);
    cell.solves.push(result.stats.solves);
    cell.kept.push(result.stats.candidatesKept);
    cell.proposals.push(result.proposals.length);

    const greedyStarted = performance.now();
    const greedy = greedyBaseline(input);
    cell.greedyMs.push(performance.now() - greedyStarted);
    const best = result.proposals[0];
    if (best && greedy) cell.gapsPercent.push((100 * (best.objective - greedy.objective)) / Math.abs(best.objective));
    else if (best) cell.greedyMissed += 1;
  }
  cell.maxRssMb = process.resourceUsage().maxRSS / 1024;
  return cell;
}

const fmt = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function tableRow(c: CellResult): string {
  const med = median(c.optimiserMs);
  return [
    `${c.lots}`,
    c.candidates.toLocaleString('en-US'),
    fmt(median(c.kept)),
    fmt(med),
    fmt(quantile(c.optimiserMs, 0.95)),
    fmt(median(c.optimiserCpuMs)),
    fmt(median(c.solverMs)),
    fmt(median(c.solves)),
    `${fmt(median(c.proposals))}`,
    fmt(median(c.greedyMs), 1),
    c.gapsPercent.length > 0 ? `${fmt(median(c.gapsPercent), 1)} / ${fmt(Math.max(...c.gapsPercent), 1)}` : '—',
    `${c.greedyMissed}`,
    fmt(c.maxRssMb),
    fmt(60_000 / median(c.optimiserCpuMs)),
  ].join(' | ');
}

function machine(): string {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return `${cpus().length} vCPU (nproc), ${cpuModel.trim()}, Node ${process.version}, ${process.platform}/${process.arch}`;
}

function renderTable(cells: CellResult[], reps: number): string {
  return [
    `Machine: ${machine()}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (shared machine). ` +
      `${reps} generated instances per cell (seeded), topK = 5, both forms, maxMembers = 4, no anchor; run on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| lots | candidates | kept | median ms | p95 ms | CPU ms (median) | HiGHS ms (median) | solves | proposals | greedy ms | greedy gap % (median / max) | greedy found none | peak RSS MB | runs/min (1 core) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...cells.map((c) => `| ${tableRow(c)} |`),
  ].join('\n');
}

function writeIntoReadme(table: string): void {
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const readme = readFileSync(README, 'utf8');
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  writeFileSync(README, `${before}\n${table}\n${after}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const repsIndex = args.indexOf('--reps');
  const reps = repsIndex >= 0 ? Number(args[repsIndex + 1]) : 10;
  const communes = new CommuneSampler(COMMUNES_CSV);
  const cells: CellResult[] = [];
  for (const lots of LOT_COUNTS) {
    for (const candidates of CANDIDATE_COUNTS) {
      const cell = await runCell(communes, lots, candidates, reps);
      cells.push(cell);
      console.log(tableRow(cell));
    }
  }
  const table = renderTable(cells, reps);
  console.log(`\n${table}`);
  if (!args.includes('--no-write')) writeIntoReadme(table);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
