// Greedy baseline, for comparison with the MIP: each package (largest first) goes to its best-valued
// candidate, who joins the group while there is room; then the group is repaired to be lawful
// (≥ 2 members, every conjoint performer has work). Same instance, same objective as the MIP.
import type { GroupForm } from '../vocabulary';
import { type Instance, buildInstance, minimumWork, shareValue } from './instance';
import type { Solution } from './objective';
import { compareProposals, requestedForms } from './ranking';
import { buildProposal } from './proposal';
import type { OptimiserInput, Proposal } from './types';

/** Best greedy proposal over the requested forms (rank 1), or null when greedy finds none. */
export function greedyBaseline(input: OptimiserInput): Proposal | null {
  const { instance } = buildInstance(input);
  if (!instance) return null;
  const proposals = requestedForms(input)
    .map((form) => greedySolution(instance, form))
    .filter((s): s is Solution => s !== null)
    .map((s) => buildProposal(instance, s))
    .sort(compareProposals);
  return proposals.length > 0 ? { ...proposals[0], rank: 1 } : null;
}

export function greedySolution(instance: Instance, form: GroupForm): Solution | null {
  const members = new Set<number>(instance.anchorIndex === null ? [] : [instance.anchorIndex]);
  const owner: number[] = [];
  const byAmount = [...instance.packages].sort((a, b) => b.amountEur - a.amountEur || a.index - b.index);
  for (const pkg of byAmount) {
    const chosen = bestTaker(instance, pkg.index, (s) => members.has(s) || members.size < instance.maxMembers);
    if (chosen === null) return null;
    members.add(chosen);
    owner[pkg.index] = chosen;
  }
  if (!giveWorkToIdlePerformers(instance, form, members, owner)) return null;
  if (!reachMinimumSize(instance, form, members, owner)) return null;
  return {
    form,
    members: [...members].sort((a, b) => a - b),
    shares: owner.map((member) => [{ member, share: 1 }]),
  };
}

function valueOf(instance: Instance, member: number, packageIndex: number): number | null {
  const option = instance.candidates[member].optionByPackage.get(packageIndex);
  return option ? shareValue(option) : null;
}

function bestTaker(instance: Instance, packageIndex: number, allowed: (s: number) => boolean): number | null {
  let best: number | null = null;
  let bestValue = Number.NEGATIVE_INFINITY;
  instance.candidates.forEach((_, s) => {
    const value = valueOf(instance, s, packageIndex);
    if (value !== null && allowed(s) && value > bestValue) {
      best = s;
      bestValue = value;
    }
  });
  return best;
}

function packagesOf(owner: number[], member: number): number[] {
  return owner.map((o, p) => (o === member ? p : -1)).filter((p) => p >= 0);
}

/** Move to `member` the package it loses least on, provided the previous owner keeps lawful work. */
function cheapestMoveTo(instance: Instance, form: GroupForm, owner: number[], member: number): number | null {
  let best: number | null = null;
  let bestLoss = Number.POSITIVE_INFINITY;
  owner.forEach((current, p) => {
    const value = valueOf(instance, member, p);
    if (value === null || current === member) return;
    const ownerMustKeepWork = minimumWork(instance, current, form) > 0;
    if (ownerMustKeepWork && packagesOf(owner, current).length < 2) return;
    const loss = (valueOf(instance, current, p) ?? 0) - value;
    if (loss < bestLoss) {
      best = p;
      bestLoss = loss;
    }
  });
  return best;
}

/** A member that must perform (a conjoint member, R2142-20; the anchor of a solidaire group) gets its cheapest package. */
function giveWorkToIdlePerformers(instance: Instance, form: GroupForm, members: Set<number>, owner: number[]): boolean {
  for (const member of [...members]) {
    if (minimumWork(instance, member, form) <= 0 || packagesOf(owner, member).length > 0) continue;
    const p = cheapestMoveTo(instance, form, owner, member);
    if (p !== null) owner[p] = member;
    else if (member === instance.anchorIndex) return false;
    else members.delete(member);
  }
  return true;
}

/** A GME has ≥ 2 members: add the nearest staff provider, or hand one package to a second performer. */
function reachMinimumSize(instance: Instance, form: GroupForm, members: Set<number>, owner: number[]): boolean {
  while (members.size < instance.minMembers) {
    const staff = instance.candidates
      .map((c, s) => ({ c, s }))
      .filter(({ c, s }) => c.isStaffProvider && !members.has(s))
      .sort((a, b) => b.c.cohesion - a.c.cohesion)[0];
    if (staff) {
      members.add(staff.s);
      continue;
    }
    const move = bestNewPerformer(instance, form, members, owner);
    if (!move) return false;
    owner[move.packageIndex] = move.member;
    members.add(move.member);
  }
  return true;
}

function bestNewPerformer(instance: Instance, form: GroupForm, members: Set<number>, owner: number[]): { member: number; packageIndex: number } | null {
  let best: { member: number; packageIndex: number; loss: number } | null = null;
  instance.candidates.forEach((_, s) => {
    if (members.has(s)) return;
    const p = cheapestMoveTo(instance, form, owner, s);
    if (p === null) return;
    const loss = (valueOf(instance, owner[p], p) ?? 0) - (valueOf(instance, s, p) ?? 0);
    if (!best || loss < best.loss) best = { member: s, packageIndex: p, loss };
  });
  return best;
}
