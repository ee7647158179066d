// Stored bid → views. Amounts, insertion hours and rule findings come from the domain (the same
// functions the matcher and checkGrouping use); this file only arranges them.
import {
  bidGrouping,
  insertionCoverage,
  memberAmounts,
  memberLotShare,
  structureKindLabel,
  type BidShape,
  type LotSpec,
  type TenderSpec,
} from '@app/domain';
import type { BidEntity } from '@app/persistence';
import type { TenderView } from '@app/tenders';
import type { BidCheckView, BidMemberView, BidSummary, BidView, BidViewerView, SummaryAssignment, SummaryMember } from './bid.types';
import type { MemberRow } from './bid.store';

const FORM_LABELS = { CONJOINT: 'Groupement conjoint', SOLIDAIRE: 'Groupement solidaire' } as const;

const roundCents = (amount: number) => Math.round(amount * 100) / 100;

export function bidShape(bid: BidEntity, members: readonly MemberRow[]): BidShape {
  return {
    lots: bid.lots,
    form: bid.form,
    mandataireSolidaire: bid.mandataireSolidaire,
    mandataireStructureId: bid.mandataireStructureId,
    members: members.map((m) => ({
      structureId: m.structureId,
      kind: m.kind,
      status: m.status,
      assignments: m.assignments,
      ...(m.annualRevenueEur !== null ? { annualRevenueEur: m.annualRevenueEur } : {}),
    })),
  };
}

/** Names and revenues for checkGrouping's messages and capacity warnings. */
export function memberFacts(members: readonly MemberRow[]): Record<string, { name: string; annualRevenueEur?: number }> {
  return Object.fromEntries(members.map((m) => [m.structureId, { name: m.name, ...(m.annualRevenueEur !== null ? { annualRevenueEur: m.annualRevenueEur } : {}) }]));
}

/** Amounts and insertion hours of the active members (declined members have no assignments). */
function figures(bid: BidEntity, members: readonly MemberRow[], spec: TenderSpec) {
  const grouping = bidGrouping(bidShape(bid, members));
  return { grouping, amounts: memberAmounts(grouping, spec), coverage: insertionCoverage(grouping, spec) };
}

export function toBidView(bid: BidEntity, members: readonly MemberRow[], spec: TenderSpec, viewer: BidViewerView): BidView {
  const { amounts, coverage } = figures(bid, members, spec);
  return {
    id: bid.id,
    tenderId: bid.tenderId,
    status: bid.status,
    lots: bid.lots,
    leadStructureId: bid.leadStructureId,
    fromProposalId: bid.fromProposalId,
    form: bid.form,
    mandataireSolidaire: bid.mandataireSolidaire,
    mandataireStructureId: bid.mandataireStructureId,
    members: members.map(
      (m): BidMemberView => ({
        structureId: m.structureId,
        siret: m.siret,
        name: m.name,
        kind: m.kind,
        role: m.status !== 'declined' && m.structureId === bid.mandataireStructureId ? 'MANDATAIRE' : 'COTRAITANT',
        status: m.status,
        isLead: m.structureId === bid.leadStructureId,
        hasOwner: m.ownerId !== null,
        assignments: m.assignments,
        estimatedAmountEur: amounts[m.structureId] ?? 0,
        insertionHours: coverage.byMember[m.structureId] ?? 0,
        invitedAt: m.invitedAt.toISOString(),
        answeredAt: m.answeredAt?.toISOString() ?? null,
      }),
    ),
    insertion: { requiredHours: coverage.requiredHours, coveredHours: coverage.coveredHours },
    viewer,
    submittedAt: bid.submittedAt?.toISOString() ?? null,
    createdAt: bid.createdAt.toISOString(),
    updatedAt: bid.updatedAt.toISOString(),
    version: bid.version,
  };
}

function summaryAssignments(member: MemberRow, lots: readonly LotSpec[]): SummaryAssignment[] {
  return member.assignments.flatMap((a) => {
    const lot = lots.find((l) => l.number === a.lot);
    if (!lot) return [];
    const workPackage = a.workPackage === undefined ? undefined : lot.workPackages.find((wp) => wp.code === a.workPackage);
    const shareOfLot = memberLotShare({ structureId: member.structureId, kind: member.kind, role: 'COTRAITANT', assignments: [a] }, lot);
    return [
      {
        lot: lot.number,
        lotTitle: lot.title ?? `Lot ${lot.number}`,
        workPackage: a.workPackage ?? null,
        workPackageTitle: workPackage?.title ?? null,
        share: a.share,
        shareOfLot,
        amountEur: roundCents(shareOfLot * lot.estimatedAmountEur),
      },
    ];
  });
}

export function toBidSummary(bid: BidEntity, members: readonly MemberRow[], tender: TenderView, spec: TenderSpec, check: BidCheckView): BidSummary {
  const { grouping, amounts, coverage } = figures(bid, members, spec);
  const lots = spec.lots.filter((lot) => bid.lots.includes(lot.number));
  const total = roundCents(lots.reduce((sum, lot) => sum + lot.estimatedAmountEur, 0));
  const active = members.filter((m) => m.status !== 'declined');
  const mandataire = active.find((m) => m.structureId === bid.mandataireStructureId);
  const summaryMembers = active.map((m): SummaryMember => {
    const role = grouping.members.find((g) => g.structureId === m.structureId)?.role ?? 'COTRAITANT';
    const assignments = summaryAssignments(m, lots);
    const amount = amounts[m.structureId] ?? 0;
    return {
      structureId: m.structureId,
      siret: m.siret,
      name: m.name,
      kind: m.kind,
      kindLabel: structureKindLabel(m.kind),
      role,
      status: m.status,
      lots: [...new Set(assignments.map((a) => a.lot))].sort((a, b) => a - b),
      assignments,
      estimatedAmountEur: amount,
      shareOfTotal: total > 0 ? Math.round((amount / total) * 10_000) / 10_000 : 0,
      insertionHours: coverage.byMember[m.structureId] ?? 0,
    };
  });
  summaryMembers.sort((a, b) => Number(b.role === 'MANDATAIRE') - Number(a.role === 'MANDATAIRE'));
  return {
    bidId: bid.id,
    status: bid.status,
    submittedAt: bid.submittedAt?.toISOString() ?? null,
    tender: {
      id: tender.id,
      reference: tender.externalId ?? tender.id,
      title: tender.title,
      buyer: { name: tender.buyer.name, siret: tender.buyer.siret ?? null },
      responseDeadline: tender.responseDeadline,
      lots: lots.map((lot) => ({
        number: lot.number,
        title: lot.title ?? `Lot ${lot.number}`,
        estimatedAmountEur: lot.estimatedAmountEur,
        prestationType: lot.prestationType,
        reservation: lot.reservation,
        insertionHoursRequired: lot.insertionHoursRequired,
        workPackages: lot.workPackages.map((wp) => ({ code: wp.code, title: wp.title ?? wp.code, share: wp.share })),
      })),
    },
    form: bid.form,
    formLabel: FORM_LABELS[bid.form],
    mandataireSolidaire: bid.mandataireSolidaire,
    mandataire: mandataire ? { structureId: mandataire.structureId, siret: mandataire.siret, name: mandataire.name } : null,
    members: summaryMembers,
    totals: { estimatedAmountEur: total, insertionHoursRequired: coverage.requiredHours, insertionHoursCovered: coverage.coveredHours },
    check,
    generatedAt: new Date().toISOString(),
  };
}
