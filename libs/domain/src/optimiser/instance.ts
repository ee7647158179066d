// Turns an optimiser input into a solver-ready instance: asked lots → work packages, admissible
// candidates (V13, place served), the per-package pre-filter, and every objective coefficient.
// The MIP, the greedy baseline, the brute force and the proposal scoring all read these same
// coefficients, so they optimise and report exactly one objective.
import { reservationEligibility } from '../eligibility';
import { distanceKm } from '../geo';
import type { LotSpec, TenderSpec } from '../grouping';
import type { GroupForm, Reservation } from '../vocabulary';
import {
  DEFAULT_OPTIMISER_ASSUMPTIONS,
  DEFAULT_MAX_MEMBERS,
  DEFAULT_OBJECTIVE_WEIGHTS,
  INSERTION_PERFORMER_KINDS,
  MIN_GROUP_MEMBERS,
  STAFF_ONLY_KINDS,
  STAFF_PROVIDER_KINDS,
} from './defaults';
import { defaultLots } from './default-lots';
import { enumerate, structureLabel } from './french';
import type { ObjectiveWeights, OptimiserAssumptions, OptimiserCandidate, OptimiserInput } from './types';

/** One unit of work: a work package of a lot, or the whole lot when it has none. */
export interface WorkPackage {
  index: number;
  lot: number;
  lotIndex: number;
  code?: string;
  title?: string;
  amountEur: number;
}

export interface LotPlan {
  number: number;
  title?: string;
  amountEur: number;
  reservation: Reservation;
  prestationType: LotSpec['prestationType'];
  requiredHours: number;
  packageIndexes: number[];
  /** Objective points per covered insertion hour (0 without a clause). */
  insertionRewardPerHour: number;
}

/** Value of a candidate taking the whole of one package (scaled linearly by its share). */
export interface ShareOption {
  packageIndex: number;
  score: number;
  fit: number;
  distancePenalty: number;
  /** Insertion hours produced by performing the whole package (V18 cotraitance route). */
  insertionHours: number;
}

export interface InstanceCandidate {
  candidate: OptimiserCandidate;
  distanceKm: number | null;
  options: ShareOption[];
  optionByPackage: ReadonlyMap<number, ShareOption>;
  /** V18: covers insertion hours by provision of staff. */
  isStaffProvider: boolean;
  /** Negative: −cohesion weight × normalised distance to the place. */
  cohesion: number;
  /** Share of the asked lots' sectors this candidate works in (0–1). */
  sectorOverlap: number;
  /** V13 "uncertain" reasons for the reserved asked lots (EITI, EATT, ESS). */
  uncertainEligibility: string[];
}

export interface Instance {
  tender: TenderSpec;
  lots: LotPlan[];
  packages: WorkPackage[];
  candidates: InstanceCandidate[];
  anchorIndex: number | null;
  totalAmountEur: number;
  maxMembers: number;
  minMembers: number;
  weights: ObjectiveWeights;
  assumptions: OptimiserAssumptions;
  /** V8 SOLIDAIRE: pooled revenue the group should reach. */
  capacityNeedEur: number;
  /** Objective points lost per euro of capacity shortfall. */
  capacityPenaltyPerEur: number;
}

export interface InstanceBuild {
  lots: number[];
  instance: Instance | null;
  explanations: string[];
}

export function buildInstance(input: OptimiserInput): InstanceBuild {
  const weights = { ...DEFAULT_OBJECTIVE_WEIGHTS, ...input.weights };
  const assumptions = { ...DEFAULT_OPTIMISER_ASSUMPTIONS, ...input.assumptions };
  const explanations: string[] = [];
  const anchor = findAnchor(input, explanations);
  if (anchor === 'missing') return { lots: input.lots ?? [], instance: null, explanations };

  const askedLots = resolveAskedLots(input, anchor, explanations);
  if (askedLots.length === 0) {
    explanations.push('Aucun lot à pourvoir : aucun groupement n’est proposé.');
    return { lots: [], instance: null, explanations };
  }
  const { lots, packages, totalAmountEur } = planLots(askedLots, weights);
  const maxMembers = Math.max(MIN_GROUP_MEMBERS, input.maxMembers ?? DEFAULT_MAX_MEMBERS);
  const context: CandidateContext = { tender: input.tender, lots, packages, totalAmountEur, weights, assumptions };
  const lotNumbers = lots.map((l) => l.number);

  const admissible = admissibleCandidates(input, anchor, context, explanations);
  if (admissible === null) return { lots: lotNumbers, instance: null, explanations };
  const candidates = preFilter(admissible, anchor?.structureId, context);
  const anchorIndex = anchor ? candidates.findIndex((c) => c.candidate.structureId === anchor.structureId) : -1;

  if (!everyPackageCoverable(candidates, context, explanations) || !enoughMembers(candidates, explanations)) {
    return { lots: lotNumbers, instance: null, explanations };
  }
  explanations.push(
    `${candidates.length} structure(s) retenue(s) pour l’optimisation sur ${input.candidates.length} candidate(s) : ` +
      `les ${packageQuota(assumptions, packages.length)} meilleures par prestation, les ${assumptions.generalistsKept} meilleures ` +
      'sur l’ensemble des lots, votre structure et les structures de mise à disposition les plus proches.',
  );
  const capacityNeedEur = assumptions.capacityFactor * totalAmountEur;
  const instance: Instance = {
    tender: input.tender,
    lots,
    packages,
    candidates,
    anchorIndex: anchorIndex >= 0 ? anchorIndex : null,
    totalAmountEur,
    maxMembers,
    minMembers: MIN_GROUP_MEMBERS,
    weights,
    assumptions,
    capacityNeedEur,
    capacityPenaltyPerEur: capacityNeedEur > 0 ? weights.capacity / capacityNeedEur : 0,
  };
  return { lots: lotNumbers, instance, explanations };
}

/**
 * Cohesion points of one member (≤ 0): distance to the place (a linear stand-in for the pairwise
 * spread, since d(a,b) ≤ d(a,place) + d(b,place)) and, in SOLIDAIRE, working outside the lots'
 * sectors — each solidaire member answers for the whole contract, so same-trade partners are
 * preferred. Being ≤ 0, it never makes one form look better than the other by itself.
 */
export function memberCohesion(instance: Instance, candidate: InstanceCandidate, form: GroupForm): number {
  const sectorMismatch = form === 'SOLIDAIRE' ? instance.weights.sameSector * (1 - candidate.sectorOverlap) : 0;
  return candidate.cohesion - sectorMismatch;
}

/** Objective points a member brings by being selected, whatever work it takes. */
export function memberValue(instance: Instance, candidate: InstanceCandidate, form: GroupForm): number {
  return memberCohesion(instance, candidate, form) - instance.weights.memberCost;
}

/** Value of an option per unit of share: sector fit minus the amount-weighted distance. */
export function shareValue(option: ShareOption): number {
  return option.fit - option.distancePenalty;
}

/**
 * In a solidaire group every member answers for the whole contract (R2142-20): the structure that asked for
 * the proposals (the anchor) never joins one for no work. It performs at least this many work packages'
 * worth (shares are fractions of packages there).
 */
export const SOLIDAIRE_ANCHOR_MIN_WORK = 0.25;

/**
 * Work packages' worth a member performs at least when selected: one in CONJOINT (R2142-20), the anchor's
 * minimum in SOLIDAIRE, nothing for staff providers (V21) or other solidaire members.
 */
export function minimumWork(instance: Pick<Instance, 'candidates' | 'anchorIndex'>, member: number, form: GroupForm): number {
  const candidate = instance.candidates[member];
  if (form === 'CONJOINT') return mustPerformInConjoint(candidate) ? 1 : 0;
  return member === instance.anchorIndex && !candidate.isStaffProvider ? SOLIDAIRE_ANCHOR_MIN_WORK : 0;
}

/** R2142-20: a conjoint member performs the prestations attributed to it; staff providers excepted (V21). */
export function mustPerformInConjoint(candidate: InstanceCandidate): boolean {
  return !candidate.isStaffProvider;
}

// ---------------------------------------------------------------------------------------------

interface CandidateContext {
  tender: TenderSpec;
  lots: LotPlan[];
  packages: WorkPackage[];
  totalAmountEur: number;
  weights: ObjectiveWeights;
  assumptions: OptimiserAssumptions;
}

function findAnchor(input: OptimiserInput, explanations: string[]): OptimiserCandidate | undefined | 'missing' {
  if (input.anchorStructureId === undefined) return undefined;
  const anchor = input.candidates.find((c) => c.structureId === input.anchorStructureId);
  if (anchor) return anchor;
  explanations.push('La structure d’ancrage ne figure pas parmi les candidats du marché : aucun groupement ne peut la contenir.');
  return 'missing';
}

function resolveAskedLots(input: OptimiserInput, anchor: OptimiserCandidate | undefined, explanations: string[]): LotSpec[] {
  const byNumber = new Map(input.tender.lots.map((l) => [l.number, l]));
  if (input.lots === undefined) {
    const defaults = defaultLots(input.tender, anchor);
    explanations.push(...defaults.explanations);
    return defaults.lots.map((n) => byNumber.get(n)).filter((l): l is LotSpec => l !== undefined);
  }
  const asked: LotSpec[] = [];
  for (const number of [...new Set(input.lots)].sort((a, b) => a - b)) {
    const lot = byNumber.get(number);
    if (lot) asked.push(lot);
    else explanations.push(`Lot ${number} inconnu dans ce marché : ignoré.`);
  }
  return asked;
}

function planLots(asked: LotSpec[], weights: ObjectiveWeights): { lots: LotPlan[]; packages: WorkPackage[]; totalAmountEur: number } {
  const totalAmountEur = asked.reduce((sum, l) => sum + l.estimatedAmountEur, 0);
  const packages: WorkPackage[] = [];
  const lots = asked.map((lot, lotIndex): LotPlan => {
    const packageIndexes: number[] = [];
    const add = (code: string | undefined, title: string | undefined, share: number): void => {
      packageIndexes.push(packages.length);
      packages.push({ index: packages.length, lot: lot.number, lotIndex, code, title, amountEur: lot.estimatedAmountEur * share });
    };
    if (lot.workPackages.length === 0) add(undefined, lot.title, 1);
    for (const wp of lot.workPackages) add(wp.code, wp.title, wp.share);
    const requiredHours = Math.max(0, lot.insertionHoursRequired);
    const amountWeight = totalAmountEur > 0 ? lot.estimatedAmountEur / totalAmountEur : 0;
    return {
      number: lot.number,
      title: lot.title,
      amountEur: lot.estimatedAmountEur,
      reservation: lot.reservation,
      prestationType: lot.prestationType,
      requiredHours,
      packageIndexes,
      insertionRewardPerHour: requiredHours > 0 ? (weights.insertion * amountWeight) / requiredHours : 0,
    };
  });
  return { lots, packages, totalAmountEur };
}

interface RejectionCounts {
  notServing: number;
  notOpen: number;
  ineligible: number;
  unverified: number;
  nothingToDo: number;
}

function admissibleCandidates(
  input: OptimiserInput,
  anchor: OptimiserCandidate | undefined,
  context: CandidateContext,
  explanations: string[],
): InstanceCandidate[] | null {
  const reserved = context.lots.filter((l) => l.reservation !== 'NONE');
  const someHoursRequired = context.lots.some((l) => l.requiredHours > 0);
  const counts: RejectionCounts = { notServing: 0, notOpen: 0, ineligible: 0, unverified: 0, nothingToDo: 0 };
  const admissible: InstanceCandidate[] = [];
  const seen = new Set<string>();
  for (const candidate of input.candidates) {
    if (seen.has(candidate.structureId)) continue; // a structure is a member at most once
    seen.add(candidate.structureId);
    const isAnchor = candidate.structureId === anchor?.structureId;
    const rejection = rejectionReason(candidate, isAnchor, reserved);
    if (rejection) {
      counts[rejection.key] += 1;
      if (isAnchor) {
        explanations.push(`${rejection.anchorMessage} : aucun groupement ne peut la contenir.`);
        return null;
      }
      continue;
    }
    const built = describeCandidate(candidate, context, reserved);
    const useful = built.options.length > 0 || (built.isStaffProvider && someHoursRequired);
    if (!useful && !isAnchor) {
      counts.nothingToDo += 1;
      continue;
    }
    admissible.push(built);
  }
  explainRejections(counts, reserved, explanations);
  return admissible;
}

type RejectionKey = keyof RejectionCounts;

function rejectionReason(
  candidate: OptimiserCandidate,
  isAnchor: boolean,
  reserved: LotPlan[],
): { key: RejectionKey; anchorMessage: string } | null {
  const label = structureLabel(candidate.kind, candidate.name);
  if (!candidate.servesExecutionPlace) {
    return { key: 'notServing', anchorMessage: `La structure d’ancrage (${label}) n’intervient pas sur le lieu d’exécution` };
  }
  if (candidate.openToCoContracting === false && !isAnchor) return { key: 'notOpen', anchorMessage: '' };
  for (const lot of reserved) {
    const eligibility = reservationEligibility(candidate.kind, lot.reservation);
    if (eligibility.status === 'excluded') {
      return {
        key: 'ineligible',
        anchorMessage: `Le lot ${lot.number} est réservé ${lot.reservation} et ${label} n’y est pas éligible (V13)`,
      };
    }
  }
  // A kind nobody confirmed yet does not count as eligible: anyone can declare « EI » (issue 13, item 8).
  if (reserved.length > 0 && candidate.kindVerified === false) {
    return {
      key: 'unverified',
      anchorMessage: `Le lot ${reserved[0].number} est réservé ${reserved[0].reservation} et le type déclaré de ${label} n’est pas encore vérifié par un administrateur (V13)`,
    };
  }
  return null;
}

function explainRejections(counts: RejectionCounts, reserved: LotPlan[], explanations: string[]): void {
  if (counts.notServing > 0) explanations.push(`${counts.notServing} candidate(s) écartée(s) : elles n’interviennent pas sur le lieu d’exécution.`);
  if (counts.notOpen > 0) explanations.push(`${counts.notOpen} candidate(s) écartée(s) : elles ne sont pas ouvertes à la co-traitance.`);
  if (counts.ineligible > 0) {
    const lots = enumerate(reserved.map((l) => `${l.number} (${l.reservation})`));
    explanations.push(
      `${counts.ineligible} candidate(s) écartée(s) : un groupement qui répond au(x) lot(s) réservé(s) ${lots} ` +
        `ne peut comprendre que des structures éligibles, même sans part d’exécution (V13).`,
    );
  }
  if (counts.unverified > 0) {
    explanations.push(
      `${counts.unverified} candidate(s) écartée(s) des lots réservés : structure(s) non vérifiée(s), dont le type déclaré n’a pas encore été confirmé par un administrateur (V13).`,
    );
  }
}

function describeCandidate(candidate: OptimiserCandidate, context: CandidateContext, reserved: LotPlan[]): InstanceCandidate {
  const { weights, assumptions, totalAmountEur } = context;
  const distance = candidate.location ? distanceKm(candidate.location, context.tender.executionCommune.location) : null;
  // Unknown location: neutral half-cap distance rather than a silent best or worst case.
  const normalisedDistance = distance === null ? 0.5 : Math.min(distance, assumptions.distanceCapKm) / assumptions.distanceCapKm;
  const options: ShareOption[] = [];
  for (const pkg of context.packages) {
    const lot = context.lots[pkg.lotIndex];
    const score = packageScore(candidate, pkg);
    if (score === undefined) continue;
    if (STAFF_ONLY_KINDS.has(candidate.kind) && lot.prestationType !== 'DISP') continue; // V21
    const amountWeight = totalAmountEur > 0 ? pkg.amountEur / totalAmountEur : 0;
    const producesHours = INSERTION_PERFORMER_KINDS.has(candidate.kind) && lot.requiredHours > 0;
    options.push({
      packageIndex: pkg.index,
      score,
      fit: (weights.sectorFit * score * amountWeight) / 100,
      distancePenalty: weights.distance * normalisedDistance * amountWeight,
      // V17/V18: hours of labour an inclusive cotraitant spends on the amount it performs.
      insertionHours: producesHours ? (pkg.amountEur * assumptions.labourShare) / assumptions.hourlyCostEur : 0,
    });
  }
  return {
    candidate,
    distanceKm: distance,
    options,
    optionByPackage: new Map(options.map((o) => [o.packageIndex, o])),
    isStaffProvider: STAFF_PROVIDER_KINDS.has(candidate.kind),
    cohesion: -weights.cohesion * normalisedDistance,
    sectorOverlap: sectorOverlap(candidate, context.tender, context.lots),
    uncertainEligibility: reserved
      .map((lot) => reservationEligibility(candidate.kind, lot.reservation))
      .filter((e) => e.status === 'uncertain')
      .map((e) => e.reason),
  };
}

/** Work-package score when given, else the lot score; undefined when the candidate cannot do the lot. */
function packageScore(candidate: OptimiserCandidate, pkg: WorkPackage): number | undefined {
  const lotScore = candidate.lotScores[pkg.lot];
  if (lotScore === undefined) return undefined;
  const specific = pkg.code === undefined ? undefined : candidate.workPackageScores?.[`${pkg.lot}:${pkg.code}`];
  return Math.min(100, Math.max(0, specific ?? lotScore));
}

function sectorOverlap(candidate: OptimiserCandidate, tender: TenderSpec, lots: LotPlan[]): number {
  const asked = new Set(lots.map((l) => l.number));
  const sectors = new Set<string>();
  for (const lot of tender.lots) {
    if (!asked.has(lot.number)) continue;
    lot.sectors.forEach((s) => sectors.add(s));
    lot.workPackages.forEach((wp) => wp.sectors.forEach((s) => sectors.add(s)));
  }
  if (sectors.size === 0) return 1; // no sector information: no member is out of trade
  return candidate.sectors.filter((s) => sectors.has(s)).length / sectors.size;
}

/**
 * Keeps, per package, the best candidates by share value (a quota of poolTarget ÷ packages, within
 * [minCandidatesPerPackage, candidatesPerPackage]), the best generalists over all packages, the
 * anchor and the nearest staff providers. A group has ≤ maxMembers members, so members far down every
 * ranking almost never pay for their member cost; this bounds the MIP size whatever the catalogue.
 */
export function packageQuota(assumptions: OptimiserAssumptions, packageCount: number): number {
  const { candidatesPerPackage, minCandidatesPerPackage, poolTarget } = assumptions;
  return Math.max(minCandidatesPerPackage, Math.min(candidatesPerPackage, Math.ceil(poolTarget / Math.max(1, packageCount))));
}

function preFilter(admissible: InstanceCandidate[], anchorId: string | undefined, context: CandidateContext): InstanceCandidate[] {
  const keep = new Set<number>();
  const { generalistsKept, staffProvidersKept } = context.assumptions;
  const quota = packageQuota(context.assumptions, context.packages.length);
  const byPackage: Array<Array<{ index: number; value: number }>> = context.packages.map(() => []);
  const overall: Array<{ index: number; value: number }> = [];
  admissible.forEach((c, index) => {
    if (c.candidate.structureId === anchorId) keep.add(index);
    let total = 0;
    for (const option of c.options) {
      const value = shareValue(option);
      byPackage[option.packageIndex].push({ index, value });
      total += Math.max(0, value);
    }
    overall.push({ index, value: total });
  });
  const best = (ranking: Array<{ index: number; value: number }>, count: number): void =>
    ranking
      .sort((a, b) => b.value - a.value || a.index - b.index)
      .slice(0, count)
      .forEach((r) => keep.add(r.index));
  byPackage.forEach((ranking) => best(ranking, quota));
  best(overall, generalistsKept);
  if (context.lots.some((l) => l.requiredHours > 0)) {
    best(
      admissible.flatMap((c, index) => (c.isStaffProvider ? [{ index, value: c.cohesion }] : [])),
      staffProvidersKept,
    );
  }
  return [...keep].sort((a, b) => a - b).map((index) => admissible[index]);
}

function everyPackageCoverable(candidates: InstanceCandidate[], context: CandidateContext, explanations: string[]): boolean {
  const uncovered = context.packages.filter((pkg) => !candidates.some((c) => c.optionByPackage.has(pkg.index)));
  for (const pkg of uncovered) {
    const what = pkg.code === undefined ? '' : ` (prestation « ${pkg.title ?? pkg.code} »)`;
    explanations.push(`Aucune structure admissible ne peut réaliser le lot ${pkg.lot}${what} : aucun groupement ne couvre tous les lots demandés.`);
  }
  if (uncovered.length > 0) explainIncompatibleReservations(context.lots, explanations);
  return uncovered.length === 0;
}

/** Lots reserved to different publics (e.g. L2113-12 and L2113-13) admit no common member kind. */
function explainIncompatibleReservations(lots: LotPlan[], explanations: string[]): void {
  const reservations = [...new Set(lots.map((l) => l.reservation).filter((r) => r !== 'NONE'))];
  if (reservations.length < 2) return;
  explanations.push(
    `Les lots demandés sont réservés à des publics différents (${enumerate(reservations)}) : un même groupement ` +
      'doit être éligible à chacun (V13). Lancez un calcul par lot réservé.',
  );
}

function enoughMembers(candidates: InstanceCandidate[], explanations: string[]): boolean {
  if (candidates.length >= MIN_GROUP_MEMBERS) return true;
  explanations.push('Moins de deux structures admissibles : aucun groupement (GME) n’est possible.');
  return false;
}
