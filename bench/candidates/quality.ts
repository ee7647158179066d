// Candidate quality on real contracts, leave one out. Each distinct 2018–2019 contract of data/decp whose
// holder is in the 2020 register (by SIRET) becomes a one-lot target (its CPV → sectors, place, amount,
// duration, title, buyer); its candidates are read through CandidatesService exactly as the API reads them,
// with past-contract evidence from the imported DECP files minus the contract's own consultation (same
// buyer, same notification date). Three rankings of the same case, in one run:
//   (a) distance only: every structure serving the place (no sector knowledge), nearest first;
//   (b) the old hand-weighted score (legacy-scoring.ts);
//   (c) the fitted model, leave one out: weights fitted on every other contract, then this one scored.
// Shared by the bench CLI (run.ts), the refit script (refit.ts) and the regression test
// (tests/e2e/candidates-quality.e2e-spec.ts). Demo structures are never read (the register only).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  CANDIDATE_FEATURES,
  type CandidateFeature,
  type CandidateModel,
  candidateFeatures,
  fitRanking,
  holderRank,
  type RankingCase,
} from '@app/domain';
import {
  type CandidateInput,
  type CandidatesService,
  type CandidateTarget,
  DecpMapper,
  type DecpRecord,
  type ReferenceLookup,
  RepairVocabulary,
  parseDecp,
} from '@app/tenders';
import { legacyScore } from './legacy-scoring';

export interface QualityCase {
  title: string;
  holderKind: string;
  /** File the contract comes from (the dev set first when it is in both). */
  file: string;
  /** Candidates, nearest first, with their feature values (null: unknown). */
  candidates: { structureId: string; km: number | null; input: CandidateInput['input']; values: (number | null)[] }[];
  holders: number[];
  /** Rank of the holder among every structure serving the place, by distance (null: not serving). */
  distanceRank: number | null;
}

export interface FileStats {
  file: string;
  records: number;
  /** Distinct contracts (repeats across lots and sources merged: same buyer, holders, CPV and place). */
  contracts: number;
  evaluated: number;
  noHolderInRegister: number;
  placeNotLocated: number;
}

/** The same contract repeated across lots or sources: same buyer, same holders, same CPV (8 digits), same place. */
function contractKey(record: DecpRecord): string {
  const holders = (record.titulaires ?? [])
    .map((h) => String(('titulaire' in h ? h.titulaire?.id : (h as { id?: unknown }).id) ?? '').replace(/\s/g, ''))
    .sort()
    .join('+');
  const cpv = String(record.codeCPV ?? '').replace(/\D/g, '').slice(0, 8);
  return `${record.acheteur?.id ?? ''}|${holders}|${cpv}|${record.lieuExecution?.code ?? ''}`;
}

/** Reads every evaluable contract of `files` and its candidates (through the service, demo excluded). */
export async function collectCases(
  dataSource: DataSource,
  reference: ReferenceLookup,
  candidates: Pick<CandidatesService, 'candidateInputs'>,
  files: readonly string[],
): Promise<{ cases: QualityCase[]; files: FileStats[] }> {
  const mapper = new DecpMapper(reference, new RepairVocabulary());
  const register: { siret: string; id: string; kind: string }[] = await dataSource.query(
    `SELECT siret, id, kind FROM structures WHERE delisted_at IS NULL AND source <> 'demo'`,
  );
  const bySiret = new Map<string, { id: string; kind: string }[]>();
  for (const s of register) bySiret.set(s.siret, [...(bySiret.get(s.siret) ?? []), s]);
  const seen = new Set<string>();
  const cases: QualityCase[] = [];
  const stats: FileStats[] = [];
  for (const file of files) {
    const read = parseDecp(readFileSync(file, 'utf8'));
    const stat: FileStats = { file: basename(file), records: read.records.length, contracts: 0, evaluated: 0, noHolderInRegister: 0, placeNotLocated: 0 };
    stats.push(stat);
    for (const { record } of read.records) {
      const key = contractKey(record);
      if (seen.has(key)) continue;
      seen.add(key);
      stat.contracts++;
      const contract = mapper.map(record, 'quality');
      const holderIds = new Set(contract.holders.flatMap((h) => (h.siret ? (bySiret.get(h.siret) ?? []).map((s) => s.id) : [])));
      if (holderIds.size === 0) {
        stat.noHolderInRegister++;
        continue;
      }
      const p = contract.place;
      if (!p.location || !p.department || !p.region) {
        stat.placeNotLocated++;
        continue;
      }
      const place = { communeCode: p.communeCode, location: p.location, department: p.department, region: p.region, scope: p.precision === 'department' ? ('department' as const) : ('commune' as const) };
      const buyerSiret = contract.buyer.siret ?? (contract.details.buyerId as string | undefined);
      const target: CandidateTarget = {
        lotNumber: 1,
        sectors: contract.sectors,
        cpvCodes: contract.cpvCodes,
        prestationType: contract.prestationType,
        reservation: 'NONE',
        estimatedAmountEur: contract.amountEur ?? 0,
        durationMonths: contract.durationMonths ?? undefined,
        text: contract.title,
        buyerSiret,
      };
      // Leave one out for the evidence: the contract's own consultation (every lot and source of it) is not evidence.
      const own: { id: string }[] = await dataSource.query(
        `SELECT id FROM tenders WHERE source <> 'manual'
           AND ((coalesce(buyer->>'siret', import_details->>'buyerId', '') = $1 AND notified_on IS NOT DISTINCT FROM $2::date) OR title = $3)`,
        [buyerSiret ?? '', contract.notifiedOn, contract.title],
      );
      const inputs = await candidates.candidateInputs(place, target, { evidence: { excludeTenderIds: own.map((o) => o.id) } });
      const list = inputs
        .map((c) => ({ structureId: c.structureId, km: c.input.structure.distanceKm, input: c.input, values: featureVector(c.input) }))
        .sort((a, b) => (a.km ?? Infinity) - (b.km ?? Infinity) || (a.structureId < b.structureId ? -1 : 1));
      const everyone = await candidates.candidateInputs(place, { ...target, sectors: [] }, { evidence: false });
      const byDistance = everyone
        .map((c) => ({ id: c.structureId, siret: c.siret, km: c.input.structure.distanceKm ?? Infinity }))
        .sort((a, b) => a.km - b.km || a.siret.localeCompare(b.siret) || (a.id < b.id ? -1 : 1));
      const distanceIndex = byDistance.findIndex((c) => holderIds.has(c.id));
      const holder = register.find((s) => holderIds.has(s.id))!;
      cases.push({
        title: contract.title.slice(0, 70),
        holderKind: holder.kind,
        file: stat.file,
        candidates: list,
        holders: list.flatMap((c, i) => (holderIds.has(c.structureId) ? [i] : [])),
        distanceRank: distanceIndex < 0 ? null : distanceIndex + 1,
      });
      stat.evaluated++;
    }
  }
  return { cases, files: stats };
}

function featureVector(input: CandidateInput['input']): (number | null)[] {
  const { values } = candidateFeatures(input, false);
  return CANDIDATE_FEATURES.map((f) => values[f]);
}

// ---------------------------------------------------------------------------------------------------
// Fitting

/** L2 penalty of the fit, chosen a priori (not tuned on the evaluation): one unit per fitted weight. */
export const FIT_L2 = 1;
/** Known direction of each feature: a good fit never lowers a score, a guessed radius exceeded never raises it. */
const SIGNS: Record<CandidateFeature, -1 | 0 | 1> = {
  nearness: 1,
  nearRank: 1,
  radiusGuessExceeded: -1,
  sameCommune: 1,
  sameDepartment: 1,
  kindUsual: 1,
  sectorUnknownOrBetter: 1,
  sectorNeighbourOrBetter: 1,
  sectorInferredOrBetter: 1,
  sectorDeclared: 1,
  textMatch: 1,
  similarNearby: 1,
  sameBuyer: 1,
  capacity: 1,
};
/**
 * Not fittable on register rows, fixed a priori: no register row declares a sector or its revenue.
 * A declared sector is one more step above an inferred one (set after the fit: the inferred step, ≥ 0.5);
 * full capacity against none is worth 0.5 (a modest hint, since revenue is rarely known).
 */
const CAPACITY_WEIGHT = 0.5;
const MIN_DECLARED_STEP = 0.5;

/** Population average of each feature over every candidate of the cases (the value of "unknown"). */
export function populationAverages(cases: readonly QualityCase[]): Record<CandidateFeature, number> {
  const sum = new Array<number>(CANDIDATE_FEATURES.length).fill(0);
  const count = new Array<number>(CANDIDATE_FEATURES.length).fill(0);
  for (const c of cases) {
    for (const candidate of c.candidates) {
      candidate.values.forEach((v, k) => {
        if (v !== null) {
          sum[k] += v;
          count[k]++;
        }
      });
    }
  }
  return Object.fromEntries(CANDIDATE_FEATURES.map((f, k) => [f, count[k] ? round4(sum[k] / count[k]) : 0.5])) as Record<CandidateFeature, number>;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function rankingCases(cases: readonly QualityCase[], unknown: Record<CandidateFeature, number>): RankingCase[] {
  return cases.map((c) => ({
    candidates: c.candidates.map((candidate) => candidate.values.map((v, k) => v ?? unknown[CANDIDATE_FEATURES[k]])),
    holders: c.holders,
  }));
}

/** Fits the model's weights on the cases (unknowns replaced by `unknown`). */
export function fitModel(cases: readonly QualityCase[], unknown: Record<CandidateFeature, number>): CandidateModel {
  const fixed = CANDIDATE_FEATURES.map((f) => (f === 'capacity' ? CAPACITY_WEIGHT : f === 'sectorDeclared' ? 0 : undefined));
  const w = fitRanking(rankingCases(cases, unknown), { l2: FIT_L2, signs: CANDIDATE_FEATURES.map((f) => SIGNS[f]), fixed });
  const weights = Object.fromEntries(CANDIDATE_FEATURES.map((f, k) => [f, round4(w[k])])) as Record<CandidateFeature, number>;
  weights.sectorDeclared = Math.max(MIN_DECLARED_STEP, weights.sectorInferredOrBetter);
  return { weights, unknown };
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

export interface RankingMetrics {
  recallAt10: number;
  recallAt20: number;
  recallAt50: number;
  ndcgAt10: number;
}

export interface QualityResult {
  files: FileStats[];
  /** Per set of contracts ("dev set", "all real contracts"): how many, the ceiling, and the three rankings. */
  sets: { name: string; evaluated: number; served: number; distance: RankingMetrics; oldScore: RankingMetrics; fitted: RankingMetrics }[];
  details: { title: string; file: string; kind: string; distance: number | null; oldScore: number | null; fitted: number | null; candidates: number }[];
}

function metrics(ranks: readonly (number | null)[]): RankingMetrics {
  const n = ranks.length || 1;
  const within = (k: number) => ranks.filter((r) => r !== null && r <= k).length / n;
  const ndcg = ranks.reduce<number>((sum, r) => sum + (r !== null && r <= 10 ? 1 / Math.log2(r + 1) : 0), 0) / n;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { recallAt10: r3(within(10)), recallAt20: r3(within(20)), recallAt50: r3(within(50)), ndcgAt10: r3(ndcg) };
}

function oldScoreRank(c: QualityCase): number | null {
  if (c.holders.length === 0) return null;
  const scores = c.candidates.map((candidate) => legacyScore(candidate.input));
  return holderRank({ candidates: scores.map((s) => [s]), holders: c.holders }, [1]);
}

/** The three rankings of every case, the fitted one leave one out; figures per file set. */
export function evaluate(cases: readonly QualityCase[], files: FileStats[], devFile: string): QualityResult {
  const unknown = populationAverages(cases);
  const all = rankingCases(cases, unknown);
  const details = cases.map((c, i) => {
    let fitted: number | null = null;
    if (c.holders.length > 0) {
      const model = fitModel(cases.filter((_, j) => j !== i), unknown);
      fitted = holderRank(all[i], CANDIDATE_FEATURES.map((f) => model.weights[f]));
    }
    return { title: c.title, file: c.file, kind: c.holderKind, distance: c.distanceRank, oldScore: oldScoreRank(c), fitted, candidates: c.candidates.length };
  });
  const setOf = (name: string, keep: (d: (typeof details)[number]) => boolean) => {
    const chosen = details.filter(keep);
    return {
      name,
      evaluated: chosen.length,
      served: chosen.length ? Math.round((1000 * chosen.filter((d) => d.fitted !== null).length) / chosen.length) / 1000 : 0,
      distance: metrics(chosen.map((d) => d.distance)),
      oldScore: metrics(chosen.map((d) => d.oldScore)),
      fitted: metrics(chosen.map((d) => d.fitted)),
    };
  };
  return { files, sets: [setOf(`dev set (${devFile})`, (d) => d.file === devFile), setOf('every real contract in data/decp', () => true)], details };
}
