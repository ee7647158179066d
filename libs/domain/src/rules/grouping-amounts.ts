// What each member of a grouping takes: its share of each lot, its amount, and the insertion hours
// it brings (V18). Malformed assignments (unknown lot or work package, lots outside the grouping) are
// ignored here; checkGrouping reports them (V7).
import type { GroupMember, Grouping, LotSpec, TenderSpec } from '../grouping';
import { DEFAULT_HOURLY_COST_EUR, DEFAULT_LABOUR_SHARE } from '../insertion-hours';
import type { StructureKind } from '../vocabulary';

/** V18: cotraitance or subcontracting with these kinds produces insertion hours on the work they perform. */
export const INSERTION_PERFORMER_KINDS: readonly StructureKind[] = ['EI', 'ACI', 'EA', 'ESAT'];
/** V18: staff provision by these kinds covers insertion hours of the titulaire (whatever their share). */
export const INSERTION_STAFF_PROVIDER_KINDS: readonly StructureKind[] = ['AI', 'ETTI', 'GEIQ', 'EATT'];

/** Whether a kind is an eligible V18 route (COMPANY and EITI are not). */
export function countsForInsertion(kind: StructureKind): boolean {
  return INSERTION_PERFORMER_KINDS.includes(kind) || INSERTION_STAFF_PROVIDER_KINDS.includes(kind);
}

/** The grouping's lots that exist in the tender, each once, in the grouping's order. */
export function groupingLots(grouping: Grouping, tender: TenderSpec): LotSpec[] {
  const lots: LotSpec[] = [];
  for (const number of new Set(grouping.lots)) {
    const lot = tender.lots.find((candidate) => candidate.number === number);
    if (lot !== undefined) lots.push(lot);
  }
  return lots;
}

/**
 * Fraction of a lot taken by a member: a share of a work package counts for that package's share of the
 * lot; without work packages the share is of the lot itself. Invalid assignments count for nothing.
 */
export function memberLotShare(member: GroupMember, lot: LotSpec): number {
  let total = 0;
  for (const assignment of member.assignments) {
    if (assignment.lot !== lot.number || !Number.isFinite(assignment.share) || assignment.share <= 0) continue;
    if (lot.workPackages.length === 0) {
      if (assignment.workPackage === undefined) total += assignment.share;
      continue;
    }
    const workPackage = lot.workPackages.find((candidate) => candidate.code === assignment.workPackage);
    if (workPackage !== undefined) total += workPackage.share * assignment.share;
  }
  return total;
}

const roundCents = (amount: number): number => Math.round(amount * 100) / 100;

/** Estimated amount (€ HT, to the cent) each member performs over the grouping's lots. */
export function memberAmounts(grouping: Grouping, tender: TenderSpec): Record<string, number> {
  const lots = groupingLots(grouping, tender);
  const amounts: Record<string, number> = {};
  for (const member of grouping.members) {
    const amount = lots.reduce((sum, lot) => sum + memberLotShare(member, lot) * lot.estimatedAmountEur, 0);
    amounts[member.structureId] = roundCents((amounts[member.structureId] ?? 0) + amount);
  }
  return amounts;
}

export interface InsertionCoverageOptions {
  labourShare?: number; // r_MO of the work an inclusive cotraitant performs (V17), default 0.5
  hourlyCostEur?: number; // c (V17), default 30 €/h
}

export interface InsertionCoverage {
  requiredHours: number;
  coveredHours: number;
  byMember: Record<string, number>; // hours credited to each member, rounded (may differ from the total by rounding)
}

/**
 * Insertion hours the members can cover (V18), lot by lot:
 * - an EI/ACI/EA/ESAT performing an amount brings its labour hours, amount × r_MO ÷ c (V17): its
 *   purpose is to employ eligible people on the work it performs;
 * - an AI/ETTI/GEIQ/EATT member can supply staff for whatever remains, so its presence covers the rest;
 * - COMPANY hours (direct hiring) and EITI hours are unknown here and not counted.
 * Coverage never exceeds the requirement; performers are credited first, in proportion to their hours,
 * staff providers share the remainder equally. How hours are split among GME members in practice is
 * NOT FOUND (§3): the facilitateur validates the real split.
 */
export function insertionCoverage(grouping: Grouping, tender: TenderSpec, options: InsertionCoverageOptions = {}): InsertionCoverage {
  const labourShare = options.labourShare ?? DEFAULT_LABOUR_SHARE;
  const hourlyCostEur = options.hourlyCostEur ?? DEFAULT_HOURLY_COST_EUR;
  const credited = new Map<string, number>(grouping.members.map((member) => [member.structureId, 0]));
  const staffProviders = [...new Set(grouping.members.filter((m) => INSERTION_STAFF_PROVIDER_KINDS.includes(m.kind)).map((m) => m.structureId))];
  let requiredHours = 0;
  let coveredHours = 0;

  for (const lot of groupingLots(grouping, tender)) {
    const required = Math.max(0, lot.insertionHoursRequired);
    requiredHours += required;
    if (required === 0) continue;
    const performed = new Map<string, number>();
    for (const member of grouping.members) {
      if (!INSERTION_PERFORMER_KINDS.includes(member.kind)) continue;
      const hours = (memberLotShare(member, lot) * lot.estimatedAmountEur * labourShare) / hourlyCostEur;
      if (hours > 0) performed.set(member.structureId, (performed.get(member.structureId) ?? 0) + hours);
    }
    const performedTotal = [...performed.values()].reduce((sum, hours) => sum + hours, 0);
    const scale = performedTotal > required ? required / performedTotal : 1;
    for (const [structureId, hours] of performed) credited.set(structureId, (credited.get(structureId) ?? 0) + hours * scale);
    const fromPerformers = Math.min(performedTotal, required);
    const remainder = staffProviders.length > 0 ? required - fromPerformers : 0;
    for (const structureId of staffProviders) credited.set(structureId, (credited.get(structureId) ?? 0) + remainder / staffProviders.length);
    coveredHours += fromPerformers + remainder;
  }

  const byMember: Record<string, number> = {};
  for (const [structureId, hours] of credited) byMember[structureId] = Math.round(hours);
  return { requiredHours: Math.round(requiredHours), coveredHours: Math.round(coveredHours), byMember };
}
