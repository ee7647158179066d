// Entity → API shape, with what the contract derives per lot: insertion hours (V17), the threshold
// category (V23), and the tender-level missing-social-clause flag (V24).
import {
  ContractNature,
  insertionHours,
  missingSocialClauseFlag,
  natureForCpv,
  procedureCategory,
  type PrestationType,
} from '@app/domain';
import type { ContractHolderEntity, TenderEntity, TenderLotEntity } from '@app/persistence';
import type { ReferenceLookup } from './reference-lookup';
import { sectorsOfCpvCodes } from './reference-lookup';
import type { LotView, ProcedureView, TenderActor, TenderFlag, TenderView } from './tender.types';

export function canManageTender(actor: TenderActor | undefined, tender: Pick<TenderEntity, 'ownerId'>): boolean {
  return !!actor && (actor.role === 'admin' || (tender.ownerId !== null && tender.ownerId === actor.id));
}

/** Drafts are visible to their owner and admins only; published and closed tenders to everyone. */
export function canSeeTender(actor: TenderActor | undefined, tender: Pick<TenderEntity, 'ownerId' | 'status'>): boolean {
  return tender.status !== 'draft' || canManageTender(actor, tender);
}

/** Given sectors win; otherwise those of the lot's CPV codes, else of the tender's. */
export function effectiveSectors(
  lot: { sectors?: readonly string[] | null; cpvCodes?: readonly string[] | null },
  tenderCpvCodes: readonly string[],
  reference: Pick<ReferenceLookup, 'cpv'>,
): string[] {
  if (lot.sectors?.length) return [...lot.sectors];
  if (lot.cpvCodes?.length) {
    const fromLot = sectorsOfCpvCodes(lot.cpvCodes, reference);
    if (fromLot.length) return fromLot;
  }
  return sectorsOfCpvCodes(tenderCpvCodes, reference);
}

/** Contract nature for the thresholds: the main CPV code's division, else the prestation type. */
export function contractNature(cpvCodes: readonly string[], prestationType: PrestationType): ContractNature {
  for (const code of cpvCodes) {
    const nature = natureForCpv(code);
    if (nature) return nature;
  }
  return prestationType === 'BUILD' ? 'SUPPLIES' : 'SERVICES';
}

/** The day the consultation counts from for V23/V24: notification (imported), publication, else creation. */
export function consultationDate(tender: Pick<TenderEntity, 'notifiedOn' | 'publishedAt' | 'createdAt'>): Date {
  if (tender.notifiedOn) return new Date(`${tender.notifiedOn}T12:00:00Z`);
  return tender.publishedAt ?? tender.createdAt ?? new Date();
}

/** Labour share group of a lot (V17): the group of its first sector that has one. */
function sectorGroupOf(sectors: readonly string[], reference: Pick<ReferenceLookup, 'sector'>): string | undefined {
  for (const code of sectors) {
    const group = reference.sector(code)?.group;
    if (group) return group;
  }
  return undefined;
}

export function lotInsertionHours(lot: Pick<TenderLotEntity, 'socialClause' | 'estimatedAmountEur'>, sectors: readonly string[], reference: Pick<ReferenceLookup, 'sector'>) {
  const clause = lot.socialClause;
  // Without a social clause nothing is required; reservation is another route (V13), not hours.
  if (!clause) return { hours: 0, basis: null };
  const result = insertionHours({
    amountEur: lot.estimatedAmountEur ?? 0,
    givenHours: clause.insertionHours,
    labourShare: clause.labourShare,
    insertionRate: clause.insertionRate,
    hourlyCostEur: clause.hourlyCostEur,
    sectorGroup: sectorGroupOf(sectors, reference),
  });
  return {
    hours: result.hours,
    basis: { computed: result.computed, labourShare: result.labourShare, insertionRate: result.insertionRate, hourlyCostEur: result.hourlyCostEur },
  };
}

function lotProcedure(tender: TenderEntity, lot: TenderLotEntity, totalEur: number): ProcedureView | null {
  if (lot.estimatedAmountEur === null) return null;
  // Lots are counted together: the value of all lots decides the procedure of each (R2121-1, allotissement).
  const nature = contractNature(lot.cpvCodes.length ? lot.cpvCodes : tender.cpvCodes, lot.prestationType);
  const category = procedureCategory({ amountEur: totalEur, nature, date: consultationDate(tender) });
  return { code: category.code, label: category.label, euThresholdEur: category.euThresholdEur, basisEur: totalEur };
}

/** A social clause the L2112-2-1 obligation accepts: an execution condition, insertion as the object, or a reserved lot. */
function lotHasSocialCommitment(lot: TenderLotEntity): boolean {
  return lot.reservation !== 'NONE' || (lot.socialClause !== null && lot.socialClause.type !== 'AWARD_CRITERION');
}

/** V24: flags the lots of a tender at or above the EU threshold that carry no social execution condition. */
export function tenderFlags(tender: TenderEntity, lots: readonly TenderLotEntity[]): TenderFlag[] {
  if (tender.source !== 'manual') return [];
  const totalEur = lots.reduce((sum, lot) => sum + (lot.estimatedAmountEur ?? 0), 0);
  const missing = lots.filter((lot) => !lotHasSocialCommitment(lot));
  if (missing.length === 0 || totalEur <= 0) return [];
  const nature = contractNature(tender.cpvCodes, missing[0].prestationType);
  const flag = missingSocialClauseFlag({ amountEur: totalEur, nature, date: consultationDate(tender), hasSocialClause: false });
  if (!flag) return [];
  return [{ rule: flag.rule, code: 'MISSING_SOCIAL_CLAUSE', message: flag.message, lots: missing.map((lot) => lot.number) }];
}

export function toLotView(tender: TenderEntity, lot: TenderLotEntity, totalEur: number, reference: ReferenceLookup): LotView {
  const sectors = lot.effectiveSectors.length ? lot.effectiveSectors : effectiveSectors(lot, tender.cpvCodes, reference);
  const hours = lotInsertionHours(lot, sectors, reference);
  return {
    number: lot.number,
    title: lot.title,
    description: lot.description,
    cpvCodes: lot.cpvCodes,
    sectors: lot.sectors,
    effectiveSectors: sectors,
    estimatedAmountEur: lot.estimatedAmountEur,
    prestationType: lot.prestationType,
    reservation: lot.reservation,
    socialClause: lot.socialClause,
    workPackages: lot.workPackages.map((wp) => ({ code: wp.code, title: wp.title, sectors: wp.sectors ?? [], cpvCodes: wp.cpvCodes ?? [], share: wp.share })),
    insertionHoursRequired: hours.hours,
    insertionHoursBasis: hours.basis,
    procedure: lotProcedure(tender, lot, totalEur),
  };
}

export function toTenderView(
  tender: TenderEntity,
  lots: readonly TenderLotEntity[],
  reference: ReferenceLookup,
  actor?: TenderActor,
  holders?: readonly ContractHolderEntity[],
): TenderView {
  const sorted = [...lots].sort((a, b) => a.number - b.number);
  const totalEur = sorted.reduce((sum, lot) => sum + (lot.estimatedAmountEur ?? 0), 0);
  const commune = tender.executionCommuneCode ? reference.commune(tender.executionCommuneCode) : undefined;
  const view: TenderView = {
    id: tender.id,
    status: tender.status,
    source: tender.source,
    externalId: tender.externalId,
    title: tender.title,
    description: tender.description,
    buyer: tender.buyer,
    cpvCodes: tender.cpvCodes,
    executionCommuneCode: tender.executionCommuneCode,
    executionPlace: {
      communeCode: tender.executionCommuneCode,
      communeName: commune?.name ?? null,
      department: tender.executionDepartment,
      region: tender.executionRegion,
      location: tender.executionLat !== null && tender.executionLon !== null ? { lat: tender.executionLat, lon: tender.executionLon } : null,
      precision: tender.executionPrecision,
    },
    responseDeadline: tender.responseDeadline ? tender.responseDeadline.toISOString() : null,
    startDate: tender.startDate,
    durationMonths: tender.durationMonths,
    multipleBidsForbidden: tender.multipleBidsForbidden,
    mandataireSolidaireRequired: tender.mandataireSolidaireRequired,
    lots: sorted.map((lot) => toLotView(tender, lot, totalEur, reference)),
    flags: tenderFlags(tender, sorted),
    publishedAt: tender.publishedAt ? tender.publishedAt.toISOString() : null,
    closedAt: tender.closedAt ? tender.closedAt.toISOString() : null,
    createdAt: tender.createdAt.toISOString(),
    updatedAt: tender.updatedAt.toISOString(),
  };
  if (tender.source !== 'manual') {
    view.importFlags = tender.importFlags;
    view.notifiedOn = tender.notifiedOn;
    view.groupingType = tender.groupingType;
    view.holders = (holders ?? []).map((h) => ({ identifier: h.identifier, identifierType: h.identifierType, siret: h.siret, name: h.name, structureId: h.structureId }));
  }
  if (canManageTender(actor, tender)) view.ownerId = tender.ownerId;
  return view;
}
