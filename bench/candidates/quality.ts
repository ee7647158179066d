// Candidate quality on real contracts. Each distinct 2018–2019 contract of data/decp whose holder is in the
// 2020 register becomes a one-lot target (its CPV → sectors, place, amount, duration, title, buyer); its
// candidates are read through CandidatesService exactly as the API reads them, with past-contract evidence
// from the imported DECP files minus the contract's own consultation (same buyer and notification date, or
// same title). The holder is matched to the register in two ways:
//   - by SIRET (the establishment that signed is a register row): the relevant item is that establishment;
//   - by SIREN only (another establishment of the same legal entity signed): the relevant items are every
//     register establishment of that SIREN. These contracts were never used to choose the model: they are
//     a held-out set.
// Three rankings of the same case, in one run:
//   (a) distance only: every structure serving the place (no sector knowledge), nearest first;
//   (b) the old hand-weighted score (legacy-scoring.ts);
//   (c) the fitted model.
// Three groups: (i) the SIRET cases, (c) leave one out among them; (ii) the SIREN cases, held out: (c) is the
// model fitted on every SIRET case (the shipped CANDIDATE_MODEL), never refitted on them; (iii) all cases
// together, (c) leave one out among all.
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
  /** How the holder was found in the register: its SIRET, or only its SIREN (another establishment signed). */
  match: 'siret' | 'siren';
  /** Indices of the relevant register rows among the candidates (what the fit learns from). */
  holders: number[];
  /** The same indices grouped by establishment (one group per distinct SIRET: the register repeats a few). */
  holderGroups: number[][];
  /** Best rank by distance of each relevant establishment serving the place, ascending (empty: none serves it). */
  distanceRanks: number[];
  /** Relevant establishments that serve the place (among the candidates or the distance ranking): nDCG's ideal. */
  relevant: number;
}

export interface FileStats {
  file: string;
  records: number;
  /** Distinct contracts (repeats across lots and sources merged: same buyer, holders, CPV and place). */
  contracts: number;
  evaluated: number;
  /** Of which: holder found by SIRET, and by SIREN only (another establishment of the same legal entity). */
  bySiret: number;
  bySiren: number;
  /** Neither the SIRET nor the SIREN of any holder is in the register (EA/ESAT, for instance, are not SIAE). */
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
  const bySiret = new Map<string, typeof register>();
  const bySiren = new Map<string, typeof register>();
  for (const s of register) {
    bySiret.set(s.siret, [...(bySiret.get(s.siret) ?? []), s]);
    bySiren.set(s.siret.slice(0, 9), [...(bySiren.get(s.siret.slice(0, 9)) ?? []), s]);
  }
  const seen = new Set<string>();
  const cases: QualityCase[] = [];
  const stats: FileStats[] = [];
  for (const file of files) {
    const read = parseDecp(readFileSync(file, 'utf8'));
    const stat: FileStats = { file: basename(file), records: read.records.length, contracts: 0, evaluated: 0, bySiret: 0, bySiren: 0, noHolderInRegister: 0, placeNotLocated: 0 };
    stats.push(stat);
    for (const { record } of read.records) {
      const key = contractKey(record);
      if (seen.has(key)) continue;
      seen.add(key);
      stat.contracts++;
      const contract = mapper.map(record, 'quality');
      // By SIRET first (as before); only when no holder's SIRET is a register row, by SIREN.
      const sirets = contract.holders.flatMap((h) => (h.siret ? [h.siret] : []));
      const match: QualityCase['match'] = sirets.some((s) => bySiret.has(s)) ? 'siret' : 'siren';
      const rows = sirets.flatMap((s) => (match === 'siret' ? bySiret.get(s) : bySiren.get(s.slice(0, 9))) ?? []);
      const holderIds = new Set(rows.map((r) => r.id));
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
      const siretOf = new Map(rows.map((r) => [r.id, r.siret]));
      const groups = new Map<string, number[]>();
      list.forEach((c, i) => {
        const siret = siretOf.get(c.structureId);
        if (siret !== undefined) groups.set(siret, [...(groups.get(siret) ?? []), i]);
      });
      const distanceBest = new Map<string, number>();
      byDistance.forEach((c, i) => {
        const siret = siretOf.get(c.id);
        if (siret !== undefined && !distanceBest.has(siret)) distanceBest.set(siret, i + 1);
      });
      cases.push({
        title: contract.title.slice(0, 70),
        holderKind: rows[0].kind,
        file: stat.file,
        candidates: list,
        match,
        holders: [...groups.values()].flat().sort((a, b) => a - b),
        holderGroups: [...groups.values()],
        distanceRanks: [...distanceBest.values()].sort((a, b) => a - b),
        relevant: new Set([...groups.keys(), ...distanceBest.keys()]).size,
      });
      stat.evaluated++;
      stat[match === 'siret' ? 'bySiret' : 'bySiren']++;
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

export interface QualityGroup {
  name: string;
  /** How the fitted ranking (c) is obtained for this group. */
  protocol: 'leave-one-out' | 'held-out';
  evaluated: number;
  /** Share of contracts whose holder (an establishment of it, for SIREN cases) is a candidate at all. */
  served: number;
  distance: RankingMetrics;
  oldScore: RankingMetrics;
  fitted: RankingMetrics;
}

export interface QualityResult {
  files: FileStats[];
  /** (i) SIRET cases leave one out, (ii) SIREN cases held out, (iii) all cases leave one out. */
  groups: QualityGroup[];
  /** The model used for the held-out group (fitted on every SIRET case), and whether it is the shipped one. */
  heldOutModel: { model: CandidateModel; fittedOn: number; equalsShipped: boolean; differences: string[] };
  details: {
    title: string;
    file: string;
    kind: string;
    match: QualityCase['match'];
    relevant: number;
    candidates: number;
    /** Best rank of a relevant establishment in each ranking (null: none is ranked). */
    distance: number | null;
    oldScore: number | null;
    /** (c) in group (i) or (ii): leave one out among the SIRET cases, or the held-out model. */
    fitted: number | null;
    /** (c) in group (iii): leave one out among all cases. */
    fittedAll: number | null;
  }[];
}

/** Ranks of one case in one ranking: best rank of each relevant establishment ranked, and how many are relevant. */
interface CaseRanks {
  ranks: number[];
  relevant: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** recall@K: a relevant establishment in the top K; nDCG@10 with every relevant establishment (binary gains). */
export function metrics(cases: readonly CaseRanks[]): RankingMetrics {
  const n = cases.length || 1;
  const within = (k: number) => cases.filter((c) => c.ranks.length > 0 && c.ranks[0] <= k).length / n;
  const gain = (r: number) => 1 / Math.log2(r + 1);
  const ndcg = cases.reduce<number>((sum, c) => {
    const ideal = Array.from({ length: Math.min(Math.max(c.relevant, c.ranks.length), 10) }, (_, i) => gain(i + 1)).reduce((a, b) => a + b, 0);
    const dcg = c.ranks.filter((r) => r <= 10).reduce((a, r) => a + gain(r), 0);
    return sum + (ideal > 0 ? dcg / ideal : 0);
  }, 0);
  return { recallAt10: r3(within(10)), recallAt20: r3(within(20)), recallAt50: r3(within(50)), ndcgAt10: r3(ndcg / n) };
}

/**
 * Best 1-based rank of each establishment's rows when candidates are sorted by utility, ascending (ties: the
 * earlier, nearer candidate first, as `holderRank`).
 */
export function establishmentRanks(utilities: readonly number[], groups: readonly (readonly number[])[]): number[] {
  const rankOf = (h: number) => {
    let rank = 1;
    for (let i = 0; i < utilities.length; i++) if (utilities[i] > utilities[h] || (utilities[i] === utilities[h] && i < h)) rank++;
    return rank;
  };
  return groups.map((g) => Math.min(...g.map(rankOf))).sort((a, b) => a - b);
}

function utilities(c: QualityCase, model: CandidateModel): number[] {
  return c.candidates.map((candidate) =>
    candidate.values.reduce<number>((u, v, k) => u + model.weights[CANDIDATE_FEATURES[k]] * (v ?? model.unknown[CANDIDATE_FEATURES[k]]), 0),
  );
}

const distanceRanks = (c: QualityCase): CaseRanks => ({ ranks: c.distanceRanks, relevant: c.relevant });
const oldScoreRanks = (c: QualityCase): CaseRanks => ({ ranks: establishmentRanks(c.candidates.map((x) => legacyScore(x.input)), c.holderGroups), relevant: c.relevant });
const modelRanks = (c: QualityCase, model: CandidateModel): CaseRanks => ({ ranks: establishmentRanks(utilities(c, model), c.holderGroups), relevant: c.relevant });

/** The fitted ranking of each case, leave one out among `cases` (unknowns: the population average of `cases`). */
function leaveOneOut(cases: readonly QualityCase[]): CaseRanks[] {
  const unknown = populationAverages(cases);
  return cases.map((c, i) => (c.holders.length > 0 ? modelRanks(c, fitModel(cases.filter((_, j) => j !== i), unknown)) : { ranks: [], relevant: c.relevant }));
}

function sameModel(a: CandidateModel, b: CandidateModel): string[] {
  return (['weights', 'unknown'] as const).flatMap((part) =>
    CANDIDATE_FEATURES.filter((f) => a[part][f] !== b[part][f]).map((f) => `${part}.${f}: ${a[part][f]} ≠ ${b[part][f]}`),
  );
}

/**
 * The three rankings of every case in three groups: (i) SIRET cases, fitted leave one out among them; (ii)
 * SIREN cases held out, ranked by the model fitted on every SIRET case (compared with `shipped`); (iii) all
 * cases, fitted leave one out among all.
 */
export function evaluate(cases: readonly QualityCase[], files: FileStats[], shipped: CandidateModel): QualityResult {
  const bySiret = cases.filter((c) => c.match === 'siret');
  const bySiren = cases.filter((c) => c.match === 'siren');
  const model = fitModel(bySiret, populationAverages(bySiret));
  const differences = sameModel(model, shipped);
  const fittedSiret = leaveOneOut(bySiret);
  const fittedSiren = bySiren.map((c) => modelRanks(c, model));
  const fittedAll = leaveOneOut(cases);
  const fitted = new Map<QualityCase, CaseRanks>([...bySiret.map((c, i) => [c, fittedSiret[i]] as const), ...bySiren.map((c, i) => [c, fittedSiren[i]] as const)]);
  const old = new Map(cases.map((c) => [c, oldScoreRanks(c)]));
  const group = (name: string, protocol: QualityGroup['protocol'], chosen: readonly QualityCase[], ranks: (c: QualityCase) => CaseRanks): QualityGroup => ({
    name,
    protocol,
    evaluated: chosen.length,
    served: chosen.length ? r3(chosen.filter((c) => c.holders.length > 0).length / chosen.length) : 0,
    distance: metrics(chosen.map(distanceRanks)),
    oldScore: metrics(chosen.map((c) => old.get(c)!)),
    fitted: metrics(chosen.map(ranks)),
  });
  const allIndex = new Map(cases.map((c, i) => [c, i]));
  return {
    files,
    groups: [
      group('(i) holder in the register by SIRET', 'leave-one-out', bySiret, (c) => fitted.get(c)!),
      group('(ii) holder in the register by SIREN only (another establishment signed), held out', 'held-out', bySiren, (c) => fitted.get(c)!),
      group('(iii) all together', 'leave-one-out', cases, (c) => fittedAll[allIndex.get(c)!]),
    ],
    heldOutModel: { model, fittedOn: bySiret.length, equalsShipped: differences.length === 0, differences },
    details: cases.map((c, i) => ({
      title: c.title,
      file: c.file,
      kind: c.holderKind,
      match: c.match,
      relevant: c.relevant,
      candidates: c.candidates.length,
      distance: c.distanceRanks[0] ?? null,
      oldScore: old.get(c)!.ranks[0] ?? null,
      fitted: fitted.get(c)!.ranks[0] ?? null,
      fittedAll: fittedAll[i].ranks[0] ?? null,
    })),
  };
}
