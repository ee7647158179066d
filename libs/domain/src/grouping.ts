// The grouping model shared by the matcher (proposals) and the bid workspace (real groupements).
// Rule checks over it live in ./rules; both the optimiser and bids call the same checks.
import type { GeoPoint, GroupForm, MemberRole, PrestationType, Reservation, StructureKind } from './vocabulary';

export interface WorkPackageSpec {
  code: string;
  title?: string;
  share: number; // fraction of the lot amount, shares of a lot sum to 1
  sectors: string[];
}

export interface LotSpec {
  number: number;
  title?: string;
  estimatedAmountEur: number;
  prestationType: PrestationType;
  reservation: Reservation;
  sectors: string[]; // sector codes (given, or derived from the lot's CPV codes)
  workPackages: WorkPackageSpec[]; // empty = the lot is one indivisible package
  insertionHoursRequired: number; // 0 when no social clause
}

export interface TenderSpec {
  id: string;
  executionCommune: { code: string; department: string; region: string; location: GeoPoint };
  mandataireSolidaireRequired: boolean;
  multipleBidsForbidden: boolean;
  lots: LotSpec[];
}

export interface Assignment {
  lot: number;
  workPackage?: string; // absent when the lot has no work packages
  share: number; // fraction of the lot (or of the work package when given) taken by the member
}

export interface GroupMember {
  structureId: string;
  kind: StructureKind;
  role: MemberRole;
  assignments: Assignment[];
  annualRevenueEur?: number;
}

export interface Grouping {
  lots: number[];
  form: GroupForm;
  mandataireSolidaire: boolean;
  members: GroupMember[];
}

/** A rule the grouping breaks: blocks a submission, never produced by the matcher. */
export interface RuleViolation {
  rule: string; // 'V2', 'V7', 'V13', …
  field?: string; // e.g. 'members[2]', 'assignments', 'mandataireStructureId'
  message: string; // plain French, shown to users
}

/** Something users must see but that is not a rejection (UNVERIFIED rules, practice caps). */
export interface RuleWarning {
  rule: string;
  message: string;
}
