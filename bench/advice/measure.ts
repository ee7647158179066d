// The advisor measured on real contracts (issue 16), one command after a build:
//   npm run build && node dist/bench/advice/measure.js
// A fresh database with communes, the real 2020 SIAE register, the product's demo EA/ESAT (they must never
// count) and the DECP 2018–2019 contracts. Then:
// 1. Contracts won by register structures (a holder's SIRET is in the register): each lot is advised as if it
//    were being prepared, with the contract itself and every contract of the same buyer left out of the
//    evidence. Its holder was an inclusive structure, so "none" is a miss. The thresholds were set from their
//    rationale (libs/domain/src/lot-advice.ts) before this ran and were not changed after: every contract is
//    held out. Such contracts are those of decp-inclusive-holders-dev.ndjson (the main file has none whose
//    holder SIRET is in the register); repeats (same buyer, holders, CPV and place) count once.
// 2. Ordinary contracts (no holder in the catalogue), every 5th: how often a reservation is recommended in a
//    place where no eligible structure serves (must be 0), or where none does the lot's trade.
// Baseline, same run: a count rule in the manner of « potentiel inclusif » — reserve to SIAE when ≥ 3 SIAE
// serve the place (any trade, capacity ignored), else an execution clause when ≥ 1 inclusive structure does,
// else nothing.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { findProjectRoot } from '@app/reference';
import type { CandidatePlace } from '@app/tenders';
import type { AdviceOption, AdviceStructure, PrestationType } from '@app/domain';
import { prepareAdviceDatabase } from './setup';

const ROOT = findProjectRoot();
const DB = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/inclusion_bench_advice';
const ORDINARY_EVERY = 5;
const log = (line: string) => console.log(`[advice] ${line}`);

interface LotRow {
  tender_id: string;
  external_id: string;
  lot_number: number;
  cpv_codes: string[];
  effective_sectors: string[];
  amount: number | null;
  duration: number | null;
  prestation_type: PrestationType;
  commune_code: string | null;
  department: string;
  region: string;
  lat: number;
  lon: number;
  precision: string;
  buyer_siret: string | null;
  inclusive_holder: boolean;
  holders: string | null;
}

const SIAE_KINDS = ['EI', 'ETTI', 'AI', 'ACI'];
const DISABILITY_KINDS = ['EA', 'ESAT'];
const INCLUSIVE_OUTCOMES: AdviceOption[] = ['reserve_siae', 'reserve_disability', 'social_clause'];

function baseline(serving: readonly AdviceStructure[]): AdviceOption {
  if (serving.filter((s) => SIAE_KINDS.includes(s.kind)).length >= 3) return 'reserve_siae';
  return serving.length > 0 ? 'social_clause' : 'none';
}

async function main() {
  const { dataSource, advisor, decp: [decp, inclusiveFile] } = await prepareAdviceDatabase(DB, ['decp-2018-2019.ndjson', 'decp-inclusive-holders-dev.ndjson']);
  log(`catalogue ready; DECP ${decp.contracts} contracts`);

  const rows: LotRow[] = await dataSource.query(`
    SELECT t.id AS tender_id, t.external_id, l.number AS lot_number, l.cpv_codes, l.effective_sectors, l.estimated_amount_eur AS amount,
           t.duration_months AS duration, l.prestation_type, t.execution_commune_code AS commune_code, t.execution_department AS department,
           t.execution_region AS region, t.execution_lat AS lat, t.execution_lon AS lon, t.execution_precision AS precision,
           coalesce(t.buyer->>'siret', t.import_details->>'buyerId') AS buyer_siret,
           (SELECT string_agg(coalesce(h.siret, h.identifier, ''), '+' ORDER BY h.siret) FROM contract_holders h WHERE h.tender_id = t.id AND h.lot_number = l.number) AS holders,
           EXISTS (SELECT 1 FROM contract_holders h JOIN structures s ON s.siret = h.siret AND s.source = 'register'
                   WHERE h.tender_id = t.id AND h.lot_number = l.number) AS inclusive_holder
    FROM tenders t JOIN tender_lots l ON l.tender_id = t.id
    WHERE t.source <> 'manual' AND t.execution_lat IS NOT NULL AND t.execution_department IS NOT NULL AND t.execution_region IS NOT NULL
    ORDER BY t.external_id, l.number`);
  const [{ unlocated }] = await dataSource.query(`
    SELECT count(*)::int AS unlocated FROM tenders t JOIN tender_lots l ON l.tender_id = t.id
    WHERE t.source <> 'manual' AND (t.execution_lat IS NULL OR t.execution_department IS NULL)
      AND EXISTS (SELECT 1 FROM contract_holders h JOIN structures s ON s.siret = h.siret AND s.source = 'register' WHERE h.tender_id = t.id AND h.lot_number = l.number)`);

  const tally = () => ({ n: 0, advisor: {} as Record<string, number>, baseline: {} as Record<string, number>, advisorHits: 0, advisorAllowed: 0, baselineHits: 0, knownCapacity: 0 });
  const inclusive = tally();
  const seen = new Set<string>();
  let repeats = 0;
  const ordinary = { ...tally(), reserveWithoutEligible: 0, reserveWithoutEligibleOfTrade: 0, baselineReserveWithoutEligibleOfTrade: 0 };
  const examples: { title: string; recommendation: string; baseline: string; reasons: string }[] = [];
  let ordinaryIndex = 0;
  const started = Date.now();
  const timings: number[] = [];

  for (const row of rows) {
    if (!row.inclusive_holder && ordinaryIndex++ % ORDINARY_EVERY !== 0) continue;
    if (row.inclusive_holder) {
      const key = `${row.buyer_siret}|${row.holders}|${row.cpv_codes[0] ?? ''}|${row.commune_code ?? row.department}`;
      if (seen.has(key)) {
        repeats++;
        continue;
      }
      seen.add(key);
    }
    const place: CandidatePlace = {
      communeCode: row.commune_code,
      location: { lat: row.lat, lon: row.lon },
      department: row.department,
      region: row.region,
      scope: row.precision === 'department' ? 'department' : 'commune',
    };
    const t0 = performance.now();
    const advice = await advisor.adviseAt(
      place,
      { sectors: row.effective_sectors, cpvCodes: row.cpv_codes, prestationType: row.prestation_type, amountEur: row.amount ?? 0, durationMonths: row.duration },
      { excludeTenderIds: [row.tender_id], excludeBuyerSirets: row.buyer_siret ? [row.buyer_siret] : [] },
    );
    timings.push(performance.now() - t0);
    const serving = await advisor.servingStructures(place);
    const base = baseline(serving);
    const target = row.inclusive_holder ? inclusive : ordinary;
    target.n++;
    target.advisor[advice.recommendation] = (target.advisor[advice.recommendation] ?? 0) + 1;
    target.baseline[base] = (target.baseline[base] ?? 0) + 1;
    if (INCLUSIVE_OUTCOMES.includes(advice.recommendation)) target.advisorHits++;
    if ([advice.recommendation, ...advice.alternatives.filter((a) => a.allowed).map((a) => a.option)].some((o) => INCLUSIVE_OUTCOMES.includes(o))) target.advisorAllowed++;
    if (INCLUSIVE_OUTCOMES.includes(base)) target.baselineHits++;
    if (advice.evidence.withKnownCapacity > 0) target.knownCapacity++;
    if (!row.inclusive_holder) {
      const eligibleKinds = advice.recommendation === 'reserve_siae' ? SIAE_KINDS : DISABILITY_KINDS;
      const reserved = advice.recommendation === 'reserve_siae' || advice.recommendation === 'reserve_disability';
      if (reserved && !serving.some((s) => eligibleKinds.includes(s.kind))) ordinary.reserveWithoutEligible++;
      const ofTrade = reserved && (advice.recommendation === 'reserve_siae' ? advice.evidence.eligibleServing.siae : advice.evidence.eligibleServing.disability) === 0;
      if (ofTrade) ordinary.reserveWithoutEligibleOfTrade++;
      if (base === 'reserve_siae' && advice.evidence.eligibleServing.siae === 0) ordinary.baselineReserveWithoutEligibleOfTrade++;
    } else {
      const [{ title }] = await dataSource.query(`SELECT title FROM tenders WHERE id = $1`, [row.tender_id]);
      examples.push({ title: String(title).slice(0, 70), recommendation: advice.recommendation, baseline: base, reasons: advice.reasons.join(' ') });
    }
  }
  timings.sort((a, b) => a - b);
  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
    decpContracts: decp.contracts,
    inclusiveFileContracts: inclusiveFile.contracts,
    inclusiveRepeats: repeats,
    inclusiveUnlocated: unlocated,
    inclusive,
    ordinary: { ...ordinary, sampledEvery: ORDINARY_EVERY },
    examples,
    adviceMs: { median: timings[Math.floor(timings.length / 2)], p95: timings[Math.floor(timings.length * 0.95)], total: Date.now() - started },
  };
  mkdirSync(join(ROOT, 'bench', 'advice', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'advice', 'results', 'measure.json'), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
