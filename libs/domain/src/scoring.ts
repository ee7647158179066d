// Ranking of candidate structures for a lot (tender candidates and the optimiser's member scores).
// Each criterion yields a value in [0, 1]; the score is the weighted sum scaled to 0–100. Everything is
// deterministic: same input, same score, same reasons in the same order (criterion order below).
import { reservationEligibility } from './eligibility';
import { formatEurShort, prestationLabel, structureKindLabel } from './labels';
import { prestationFit } from './prestation-fit';
import type { PrestationType, Reservation, StructureKind } from './vocabulary';

export type CandidateCriterion = 'sectorFit' | 'distance' | 'kindFit' | 'capacity' | 'openness' | 'pastContracts';

/** Default weights (points out of 100). The sector decides what a structure can do, so it weighs most. */
export const CANDIDATE_WEIGHTS: Readonly<Record<CandidateCriterion, number>> = {
  sectorFit: 30,
  distance: 20,
  kindFit: 15,
  pastContracts: 15,
  capacity: 10,
  openness: 10,
};

const CRITERIA_ORDER: readonly CandidateCriterion[] = ['sectorFit', 'distance', 'pastContracts', 'kindFit', 'capacity', 'openness'];

/** Sector match values: a sector the structure declared beats one inferred from its NAF code. */
export const SECTOR_FIT_VALUES = {
  declared: 1,
  inferred: 0.7,
  sameGroupDeclared: 0.4,
  sameGroupInferred: 0.3,
  /** Activities unknown (or only "insertion"): possibly the trade, less likely than a related sector. */
  unknownTrade: 0.25,
  none: 0,
} as const;

/** Distance at which the distance criterion reaches 0. */
export const DISTANCE_HORIZON_KM = 200;
/** Value used when a criterion cannot be assessed (unknown distance, revenue, lot sectors…). */
export const UNKNOWN_CRITERION_VALUE = 0.5;
/**
 * Capacity is full when annual revenue reaches 1.5 × the lot's annual amount: the most a buyer may
 * require from 2026 (décret 2025-1383; V8 note), so a structure above it cannot be turned down on turnover.
 */
export const FULL_CAPACITY_REVENUE_RATIO = 1.5;

export interface ScoringLot {
  sectors: string[];
  prestationType: PrestationType;
  reservation: Reservation;
  estimatedAmountEur: number;
  durationMonths?: number;
}

export interface ScoringStructureSector {
  code: string;
  inferred: boolean; // true when derived from the NAF code rather than declared by the structure
}

export interface ScoringStructure {
  kind: StructureKind;
  sectors: ScoringStructureSector[];
  prestationTypes: PrestationType[];
  annualRevenueEur?: number;
  openToCoContracting: boolean;
  distanceKm: number | null; // to the execution place; null when the structure has no location
}

/** Evidence of past public contracts in similar sectors near the execution place (DECP). */
export interface PastContractsEvidence {
  similarNearby: number;
  nearestKm?: number;
  withinKm?: number; // the search radius used to count them, for the reason's wording
}

export interface SectorInfo {
  label: string;
  group: string;
  /** Sectors of other groups that cover the same work (their CPV prefixes overlap): matched as neighbours. */
  related?: readonly string[];
  /**
   * True for a sector that says a structure does insertion but not which trade (e.g. "insertion et
   * qualification", the NAF 8899B catch-all of associations): alone, it leaves the trade unknown.
   */
  generic?: boolean;
}

export interface CandidateScoringInput {
  lot: ScoringLot;
  structure: ScoringStructure;
  pastContracts?: PastContractsEvidence;
  /** Sector code → label and group: gives readable reasons and the "same group" match. */
  sectorCatalogue?: Readonly<Record<string, SectorInfo>>;
}

export interface CandidateScore {
  score: number; // 0–100, one decimal; the sum of the breakdown
  breakdown: Record<string, number>; // points per criterion, one decimal
  reasons: string[]; // French
}

interface CriterionResult {
  value: number; // 0–1
  reasons: string[];
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

function sectorLabel(code: string, catalogue: CandidateScoringInput['sectorCatalogue']): string {
  return catalogue?.[code]?.label ?? code;
}

/** Best match over the lot's sectors: declared exact > inferred exact > same group or related > unknown trade > none. */
function sectorFitCriterion(input: CandidateScoringInput): CriterionResult {
  const { lot, structure, sectorCatalogue } = input;
  if (lot.sectors.length === 0) return { value: UNKNOWN_CRITERION_VALUE, reasons: ['Secteur du lot non précisé'] };
  const groupOf = (code: string): string | undefined => sectorCatalogue?.[code]?.group;
  const related = (a: string, b: string): boolean =>
    (sectorCatalogue?.[a]?.related?.includes(b) ?? false) || (sectorCatalogue?.[b]?.related?.includes(a) ?? false);

  // A structure whose activities are unknown, or known only as insertion in general, cannot be judged on
  // its trade: not a mismatch, but weaker evidence than a related sector (register rows have no activities).
  const unknownTrade =
    structure.sectors.length === 0 ||
    (structure.sectors.every((own) => sectorCatalogue?.[own.code]?.generic === true) && !structure.sectors.some((own) => lot.sectors.includes(own.code)));
  let best: CriterionResult = unknownTrade
    ? {
        value: SECTOR_FIT_VALUES.unknownTrade,
        reasons: [structure.sectors.length === 0 ? 'Activités non renseignées : métier à vérifier' : 'Métier précis non renseigné (seulement « insertion ») : à vérifier'],
      }
    : { value: SECTOR_FIT_VALUES.none, reasons: ["Aucun des secteurs du lot parmi ses activités"] };
  const consider = (value: number, reason: string): void => {
    if (value > best.value) best = { value, reasons: [reason] };
  };
  for (const lotSector of lot.sectors) {
    const label = sectorLabel(lotSector, sectorCatalogue);
    for (const own of structure.sectors) {
      if (own.code === lotSector) {
        consider(
          own.inferred ? SECTOR_FIT_VALUES.inferred : SECTOR_FIT_VALUES.declared,
          own.inferred ? `Secteur déduit de son activité (NAF) : ${label}` : `Secteur déclaré : ${label}`,
        );
      } else if ((groupOf(own.code) !== undefined && groupOf(own.code) === groupOf(lotSector)) || related(own.code, lotSector)) {
        consider(
          own.inferred ? SECTOR_FIT_VALUES.sameGroupInferred : SECTOR_FIT_VALUES.sameGroupDeclared,
          groupOf(own.code) === groupOf(lotSector)
            ? `Secteur voisin : ${sectorLabel(own.code, sectorCatalogue)} (même famille que ${label})`
            : `Secteur voisin : ${sectorLabel(own.code, sectorCatalogue)} (travaux proches de ${label})`,
        );
      }
    }
  }
  return best;
}

/** 1 at 0 km, 0 from DISTANCE_HORIZON_KM; quadratic so that nearby structures are clearly favoured. */
export function distanceValue(distanceKm: number): number {
  return clamp01(1 - Math.max(0, distanceKm) / DISTANCE_HORIZON_KM) ** 2;
}

function distanceCriterion({ structure }: CandidateScoringInput): CriterionResult {
  if (structure.distanceKm === null) return { value: UNKNOWN_CRITERION_VALUE, reasons: ["Distance au lieu d'exécution inconnue"] };
  const km = Math.round(structure.distanceKm);
  const reason = km < 1 ? "À moins de 1 km du lieu d'exécution" : `À ${km} km du lieu d'exécution`;
  return { value: distanceValue(structure.distanceKm), reasons: [reason] };
}

const FIT_VALUES = { fit: 1, neutral: UNKNOWN_CRITERION_VALUE, misfit: 0.1 } as const;

/**
 * V21 fit of the kind for the prestation type, averaged with whether the structure declares that type
 * (declared 1, other types declared 0, nothing declared 0.5).
 */
function kindFitCriterion({ lot, structure }: CandidateScoringInput): CriterionResult {
  const fit = prestationFit(structure.kind, lot.prestationType);
  const declared = structure.prestationTypes.length === 0 ? UNKNOWN_CRITERION_VALUE : structure.prestationTypes.includes(lot.prestationType) ? 1 : 0;
  const kind = structureKindLabel(structure.kind);
  const type = prestationLabel(lot.prestationType);
  const reasons: string[] = [];
  if (fit === 'fit') reasons.push(`Type de structure adapté : ${kind} pour une ${type}`);
  if (fit === 'misfit') reasons.push(`Type de structure peu adapté à une ${type} : ${kind} (V21)`);
  if (declared === 0) reasons.push(`Ne déclare pas la ${type} parmi ses types de prestation`);
  return { value: (FIT_VALUES[fit] + declared) / 2, reasons };
}

/** The lot's amount per year (the whole amount when the duration is unknown). */
export function lotAnnualAmountEur(lot: Pick<ScoringLot, 'estimatedAmountEur' | 'durationMonths'>): number {
  const months = lot.durationMonths;
  return months !== undefined && months > 0 ? (lot.estimatedAmountEur * 12) / months : lot.estimatedAmountEur;
}

function capacityCriterion({ lot, structure }: CandidateScoringInput): CriterionResult {
  if (structure.annualRevenueEur === undefined) return { value: UNKNOWN_CRITERION_VALUE, reasons: ["Chiffre d'affaires non renseigné"] };
  const annualAmount = lotAnnualAmountEur(lot);
  const value = annualAmount <= 0 ? 1 : clamp01(structure.annualRevenueEur / (FULL_CAPACITY_REVENUE_RATIO * annualAmount));
  const period = lot.durationMonths !== undefined && lot.durationMonths > 0 ? '/an' : '';
  return {
    value,
    reasons: [`Capacité : CA ${formatEurShort(structure.annualRevenueEur)} pour un lot de ${formatEurShort(annualAmount)}${period}`],
  };
}

function opennessCriterion({ structure }: CandidateScoringInput): CriterionResult {
  return structure.openToCoContracting
    ? { value: 1, reasons: ['Ouverte à la co-traitance'] }
    : { value: 0, reasons: ['Non déclarée ouverte à la co-traitance'] };
}

/** Each similar contract won nearby halves the remaining gap to 1: 1 → 0.5, 2 → 0.75, 3 → 0.875. */
export function pastContractsValue(similarNearby: number): number {
  return similarNearby > 0 ? 1 - 0.5 ** similarNearby : 0;
}

function pastContractsCriterion({ pastContracts }: CandidateScoringInput): CriterionResult {
  const count = Math.max(0, Math.floor(pastContracts?.similarNearby ?? 0));
  if (count === 0 || pastContracts === undefined) return { value: 0, reasons: [] };
  const contracts = count === 1 ? '1 marché similaire' : `${count} marchés similaires`;
  let where = 'à proximité';
  if (pastContracts.withinKm !== undefined) where = `à moins de ${Math.round(pastContracts.withinKm)} km`;
  else if (pastContracts.nearestKm !== undefined) where = `(le plus proche à ${Math.round(pastContracts.nearestKm)} km)`;
  return { value: pastContractsValue(count), reasons: [`A remporté ${contracts} ${where}`] };
}

const CRITERIA: Record<CandidateCriterion, (input: CandidateScoringInput) => CriterionResult> = {
  sectorFit: sectorFitCriterion,
  distance: distanceCriterion,
  kindFit: kindFitCriterion,
  capacity: capacityCriterion,
  openness: opennessCriterion,
  pastContracts: pastContractsCriterion,
};

/** Reserved lots only: the eligibility reason (V13) is shown but not scored — callers filter excluded kinds. */
function eligibilityReasons({ lot, structure }: CandidateScoringInput): string[] {
  if (lot.reservation === 'NONE') return [];
  const eligibility = reservationEligibility(structure.kind, lot.reservation);
  if (eligibility.status === 'uncertain') return [`Éligibilité à vérifier — ${eligibility.reason}`];
  if (eligibility.status === 'excluded') return [`Non éligible — ${eligibility.reason}`];
  return [eligibility.reason];
}

/**
 * Score of a candidate for a lot, 0–100. Weights are normalised by their sum, so any non-negative
 * weights (at least one positive) keep the 0–100 range. Points per criterion are rounded to one decimal
 * and the score is their sum, so the breakdown adds up to the score (with weights that do not divide 100
 * evenly, the score is capped at 100 and may differ from the sum by a few tenths).
 */
export function scoreCandidate(
  input: CandidateScoringInput,
  weights: Readonly<Record<CandidateCriterion, number>> = CANDIDATE_WEIGHTS,
): CandidateScore {
  const totalWeight = CRITERIA_ORDER.reduce((sum, criterion) => sum + Math.max(0, weights[criterion]), 0);
  if (!(totalWeight > 0)) throw new RangeError('At least one candidate weight must be positive');

  const breakdown: Record<string, number> = {};
  const reasons: string[] = [];
  let score = 0;
  for (const criterion of CRITERIA_ORDER) {
    const result = CRITERIA[criterion](input);
    const points = round1((100 * Math.max(0, weights[criterion]) * clamp01(result.value)) / totalWeight);
    breakdown[criterion] = points;
    score += points;
    reasons.push(...result.reasons);
  }
  reasons.push(...eligibilityReasons(input));
  return { score: Math.min(100, round1(score)), breakdown, reasons };
}
