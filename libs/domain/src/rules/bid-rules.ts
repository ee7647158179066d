// The bid workspace's side of the rules: a bid (a real groupement being formed, with invitations) is
// mapped onto the grouping model and checked by the same checkGrouping the matcher uses. What only
// exists for bids lives here: members who have not answered, other submitted bids on the same lots
// (V3, V4), and the shape of the split the lead edits (V7 while forming).
import type { Assignment, Grouping, LotSpec, RuleViolation, TenderSpec } from '../grouping';
import type { GroupForm, StructureKind } from '../vocabulary';
import { SHARE_SUM_TOLERANCE, checkGrouping, type GroupingCheckContext, type GroupingCheckResult, type OtherBid } from './grouping-rules';

export const BID_MEMBER_STATUSES = ['invited', 'accepted', 'declined'] as const;
export type BidMemberStatus = (typeof BID_MEMBER_STATUSES)[number];

export interface BidMemberShape {
  structureId: string;
  kind: StructureKind;
  status: BidMemberStatus;
  assignments: Assignment[];
  annualRevenueEur?: number;
}

export interface BidShape {
  lots: number[];
  form: GroupForm;
  mandataireSolidaire: boolean;
  mandataireStructureId: string | null;
  members: BidMemberShape[];
}

/** Another bid of the same tender as the rules see it: its lots, its mandataire and its members. */
export interface BidParticipation {
  lots: number[];
  mandataireStructureId: string;
  memberStructureIds: string[];
}

/** An assignment as the lead edits it: one flat list for the whole bid. */
export interface BidAssignmentInput extends Assignment {
  structureId: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Members that count: a declined member is kept on the bid for the record but is not part of the groupement. */
export function activeMembers<M extends { status: BidMemberStatus }>(members: readonly M[]): M[] {
  return members.filter((member) => member.status !== 'declined');
}

/** The bid as a grouping: active members, the mandataire designated by id, each member's own assignments. */
export function bidGrouping(bid: BidShape): Grouping {
  return {
    lots: [...bid.lots],
    form: bid.form,
    mandataireSolidaire: bid.mandataireSolidaire,
    members: activeMembers(bid.members).map((member) => ({
      structureId: member.structureId,
      kind: member.kind,
      role: member.structureId === bid.mandataireStructureId ? 'MANDATAIRE' : 'COTRAITANT',
      assignments: member.assignments.map((a) => ({ lot: a.lot, ...(a.workPackage !== undefined ? { workPackage: a.workPackage } : {}), share: a.share })),
      ...(member.annualRevenueEur !== undefined ? { annualRevenueEur: member.annualRevenueEur } : {}),
    })),
  };
}

/** Other bids lot by lot (each lot is its own contract), as checkGrouping reads them for V3 and V4. */
export function otherBidsByLot(bids: readonly BidParticipation[]): OtherBid[] {
  return bids.flatMap((bid) => bid.lots.map((lot) => ({ lot, mandataireStructureId: bid.mandataireStructureId, memberStructureIds: [...bid.memberStructureIds] })));
}

/**
 * Everything that must hold before a bid is handed in: the grouping rules (V1, V2, V3 and V4 against the
 * other submitted bids, V5, V7, V13, no member twice) and every active member having accepted. Warnings
 * (V6, V7 split not detailed, V8, uncertain eligibility, V18–V22) never block.
 */
export function checkBid(
  bid: BidShape,
  tender: TenderSpec,
  context: Omit<GroupingCheckContext, 'otherBidsOfMembers'> & { otherBids?: readonly BidParticipation[] } = {},
): GroupingCheckResult {
  const { otherBids = [], ...rest } = context;
  const result = checkGrouping(bidGrouping(bid), tender, { ...rest, otherBidsOfMembers: otherBidsByLot(otherBids) });
  const pending: RuleViolation[] = [];
  activeMembers(bid.members).forEach((member, index) => {
    if (member.status === 'accepted') return;
    const name = context.members?.[member.structureId]?.name ?? member.structureId;
    pending.push({
      rule: 'MEMBERS_ACCEPTED',
      field: `members[${index}]`,
      message: `« ${name} » n'a pas encore accepté de rejoindre le groupement : chaque membre doit avoir accepté avant le dépôt.`,
    });
  });
  return { violations: [...pending, ...result.violations], warnings: result.warnings };
}

/**
 * Shape of the split the lead saves while the bid is forming: each assignment names an active member, a
 * lot of the bid, a work package of that lot when it has some (and only then), a share in (0, 1], once;
 * and no lot or work package is shared out beyond 100 %. Less than 100 % is allowed while forming: the
 * full split (V7) is checked at submission.
 */
export function bidAssignmentProblems(
  assignments: readonly BidAssignmentInput[],
  scope: { lots: readonly number[]; tenderLots: readonly Pick<LotSpec, 'number' | 'workPackages'>[]; memberIds: readonly string[] },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const members = new Set(scope.memberIds);
  const lots = new Set(scope.lots);
  const seen = new Set<string>();
  const sums = new Map<string, number>();
  assignments.forEach((a, index) => {
    const at = (key: string) => `assignments[${index}].${key}`;
    if (!members.has(a.structureId)) problems.push({ field: at('structureId'), message: "cette structure n'est pas membre du groupement (ou a décliné l'invitation)" });
    const lot = scope.tenderLots.find((candidate) => candidate.number === a.lot);
    if (!lots.has(a.lot) || lot === undefined) {
      problems.push({ field: at('lot'), message: `le lot ${a.lot} ne fait pas partie de ce groupement (lots : ${[...lots].join(', ')})` });
    } else if (lot.workPackages.length > 0 && a.workPackage === undefined) {
      problems.push({ field: at('workPackage'), message: `le lot ${a.lot} est découpé en prestations : préciser laquelle (${lot.workPackages.map((wp) => wp.code).join(', ')})` });
    } else if (lot.workPackages.length === 0 && a.workPackage !== undefined) {
      problems.push({ field: at('workPackage'), message: `le lot ${a.lot} n'est pas découpé en prestations` });
    } else if (a.workPackage !== undefined && !lot.workPackages.some((wp) => wp.code === a.workPackage)) {
      problems.push({ field: at('workPackage'), message: `le lot ${a.lot} n'a pas de prestation « ${a.workPackage} »` });
    }
    if (!Number.isFinite(a.share) || a.share <= 0 || a.share > 1) {
      problems.push({ field: at('share'), message: 'une part est comprise entre 0 exclu et 1' });
      return;
    }
    const unit = `${a.lot}|${a.workPackage ?? ''}`;
    const key = `${a.structureId}|${unit}`;
    if (seen.has(key)) problems.push({ field: `assignments[${index}]`, message: 'cette structure a déjà une part sur ce lot (ou cette prestation)' });
    seen.add(key);
    sums.set(unit, (sums.get(unit) ?? 0) + a.share);
  });
  for (const [unit, sum] of sums) {
    if (sum <= 1 + SHARE_SUM_TOLERANCE) continue;
    const [lot, workPackage] = unit.split('|');
    const where = workPackage ? `lot ${lot}, prestation « ${workPackage} »` : `lot ${lot}`;
    problems.push({ field: 'assignments', message: `${where} : les parts totalisent ${Math.round(sum * 1000) / 10} %, au-delà de 100 %` });
  }
  return problems;
}
