// Exhaustive optimum for tiny instances, used by tests to certify the MIP. It enumerates every
// member set (anchor included, 2…maxMembers members) and restates the objective on its own:
//  - CONJOINT: every assignment of packages to members (binary shares);
//  - SOLIDAIRE: shares are continuous, and each lot is an LP
//      max Σ_p Σ_s v_sp x_sp + ρ·min(H, Σ h_sp x_sp)   over Σ_s x_sp = 1,
//    solved exactly through its dual min_{μ∈[0,ρ]} Σ_p max_s (v_sp + μ h_sp) + (ρ − μ) H,
//    a convex piecewise-linear function minimised at one of its breakpoints. The anchor's minimum work
//    (Σ_p x_ap ≥ w) couples the lots: its Lagrangian min_{λ≥0} Σ_lots LP_l(v + λ·[s = a]) − λw is convex in λ
//    and minimised by ternary search.
import type { GroupForm } from '../vocabulary';
import { type Instance, buildInstance, memberValue, minimumWork, mustPerformInConjoint, shareValue } from './instance';
import { requestedForms } from './ranking';
import type { OptimiserInput } from './types';

export interface BruteForceOptimum {
  objective: number;
  form: GroupForm;
  memberIds: string[];
}

const MAX_CANDIDATES = 16;
const MAX_PACKAGES = 8;

export function bruteForceOptimum(input: OptimiserInput): BruteForceOptimum | null {
  const { instance } = buildInstance(input);
  if (!instance) return null;
  if (instance.candidates.length > MAX_CANDIDATES || instance.packages.length > MAX_PACKAGES) {
    throw new Error(`bruteForceOptimum is for tiny instances (≤ ${MAX_CANDIDATES} candidates, ≤ ${MAX_PACKAGES} packages)`);
  }
  let best: BruteForceOptimum | null = null;
  for (const members of memberSets(instance)) {
    for (const form of requestedForms(input)) {
      const value = form === 'CONJOINT' ? bestConjoint(instance, members) : bestSolidaire(instance, members);
      if (value !== null && (best === null || value > best.objective)) {
        best = { objective: value, form, memberIds: members.map((m) => instance.candidates[m].candidate.structureId) };
      }
    }
  }
  return best;
}

function* memberSets(instance: Instance): Generator<number[]> {
  const n = instance.candidates.length;
  const anchor = instance.anchorIndex;
  function* extend(start: number, chosen: number[]): Generator<number[]> {
    if (chosen.length >= instance.minMembers) yield [...chosen].sort((a, b) => a - b);
    if (chosen.length === instance.maxMembers) return;
    for (let s = start; s < n; s++) {
      if (s === anchor) continue;
      chosen.push(s);
      yield* extend(s + 1, chosen);
      chosen.pop();
    }
  }
  yield* extend(0, anchor === null ? [] : [anchor]);
}

function membersTerm(instance: Instance, members: number[], form: GroupForm): number {
  return members.reduce((sum, m) => sum + memberValue(instance, instance.candidates[m], form), 0);
}

function hasStaffProvider(instance: Instance, members: number[]): boolean {
  return members.some((m) => instance.candidates[m].isStaffProvider);
}

// --- CONJOINT -------------------------------------------------------------------------------

function bestConjoint(instance: Instance, members: number[]): number | null {
  const P = instance.packages.length;
  const staff = hasStaffProvider(instance, members);
  const amountByMember = new Map(members.map((m) => [m, 0]));
  const packagesByMember = new Map(members.map((m) => [m, 0]));
  const hoursByLot = instance.lots.map(() => 0);
  let best: number | null = null;

  const leafValue = (workValue: number): number | null => {
    for (const m of members) {
      if (mustPerformInConjoint(instance.candidates[m]) && (packagesByMember.get(m) ?? 0) === 0) return null;
    }
    let value = workValue + membersTerm(instance, members, 'CONJOINT');
    instance.lots.forEach((lot, l) => {
      const covered = Math.min(lot.requiredHours, hoursByLot[l] + (staff ? lot.requiredHours : 0));
      value += lot.insertionRewardPerHour * covered;
    });
    for (const m of members) {
      const revenue = instance.candidates[m].candidate.annualRevenueEur;
      if (revenue === undefined) continue;
      const gap = instance.assumptions.capacityFactor * (amountByMember.get(m) ?? 0) - revenue;
      value -= instance.capacityPenaltyPerEur * Math.max(0, gap);
    }
    return value;
  };

  const assign = (p: number, workValue: number): void => {
    if (p === P) {
      const value = leafValue(workValue);
      if (value !== null && (best === null || value > best)) best = value;
      return;
    }
    const pkg = instance.packages[p];
    for (const m of members) {
      const option = instance.candidates[m].optionByPackage.get(p);
      if (!option) continue;
      amountByMember.set(m, (amountByMember.get(m) ?? 0) + pkg.amountEur);
      packagesByMember.set(m, (packagesByMember.get(m) ?? 0) + 1);
      hoursByLot[pkg.lotIndex] += option.insertionHours;
      assign(p + 1, workValue + shareValue(option));
      hoursByLot[pkg.lotIndex] -= option.insertionHours;
      packagesByMember.set(m, (packagesByMember.get(m) ?? 0) - 1);
      amountByMember.set(m, (amountByMember.get(m) ?? 0) - pkg.amountEur);
    }
  };
  assign(0, 0);
  return best;
}

// --- SOLIDAIRE ------------------------------------------------------------------------------

function bestSolidaire(instance: Instance, members: number[]): number | null {
  const staff = hasStaffProvider(instance, members);
  const anchor = instance.anchorIndex !== null && members.includes(instance.anchorIndex) ? instance.anchorIndex : null;
  const minWork = anchor === null ? 0 : minimumWork(instance, anchor, 'SOLIDAIRE');
  // The lots' value when the anchor's shares earn `bonus` more each (the Lagrange multiplier of its minimum work).
  const lotsValue = (bonus: number): number | null => {
    let sum = 0;
    for (const lot of instance.lots) {
      const lotValue = bestSolidaireLot(instance, members, lot.packageIndexes, lot.requiredHours, lot.insertionRewardPerHour, staff, anchor, bonus);
      if (lotValue === null) return null;
      sum += lotValue;
    }
    return sum;
  };
  let work = lotsValue(0);
  if (work === null) return null;
  if (minWork > 0) {
    const anchorOptions = instance.packages.filter((p) => instance.candidates[anchor!].optionByPackage.has(p.index)).length;
    if (anchorOptions < minWork) return null;
    // Past this bonus the anchor takes every package it can: the dual only grows.
    let high = 1;
    for (const pkg of instance.packages) {
      const reward = instance.lots[pkg.lotIndex].insertionRewardPerHour;
      for (const m of members) {
        const option = instance.candidates[m].optionByPackage.get(pkg.index);
        if (option) high += 2 * (Math.abs(shareValue(option)) + reward * option.insertionHours);
      }
    }
    for (const lot of instance.lots) high += 2 * lot.insertionRewardPerHour * lot.requiredHours;
    const dual = (bonus: number) => (lotsValue(bonus) as number) - bonus * minWork;
    let low = 0;
    for (let i = 0; i < 300; i++) {
      const a = low + (high - low) / 3;
      const b = high - (high - low) / 3;
      if (dual(a) <= dual(b)) high = b;
      else low = a;
    }
    work = Math.min(dual(0), dual((low + high) / 2));
  }
  const value = membersTerm(instance, members, 'SOLIDAIRE') + work;
  const pooled = members.reduce((sum, m) => sum + (instance.candidates[m].candidate.annualRevenueEur ?? 0), 0);
  return value - instance.capacityPenaltyPerEur * Math.max(0, instance.capacityNeedEur - pooled);
}

interface Choice {
  value: number; // v_sp
  hours: number; // h_sp
}

function bestSolidaireLot(
  instance: Instance,
  members: number[],
  packageIndexes: number[],
  requiredHours: number,
  rewardPerHour: number,
  staffProvided: boolean,
  anchor: number | null = null,
  anchorBonus = 0,
): number | null {
  const choices: Choice[][] = packageIndexes.map((p) =>
    members
      .map((m) => ({ m, o: instance.candidates[m].optionByPackage.get(p) }))
      .filter((x) => x.o !== undefined)
      .map(({ m, o }) => ({ value: shareValue(o!) + (m === anchor ? anchorBonus : 0), hours: o!.insertionHours })),
  );
  if (choices.some((c) => c.length === 0)) return null;
  const bestValues = choices.reduce((sum, c) => sum + Math.max(...c.map((x) => x.value)), 0);
  if (requiredHours <= 0) return bestValues;
  if (staffProvided) return bestValues + rewardPerHour * requiredHours;

  const dual = (mu: number): number =>
    choices.reduce((sum, c) => sum + Math.max(...c.map((x) => x.value + mu * x.hours)), 0) + (rewardPerHour - mu) * requiredHours;
  const breakpoints = [0, rewardPerHour];
  for (const c of choices) {
    for (const a of c) {
      for (const b of c) {
        if (b.hours === a.hours) continue;
        const mu = (a.value - b.value) / (b.hours - a.hours);
        if (mu > 0 && mu < rewardPerHour) breakpoints.push(mu);
      }
    }
  }
  return Math.min(...breakpoints.map(dual));
}
