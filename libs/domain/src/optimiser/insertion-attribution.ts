// Splits each lot's covered insertion hours among the members who bring them (V18): inclusive
// cotraitants in proportion to the hours their work produces, staff providers for the remainder.
import type { Instance } from './instance';
import type { Evaluation, Solution } from './objective';

/** Covered hours credited to each member, aligned with solution.members. */
export function attributeInsertionHours(instance: Instance, solution: Solution, evaluation: Evaluation): number[] {
  const credited = solution.members.map(() => 0);
  const position = new Map(solution.members.map((m, i) => [m, i]));
  const staffPositions = solution.members.map((m, i) => (instance.candidates[m].isStaffProvider ? i : -1)).filter((i) => i >= 0);

  instance.lots.forEach((lot, l) => {
    const coverage = evaluation.coverage[l];
    if (coverage.requiredHours <= 0) return;
    const performedByMember = new Map<number, number>();
    for (const packageIndex of lot.packageIndexes) {
      for (const { member, share } of solution.shares[packageIndex]) {
        const hours = share * (instance.candidates[member].optionByPackage.get(packageIndex)?.insertionHours ?? 0);
        if (hours > 0) performedByMember.set(member, (performedByMember.get(member) ?? 0) + hours);
      }
    }
    // Performers' hours beyond the requirement are not credited: the clause asks for H_l hours.
    const scale = coverage.performedHours > coverage.requiredHours ? coverage.requiredHours / coverage.performedHours : 1;
    for (const [member, hours] of performedByMember) credited[position.get(member) ?? 0] += hours * scale;
    const remainder = coverage.coveredHours - Math.min(coverage.performedHours, coverage.requiredHours);
    if (remainder > 0 && staffPositions.length > 0) {
      for (const i of staffPositions) credited[i] += remainder / staffPositions.length;
    }
  });
  return credited;
}
