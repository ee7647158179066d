// The one objective every method optimises and reports (MIP, greedy, brute force, proposals).
// Given the members and the shares, the auxiliary quantities the MIP carries as variables
// (covered insertion hours, capacity shortfalls) take their best values in closed form here.
import type { GroupForm } from '../vocabulary';
import { type Instance, memberCohesion } from './instance';

export interface ShareOfPackage {
  member: number; // index into instance.candidates
  share: number;
}

/** A grouping in instance terms: members and, per package, who takes which share. */
export interface Solution {
  form: GroupForm;
  members: number[]; // sorted candidate indexes
  shares: ShareOfPackage[][]; // per package index
}

export interface ScoreBreakdown {
  sectorFit: number;
  distance: number;
  cohesion: number;
  memberCost: number;
  capacity: number;
  insertion: number;
}

export interface LotCoverage {
  requiredHours: number;
  performedHours: number; // by inclusive cotraitants (V18)
  staffProvided: boolean; // a staff provider is a member (V18)
  coveredHours: number;
}

export interface Evaluation {
  objective: number;
  breakdown: ScoreBreakdown;
  coverage: LotCoverage[]; // per lot index
  /** Amount performed by each member, aligned with solution.members. */
  memberAmountsEur: number[];
  capacity: CapacityAssessment;
}

export interface CapacityAssessment {
  /** SOLIDAIRE: pooled known revenue; CONJOINT: unused (0). */
  pooledRevenueEur: number;
  requiredEur: number;
  shortfallEur: number;
  /** Members whose revenue is unknown, so capacity is not verified for them (V8). */
  unknownRevenueMembers: number[];
  /** CONJOINT: members whose revenue is below factor × their own amount. */
  shortMembers: number[];
}

export function evaluateSolution(instance: Instance, solution: Solution): Evaluation {
  const memberAmountsEur = solution.members.map((m) => performedAmount(instance, solution, m));
  const work = workTerms(instance, solution);
  const coverage = insertionCoverage(instance, solution);
  const capacity = assessCapacity(instance, solution, memberAmountsEur);
  const members = solution.members.map((m) => instance.candidates[m]);
  const breakdown: ScoreBreakdown = {
    sectorFit: work.fit,
    distance: -work.distancePenalty,
    cohesion: members.reduce((sum, c) => sum + memberCohesion(instance, c, solution.form), 0),
    memberCost: -instance.weights.memberCost * members.length,
    capacity: -instance.capacityPenaltyPerEur * capacity.shortfallEur,
    insertion: coverage.reduce((sum, cov, l) => sum + instance.lots[l].insertionRewardPerHour * cov.coveredHours, 0),
  };
  const objective = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { objective, breakdown, coverage, memberAmountsEur, capacity };
}

function workTerms(instance: Instance, solution: Solution): { fit: number; distancePenalty: number } {
  let fit = 0;
  let distancePenalty = 0;
  solution.shares.forEach((shares, packageIndex) => {
    for (const { member, share } of shares) {
      const option = instance.candidates[member].optionByPackage.get(packageIndex);
      if (!option) throw new Error(`member ${member} cannot take package ${packageIndex}`);
      fit += share * option.fit;
      distancePenalty += share * option.distancePenalty;
    }
  });
  return { fit, distancePenalty };
}

export function performedAmount(instance: Instance, solution: Solution, member: number): number {
  let amount = 0;
  solution.shares.forEach((shares, packageIndex) => {
    for (const s of shares) if (s.member === member) amount += s.share * instance.packages[packageIndex].amountEur;
  });
  return amount;
}

/** V18: cotraitance hours of inclusive performers, or full coverage by a staff-provider member. */
function insertionCoverage(instance: Instance, solution: Solution): LotCoverage[] {
  const staffProvided = solution.members.some((m) => instance.candidates[m].isStaffProvider);
  return instance.lots.map((lot) => {
    let performedHours = 0;
    for (const packageIndex of lot.packageIndexes) {
      for (const { member, share } of solution.shares[packageIndex]) {
        performedHours += share * (instance.candidates[member].optionByPackage.get(packageIndex)?.insertionHours ?? 0);
      }
    }
    const reachable = performedHours + (staffProvided ? lot.requiredHours : 0);
    return {
      requiredHours: lot.requiredHours,
      performedHours,
      staffProvided: staffProvided && lot.requiredHours > 0,
      coveredHours: Math.min(lot.requiredHours, reachable),
    };
  });
}

/**
 * V8. SOLIDAIRE: members' revenues are pooled against factor × total amount. CONJOINT: each member's
 * revenue against factor × the amount it performs. Unknown revenue counts as nothing pooled and is
 * not compared (it is reported as unverified, never guessed).
 */
function assessCapacity(instance: Instance, solution: Solution, memberAmountsEur: number[]): CapacityAssessment {
  const revenueOf = (m: number): number | undefined => instance.candidates[m].candidate.annualRevenueEur;
  const unknownRevenueMembers = solution.members.filter((m) => revenueOf(m) === undefined);
  const factor = instance.assumptions.capacityFactor;
  if (solution.form === 'SOLIDAIRE') {
    const pooledRevenueEur = solution.members.reduce((sum, m) => sum + (revenueOf(m) ?? 0), 0);
    const requiredEur = instance.capacityNeedEur;
    const shortfallEur = Math.max(0, requiredEur - pooledRevenueEur);
    return { pooledRevenueEur, requiredEur, shortfallEur, unknownRevenueMembers, shortMembers: [] };
  }
  let shortfallEur = 0;
  const shortMembers: number[] = [];
  solution.members.forEach((m, i) => {
    const revenue = revenueOf(m);
    if (revenue === undefined) return;
    const gap = factor * memberAmountsEur[i] - revenue;
    if (gap > 0) {
      shortfallEur += gap;
      shortMembers.push(m);
    }
  });
  return { pooledRevenueEur: 0, requiredEur: instance.capacityNeedEur, shortfallEur, unknownRevenueMembers, shortMembers };
}


/**
 * True when a member takes no work and leaving it out improves the objective: the group without
 * it is a better, earlier proposal, so this one only pads it (each member must earn its place).
 */
export function hasRedundantMember(instance: Instance, solution: Solution): boolean {
  if (solution.members.length <= instance.minMembers) return false;
  const objective = evaluateSolution(instance, solution).objective;
  return solution.members.some((m) => {
    if (m === instance.anchorIndex || solution.shares.some((shares) => shares.some((s) => s.member === m))) return false;
    const without = { ...solution, members: solution.members.filter((x) => x !== m) };
    return evaluateSolution(instance, without).objective > objective + 1e-9;
  });
}
