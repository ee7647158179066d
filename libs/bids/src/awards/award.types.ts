// Inputs and views of the insertion-hours follow-up after award (issue 16).
import type { FollowUp, StructureKind } from '@app/domain';

export const AWARD_MEMBER_ROLES = ['TITULAIRE', 'MANDATAIRE', 'COTRAITANT'] as const;
export type AwardMemberRole = (typeof AWARD_MEMBER_ROLES)[number];

export const AWARD_MEMBER_ROLE_LABELS: Record<AwardMemberRole, string> = {
  TITULAIRE: 'Titulaire',
  MANDATAIRE: 'Mandataire',
  COTRAITANT: 'Cotraitant',
};

/** Either the groupement of a submitted bid, or a sole holder (any structure of the catalogue). */
export interface AwardInput {
  bidId?: string;
  structureId?: string;
  /** Default: the tender's start date and duration; required when the tender gives none. */
  startsOn?: string;
  durationMonths?: number;
  /** E-mail of a facilitator account that follows the clause with the buyer. */
  facilitatorEmail?: string;
}

export interface DeclarationInput {
  quarter: string;
  /** Hours delivered in the quarter, per member (a member left out keeps what it had). */
  entries: { structureId: string; hours: number }[];
  comment?: string;
}

export interface AwardMemberView {
  structureId: string;
  name: string;
  siret: string;
  kind: StructureKind;
  role: AwardMemberRole;
  roleLabel: string;
  declaredHours: number;
}

/** What the caller may do, for pages to show the right forms. */
export interface AwardViewerView {
  isBuyer: boolean;
  isFacilitator: boolean;
  /** Owner of the holder (or of the mandataire): declares for every member. */
  canDeclare: boolean;
}

export interface DeclarationHistoryItem {
  quarter: string;
  quarterLabel: string;
  structureId: string;
  structureName: string;
  hours: number;
  comment: string | null;
  declaredBy: string;
  declaredAt: string;
}

export interface AwardView {
  id: string;
  tenderId: string;
  tenderTitle: string;
  buyerName: string;
  lotNumber: number;
  lotTitle: string;
  bidId: string | null;
  holderStructureId: string;
  holderName: string;
  /** Whether somebody can declare (the holder's structure has an owner). */
  holderHasOwner: boolean;
  facilitator: { id: string; displayName: string; email: string } | null;
  requiredHours: number;
  members: AwardMemberView[];
  followUp: FollowUp;
  history: DeclarationHistoryItem[];
  viewer: AwardViewerView;
  createdAt: string;
}

export interface AwardListItem {
  id: string;
  tenderId: string;
  tenderTitle: string;
  lotNumber: number;
  lotTitle: string;
  holderName: string;
  requiredHours: number;
  declaredHours: number;
  lateQuarters: number;
  startsOn: string;
  endsOn: string;
}

export interface AwardListPage {
  total: number;
  page: number;
  perPage: number;
  items: AwardListItem[];
}
