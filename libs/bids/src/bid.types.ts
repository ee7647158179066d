// Inputs and views of the bid workspace (docs/api-contract.md, "Bids"). Views are plain data: the API
// returns them as JSON and the web pages render them (the printable summary included).
import type { AccountRole, BidAssignmentInput, BidMemberStatus, GroupForm, MemberRole, PrestationType, Reservation, RuleViolation, RuleWarning, StructureKind } from '@app/domain';
import type { BidEventType, BidStatus } from '@app/persistence';

/** Who asks: the account and its role (admins read every bid; only owners of structures act for them). */
export interface BidCaller {
  id: string;
  role: AccountRole;
}

export interface CreateBidInput {
  tenderId: string;
  lots: number[];
  leadStructureId: string;
  fromProposalId?: string;
}

export interface UpdateBidInput {
  form?: GroupForm;
  mandataireSolidaire?: boolean;
  mandataireStructureId?: string;
  /** Replaces every assignment of the bid. */
  assignments?: BidAssignmentInput[];
}

export const SUBSTITUTION_REASONS = ['RESTRUCTURING', 'INCAPACITY', 'NEGOTIATION'] as const;
export type SubstitutionReason = (typeof SUBSTITUTION_REASONS)[number];

export interface SubstitutionInput {
  outgoingStructureId: string;
  incomingStructureId: string;
  reason: SubstitutionReason;
}

/**
 * A substitution request after submission (V9). `status`: pending until the incoming structure's owner
 * accepted and the tender's buyer authorised it (then applied), or one of them said no (declined / refused).
 */
export interface SubstitutionView {
  id: string;
  bidId: string;
  outgoingStructureId: string;
  outgoingName: string;
  incomingStructureId: string;
  incomingName: string;
  reason: SubstitutionReason;
  status: 'pending' | 'applied' | 'declined' | 'refused' | 'cancelled';
  incomingAnswer: 'pending' | 'accepted' | 'declined';
  buyerDecision: 'pending' | 'authorised' | 'refused';
  decisionReason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export interface ListBidsQuery {
  tenderId?: string;
  page?: number;
  perPage?: number;
}

export interface AssignmentView {
  lot: number;
  workPackage?: string;
  share: number;
}

export interface BidMemberView {
  structureId: string;
  siret: string;
  name: string;
  kind: StructureKind;
  role: MemberRole;
  status: BidMemberStatus;
  isLead: boolean;
  /** false for a structure nobody has claimed yet: it cannot answer until it does. */
  hasOwner: boolean;
  assignments: AssignmentView[];
  estimatedAmountEur: number;
  insertionHours: number;
  invitedAt: string;
  answeredAt: string | null;
}

/** What the caller may do with the bid, for pages to show the right buttons. */
export interface BidViewerView {
  isLead: boolean;
  isBuyer: boolean;
  /** The caller's structures on the bid (each one answers its own invitation). */
  memberStructureIds: string[];
  canEdit: boolean;
}

export interface BidView {
  id: string;
  tenderId: string;
  status: BidStatus;
  lots: number[];
  leadStructureId: string;
  fromProposalId: string | null;
  form: GroupForm;
  mandataireSolidaire: boolean;
  mandataireStructureId: string | null;
  members: BidMemberView[];
  insertion: { requiredHours: number; coveredHours: number };
  viewer: BidViewerView;
  submittedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface BidCheckView {
  violations: RuleViolation[];
  warnings: RuleWarning[];
}

export type SubmittedBidView = BidView & BidCheckView;

export interface BidListItem {
  id: string;
  tenderId: string;
  tenderTitle: string;
  status: BidStatus;
  lots: number[];
  form: GroupForm;
  leadStructureId: string;
  leadStructureName: string;
  memberCount: number;
  /** lead: the caller owns the lead structure; member: another member structure; buyer: the tender's buyer. */
  relation: 'lead' | 'member' | 'buyer' | 'admin';
  submittedAt: string | null;
  createdAt: string;
}

export interface BidPage {
  total: number;
  page: number;
  perPage: number;
  items: BidListItem[];
}

export interface BidEventView {
  id: string;
  type: BidEventType;
  at: string;
  actor: { id: string; displayName: string };
  structure: { id: string; name: string; siret: string } | null;
  details: Record<string, unknown>;
}

// The groupement summary: the facts that go into the DC1 and the acte d'engagement.

export interface SummaryWorkPackage {
  code: string;
  title: string;
  share: number;
}

export interface SummaryLot {
  number: number;
  title: string;
  estimatedAmountEur: number;
  prestationType: PrestationType;
  reservation: Reservation;
  insertionHoursRequired: number;
  workPackages: SummaryWorkPackage[];
}

export interface SummaryAssignment {
  lot: number;
  lotTitle: string;
  workPackage: string | null;
  workPackageTitle: string | null;
  /** The member's share of the lot, or of the work package when there is one. */
  share: number;
  /** The same as a fraction of the whole lot. */
  shareOfLot: number;
  amountEur: number;
}

export interface SummaryMember {
  structureId: string;
  siret: string;
  name: string;
  kind: StructureKind;
  kindLabel: string;
  role: MemberRole;
  status: BidMemberStatus;
  lots: number[];
  assignments: SummaryAssignment[];
  estimatedAmountEur: number;
  /** Share of the groupement's total amount (0–1). */
  shareOfTotal: number;
  insertionHours: number;
}

export interface BidSummary {
  bidId: string;
  status: BidStatus;
  submittedAt: string | null;
  tender: {
    id: string;
    /** The buyer's reference when the tender has one (imported records), else its id. */
    reference: string;
    title: string;
    buyer: { name: string; siret: string | null };
    responseDeadline: string | null;
    lots: SummaryLot[];
  };
  form: GroupForm;
  formLabel: string;
  mandataireSolidaire: boolean;
  mandataire: { structureId: string; siret: string; name: string } | null;
  /** Active members (a declined invitation is not part of the groupement), mandataire first. */
  members: SummaryMember[];
  totals: { estimatedAmountEur: number; insertionHoursRequired: number; insertionHoursCovered: number };
  check: BidCheckView;
  generatedAt: string;
}

/** Who an invitation reached: the structure's owner, an e-mail address (structure nobody owns), or nobody. */
export interface InvitationDelivery {
  channel: 'owner' | 'email' | 'none';
  /** The address written to (channel "email"), or the one that could not be used (no e-mail service). */
  email: string | null;
}
