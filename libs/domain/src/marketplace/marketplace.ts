// The marketplace loop's rules (issue 15): which published tenders an alert profile wants, when a buyer
// is told about interested structures, which candidates of a lot are alerted, how the matcher favours
// structures that asked for partners. Pure functions: the services apply them, the tests pin them.
import { isEligible } from '../eligibility';
import type { Reservation, StructureKind } from '../vocabulary';

export const ALERT_FREQUENCIES = ['immediate', 'daily'] as const;
export type AlertFrequency = (typeof ALERT_FREQUENCIES)[number];

/** A supplier's saved search: every list left empty means "any". */
export interface AlertProfileCriteria {
  sectors: string[];
  departments: string[];
  regions: string[];
  kinds: StructureKind[];
  reservations: Reservation[];
}

/** What a profile is compared with: the place and the lots of a published tender. */
export interface PublishedTenderFacts {
  department: string | null;
  region: string | null;
  lots: { sectors: string[]; reservation: Reservation }[];
}

/**
 * A tender matches a profile when its place is in the profile's area (departments or regions, either
 * suffices) and at least one lot fits every other criterion at once: one of the sectors, one of the
 * reservation types, and open to one of the kinds (V13: a reserved lot is closed to ineligible kinds).
 */
export function tenderMatchesProfile(profile: AlertProfileCriteria, tender: PublishedTenderFacts): boolean {
  const areaGiven = profile.departments.length > 0 || profile.regions.length > 0;
  if (areaGiven) {
    const inArea =
      (tender.department !== null && profile.departments.includes(tender.department)) || (tender.region !== null && profile.regions.includes(tender.region));
    if (!inArea) return false;
  }
  return tender.lots.some(
    (lot) =>
      (profile.sectors.length === 0 || lot.sectors.some((s) => profile.sectors.includes(s))) &&
      (profile.reservations.length === 0 || profile.reservations.includes(lot.reservation)) &&
      (profile.kinds.length === 0 || profile.kinds.some((kind) => isEligible(kind, lot.reservation))),
  );
}

/** The buyer hears of the 1st, 2nd, 5th, 10th, 15th… interested structure. */
export function isInterestMilestone(interestedCount: number): boolean {
  return interestedCount === 1 || interestedCount === 2 || (interestedCount > 0 && interestedCount % 5 === 0);
}

/**
 * The milestone to announce after an answer, if any: only a count never announced before (a structure
 * that goes interested → not → interested again does not re-announce the same count).
 */
export function interestMilestoneToAnnounce(interestedCount: number, highestAnnounced: number): number | null {
  return interestedCount > highestAnnounced && isInterestMilestone(interestedCount) ? interestedCount : null;
}

/** A candidate of a lot as the alert fan-out sees it, best first. */
export interface AlertCandidate {
  structureId: string;
  ownerId: string | null;
  demo: boolean;
}

/**
 * Who is alerted of a publication: for each lot, the best `perLot` candidates that are not demo rows and
 * have an owner to tell (an unowned register row cannot be told), owners once across lots, in order of
 * first appearance; owners who unsubscribed are skipped. Returns owner → the structures it is told about.
 */
export function alertRecipients(lots: readonly (readonly AlertCandidate[])[], perLot: number, unsubscribed: ReadonlySet<string> = new Set()): Map<string, string[]> {
  const recipients = new Map<string, string[]>();
  for (const candidates of lots) {
    let taken = 0;
    for (const c of candidates) {
      if (taken >= perLot) break;
      if (c.demo || !c.ownerId) continue;
      taken += 1;
      if (unsubscribed.has(c.ownerId)) continue;
      const structures = recipients.get(c.ownerId) ?? [];
      if (!structures.includes(c.structureId)) structures.push(c.structureId);
      recipients.set(c.ownerId, structures);
    }
  }
  return recipients;
}

/** Points added to a lot score of a structure that asked for partners on the tender (0–100 scale, capped). */
export const PARTNER_SEEKER_BONUS = 15;

export function partnerSeekerScore(score: number): number {
  return Math.min(100, score + PARTNER_SEEKER_BONUS);
}
