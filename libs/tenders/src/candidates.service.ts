// Ranked candidates for a lot (or a work package): structures that serve the execution place, may answer
// the lot's reservation (V13), ranked by the domain's fitted, explained score (candidate-model.ts). SQL narrows 100,000 structures to
// those whose intervention area can cover the place (indexes of migration 1700000003000); the domain's
// `areaCovers` then decides exactly and `scoreCandidate` ranks, so the API, the matching worker and the
// benchmarks all rank with the same rules.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '@app/common';
import {
  areaCovers,
  beyondGuessedRadius,
  candidateFeatures,
  candidateUtility,
  distanceKm,
  reservationEligibility,
  scoreCandidate,
  scoreOfUtility,
  sectorMatch,
  textWords,
  type GeoPoint,
  type CandidateScoringInput,
  type InterventionArea,
  type PastContractsEvidence,
  type PrestationType,
  type Reservation,
  type ReservationEligibility,
  type SectorInfo,
  type SectorLevel,
  type StructureKind,
} from '@app/domain';
import type { TenderEntity, TenderLotEntity } from '@app/persistence';
import { ReferenceService } from '@app/reference';
import { ContractEvidenceService, EVIDENCE_RADIUS_KM } from './contract-evidence.service';
import type { ReferenceLookup, SectorRef } from './reference-lookup';
import { sectorsOfCpvCodes } from './reference-lookup';
import { effectiveSectors } from './tender-view';
import type { TenderActor } from './tender.types';
import { TendersService } from './tenders.service';

/** Where the work is done. `department` and `region` decide area types other than radius. */
export interface CandidatePlace {
  communeCode: string | null;
  location: GeoPoint;
  department: string;
  region: string;
  /**
   * 'department' when only the department is known (DECP "Code département"): the work is somewhere in
   * it, so structures located in the department serve it too; `location` is then its chef-lieu.
   */
  scope?: 'commune' | 'department';
}

/** What is scored: a whole lot, or one work package of it (sectors and amount of the package). */
export interface CandidateTarget {
  lotNumber: number;
  workPackageCode?: string;
  sectors: string[];
  cpvCodes: string[];
  prestationType: PrestationType;
  reservation: Reservation;
  estimatedAmountEur: number;
  durationMonths?: number;
  /** Title and description of the tender (and lot): their words are matched with the structures'. */
  text?: string;
  /** The buyer's SIRET: contracts of the same buyer already won count as evidence. */
  buyerSiret?: string;
}

export interface RankOptions {
  /** Generated demo structures are left out unless asked: they never compete with real ones by default. */
  includeDemo?: boolean;
  /** COMPANY structures are left out unless asked (they are never listed as inclusive suppliers). */
  includeCompanies?: boolean;
  /** Keep kinds a reserved lot excludes (flagged `eligibleForReservation: false`); the optimiser checks V13 itself. */
  includeIneligible?: boolean;
  /** Best N only; default every candidate. */
  limit?: number;
  /** Past-contract evidence (DECP); `false` leaves it out (e.g. to measure the rest of the score). */
  evidence?: false | { radiusKm?: number; excludeTenderIds?: string[]; excludeBuyerSirets?: string[] };
}

export interface CandidateStructure {
  id: string;
  siret: string;
  name: string;
  kind: StructureKind;
  communeCode: string | null;
  department: string | null;
  region: string | null;
  location: GeoPoint | null;
  sectors: string[];
  sectorDetails: { code: string; inferred: boolean }[];
  prestationTypes: PrestationType[];
  annualRevenueEur: number | null;
  openToCoContracting: boolean;
  /** false for register rows no owner has edited yet: openToCoContracting is then the import's default. */
  opennessDeclared: boolean;
  interventionArea: InterventionArea;
  /** A generated demo structure (source "demo"), badged « démo » on pages. */
  demo: boolean;
  /** false while an admin has not confirmed a structure someone declared: its kind does not count for a reserved lot. */
  verified: boolean;
}

export interface RankedCandidate {
  structure: CandidateStructure;
  score: number;
  scoreBreakdown: Record<string, number>;
  distanceKm: number | null;
  reasons: string[];
  eligibleForReservation: boolean;
  eligibility: ReservationEligibility;
  pastContracts: PastContractsEvidence | null;
  /** How its sectors match the lot's (null: the lot names no sector). 'none' for a nearby structure known only by guessed sectors. */
  sectorLevel: SectorLevel | null;
}

export interface WorkPackageCandidates {
  code: string;
  candidates: RankedCandidate[];
}

export interface LotCandidates {
  number: number;
  candidates: RankedCandidate[];
  workPackages: WorkPackageCandidates[];
}

export interface TenderCandidates {
  tenderId: string;
  place: CandidatePlace;
  lots: LotCandidates[];
}

/** What ranking reads of a structure (lean: 100,000 of them may be read for one place). */
interface StructureRow {
  id: string;
  siret: string;
  kind: StructureKind;
  department: string | null;
  lat: number | null;
  lon: number | null;
  area_type: InterventionArea['type'];
  radius_km: number | null;
  /** Comma list (departments or regions areas only): cheaper to read than an array for 20,000 rows. */
  area_codes: string | null;
  sectors: { code: string; inferred: boolean }[];
  /** Comma list. */
  prestation_types: string;
  revenue: number | null;
  open_to_co_contracting: boolean;
  openness_declared: boolean;
  sectors_inferred_only: boolean;
  commune_code: string | null;
  demo: boolean;
  area_is_default: boolean;
  words: string[] | null;
}

interface DetailsRow {
  id: string;
  name: string;
  commune_code: string | null;
  region: string | null;
  intervention_area: InterventionArea;
}

/**
 * A scored candidate before its display details are read. Only the score is kept: reasons and breakdown
 * are recomputed (same pure function, same input) for the candidates actually returned, which keeps
 * 20,000 candidates from filling the heap with strings nobody reads.
 */
interface Scored {
  row: StructureRow;
  location: GeoPoint | null;
  /** 0–100, unrounded (sorting); the page shows the rounded sum of the breakdown. */
  score: number;
  km: number | null;
  eligibility: ReservationEligibility;
  /** Declared by a user, not yet confirmed by an admin. */
  unverified: boolean;
  /** Reserved target, kind eligible on paper but unconfirmed: does not count as eligible (shown with a warning). */
  unverifiedOnReservation: boolean;
  pastContracts: PastContractsEvidence | undefined;
  /** Everything the score was computed from: reasons are recomputed from it for the returned page. */
  input: CandidateScoringInput;
}

/** What a candidate is scored on (the bench reads the same inputs to fit and evaluate the model). */
export interface CandidateInput {
  structureId: string;
  siret: string;
  input: CandidateScoringInput;
}

function scoringInput(
  c: { row: StructureRow; km: number | null; rank?: number; beyondKm?: number; pastContracts?: PastContractsEvidence },
  lot: CandidateScoringInput['lot'],
  place: CandidatePlace,
  catalogue: Record<string, SectorInfo>,
): CandidateScoringInput {
  return {
    lot,
    place: { communeCode: place.communeCode, department: place.department, scope: place.scope },
    structure: {
      kind: c.row.kind,
      sectors: c.row.sectors ?? [],
      prestationTypes: prestationTypesOf(c.row),
      annualRevenueEur: c.row.revenue ?? undefined,
      openToCoContracting: c.row.open_to_co_contracting,
      distanceKm: c.km,
      distanceRank: c.rank,
      communeCode: c.row.commune_code,
      department: c.row.department,
      words: c.row.words ?? [],
      beyondGuessedRadiusKm: c.beyondKm,
    },
    pastContracts: c.pastContracts,
    sectorCatalogue: catalogue,
  };
}

function prestationTypesOf(row: StructureRow): PrestationType[] {
  return row.prestation_types ? (row.prestation_types.split(',') as PrestationType[]) : [];
}

function areaOf(row: StructureRow): InterventionArea {
  switch (row.area_type) {
    case 'radius':
      return { type: 'radius', radiusKm: row.radius_km ?? 0 };
    case 'departments':
      return { type: 'departments', codes: row.area_codes ? row.area_codes.split(',') : [] };
    case 'regions':
      return { type: 'regions', codes: row.area_codes ? row.area_codes.split(',') : [] };
    default:
      return { type: 'national' };
  }
}

/**
 * Structures whose area may cover the place and that may do the work, from the narrow copy the migration
 * keeps in step with structures (listed ones only). A superset: `areaCovers` and the sector fit decide.
 * $1 area keys of the place, $2 kinds; with sectors: $3 related and generic sectors, and INFERRED_ONLY_SECTOR:
 * structures known only by inferred sectors (register rows) are all read, an inference from a NAF code is a
 * guess that the model ranks (migration 1700000011000 puts the marker in their sector_codes).
 */
function servingSql(withSectors: boolean, includeDemo: boolean, withWords: boolean): string {
  return `
  SELECT s.id, s.siret, s.kind, s.department, s.lat, s.lon, s.area_type, s.radius_km,
         CASE WHEN s.area_type <> 'radius' THEN array_to_string(s.area_codes, ',') END AS area_codes,
         s.sectors, s.sectors_inferred_only, array_to_string(s.prestation_types, ',') AS prestation_types, s.revenue, s.open_to_co_contracting, s.openness_declared,
         s.commune_code, s.demo, s.area_is_default${withWords ? ', s.words' : ''}
  FROM structure_candidates s
  WHERE s.area_keys && $1::text[]
    AND s.kind = ANY($2::text[])${includeDemo ? '' : `
    AND NOT s.demo`}${withSectors ? `
    AND (s.sector_codes && $3::text[] OR cardinality(s.sector_codes) = 0)` : ''}`;
}

/** The keys (see migration 1700000003000) of the areas that can cover the place. */
export function areaKeysOf(place: CandidatePlace): string[] {
  const keys = [
    `G:${Math.floor(place.location.lat * 2)}:${Math.floor(place.location.lon * 2)}`,
    `D:${place.department}`,
    `R:${place.region}`,
    '*',
  ];
  if (place.scope === 'department') keys.push(`L:${place.department}`);
  return keys;
}

/** What the page shows beyond what ranking reads: fetched for the returned candidates only. */
const DETAILS_SQL = `
  SELECT id, name, commune_code, region, intervention_area FROM structures WHERE id = ANY($1::uuid[])`;

const ALL_KINDS: StructureKind[] = ['EI', 'ACI', 'AI', 'ETTI', 'EITI', 'GEIQ', 'EA', 'EATT', 'ESAT', 'COMPANY'];

@Injectable()
export class CandidatesService {
  private sectorCatalogueCache?: Record<string, SectorInfo>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenders: TendersService,
    private readonly evidence: ContractEvidenceService,
    private readonly referenceService: ReferenceService,
  ) {}

  private get reference(): ReferenceLookup {
    return this.referenceService.index as unknown as ReferenceLookup;
  }

  /** Candidates for one lot of a stored tender the actor may see (404 otherwise), best first. */
  async rankForLot(tenderId: string, lotNumber: number, options: RankOptions = {}, actor?: TenderActor): Promise<RankedCandidate[]> {
    const { tender, lots } = await this.tenders.load(tenderId, actor);
    const lot = lots.find((l) => l.number === lotNumber);
    if (!lot) throw notFound(`Lot ${lotNumber} introuvable dans cet appel d’offres`);
    const place = this.placeOf(tender);
    const [ranked] = await this.rank(place, [this.lotTarget(tender, lot)], options);
    return ranked;
  }

  /**
   * For the matching worker: candidates of every lot (or of `lots`) and of each of their work packages,
   * from a single place query. Call with `includeCompanies: true, includeIneligible: true` to give the
   * optimiser anchors and let it apply V13 itself.
   */
  async rankForTender(tenderId: string, options: RankOptions & { lots?: number[] } = {}): Promise<TenderCandidates> {
    const { tender, lots } = await this.tenders.load(tenderId, { id: 'system', role: 'admin' });
    const place = this.placeOf(tender);
    const chosen = lots.filter((lot) => !options.lots || options.lots.includes(lot.number));
    const targets: CandidateTarget[] = [];
    for (const lot of chosen) {
      targets.push(this.lotTarget(tender, lot));
      for (const wp of lot.workPackages) targets.push(this.workPackageTarget(tender, lot, wp.code));
    }
    const ranked = await this.rank(place, targets, options);
    let index = 0;
    const out: LotCandidates[] = [];
    for (const lot of chosen) {
      const entry: LotCandidates = { number: lot.number, candidates: ranked[index++], workPackages: [] };
      for (const wp of lot.workPackages) entry.workPackages.push({ code: wp.code, candidates: ranked[index++] });
      out.push(entry);
    }
    return { tenderId, place, lots: out };
  }

  /** The place of a stored tender; a tender without a located place cannot have candidates. */
  placeOf(tender: TenderEntity): CandidatePlace {
    if (tender.executionLat === null || tender.executionLon === null || !tender.executionDepartment || !tender.executionRegion) {
      throw notFound('Lieu d’exécution inconnu : aucun candidat ne peut être proposé');
    }
    return {
      communeCode: tender.executionCommuneCode,
      location: { lat: tender.executionLat, lon: tender.executionLon },
      department: tender.executionDepartment,
      region: tender.executionRegion,
      scope: tender.executionPrecision === 'department' ? 'department' : 'commune',
    };
  }

  lotTarget(tender: TenderEntity, lot: TenderLotEntity): CandidateTarget {
    return {
      lotNumber: lot.number,
      sectors: lot.effectiveSectors.length ? lot.effectiveSectors : effectiveSectors(lot, tender.cpvCodes, this.reference),
      cpvCodes: lot.cpvCodes.length ? lot.cpvCodes : tender.cpvCodes,
      prestationType: lot.prestationType,
      reservation: lot.reservation,
      estimatedAmountEur: lot.estimatedAmountEur ?? 0,
      durationMonths: tender.durationMonths ?? undefined,
      text: [tender.title, lot.title, tender.description].filter(Boolean).join(' '),
      buyerSiret: tender.buyer?.siret ?? (tender.importDetails?.buyerId as string | undefined),
    };
  }

  workPackageTarget(tender: TenderEntity, lot: TenderLotEntity, code: string): CandidateTarget {
    const base = this.lotTarget(tender, lot);
    const wp = lot.workPackages.find((w) => w.code === code);
    if (!wp) throw notFound(`Prestation ${code} introuvable dans le lot ${lot.number}`);
    const cpvCodes = wp.cpvCodes?.length ? wp.cpvCodes : base.cpvCodes;
    const sectors = wp.sectors?.length ? wp.sectors : wp.cpvCodes?.length ? sectorsOfCpvCodes(wp.cpvCodes, this.reference) : base.sectors;
    return { ...base, workPackageCode: code, sectors, cpvCodes, estimatedAmountEur: base.estimatedAmountEur * wp.share };
  }

  /**
   * The core, usable without a stored tender (benchmarks, previews): for each target, every structure
   * serving `place` (and eligible unless `includeIneligible`), scored and sorted best first.
   */
  async rank(place: CandidatePlace, targets: readonly CandidateTarget[], options: RankOptions = {}): Promise<RankedCandidate[][]> {
    const scored = await this.score(place, targets, options);
    const out: RankedCandidate[][] = [];
    for (const list of scored) out.push(await this.hydrate(options.limit !== undefined ? list.slice(0, options.limit) : list));
    return out;
  }

  /** One target, one page: every candidate is ranked (exact total), only the page's are read in full. */
  async rankPage(place: CandidatePlace, target: CandidateTarget, options: RankOptions & { offset: number; limit: number }): Promise<{ total: number; items: RankedCandidate[] }> {
    const [list] = await this.score(place, [target], options);
    return { total: list.length, items: await this.hydrate(list.slice(options.offset, options.offset + options.limit)) };
  }

  /** Candidates of a stored lot, one page (the API's endpoint). */
  async pageForLot(tenderId: string, lotNumber: number, page: { offset: number; limit: number }, options: RankOptions = {}, actor?: TenderActor) {
    const { tender, lots } = await this.tenders.load(tenderId, actor);
    const lot = lots.find((l) => l.number === lotNumber);
    if (!lot) throw notFound(`Lot ${lotNumber} introuvable dans cet appel d’offres`);
    return this.rankPage(this.placeOf(tender), this.lotTarget(tender, lot), { ...options, ...page });
  }

  /**
   * Every candidate of each target, with what it is scored on, in no particular order. A candidate serves
   * the place (or is a little beyond a default radius, which is a guess) and may do the work: the domain
   * finds a sector relation or an unknown trade, or the lot names no sector, or the structure is known only
   * by inferred sectors and is near.
   */
  private async candidates(place: CandidatePlace, targets: readonly CandidateTarget[], options: RankOptions): Promise<{ target: CandidateTarget; list: (Omit<Scored, 'score'>)[] }[]> {
    // One target on a reserved lot: kinds the reservation excludes are not even read (V13).
    let kinds = options.includeCompanies ? ALL_KINDS : ALL_KINDS.filter((k) => k !== 'COMPANY');
    if (targets.length === 1 && !options.includeIneligible) {
      kinds = kinds.filter((kind) => reservationEligibility(kind, targets[0].reservation).status !== 'excluded');
    }
    const byDepartment = place.scope === 'department';
    const catalogue = this.sectorCatalogue();
    // "Does the work" prefilter: only when every target names its sectors (otherwise anyone may).
    const withSectors = targets.length > 0 && targets.every((t) => t.sectors.length > 0);
    const words = targets.map((t) => textWords(t.text));
    const params: unknown[] = [areaKeysOf(place), kinds];
    if (withSectors) params.push([...relatedSectors(targets, catalogue), ...GENERIC_SECTORS, INFERRED_ONLY_SECTOR]);
    const [rows, unverifiedRows]: [StructureRow[], { id: string }[]] = await Promise.all([
      this.dataSource.query(servingSql(withSectors, options.includeDemo === true, words.some((w) => w.length > 0)), params),
      // Few rows (structures awaiting an admin), read through a partial index.
      this.dataSource.query(`SELECT id FROM structures WHERE NOT verified AND delisted_at IS NULL`),
    ]);
    const unverifiedIds = new Set(unverifiedRows.map((r) => r.id));
    const serving: { row: StructureRow; location: GeoPoint | null; km: number | null; beyondKm?: number }[] = [];
    for (const row of rows) {
      const location = row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null;
      const km = location ? distanceKm(location, place.location) : null;
      const area = areaOf(row);
      if (areaCovers(area, { location }, place) || (byDepartment && row.department === place.department)) serving.push({ row, location, km });
      else if (row.area_is_default) {
        const beyondKm = beyondGuessedRadius(area, { location }, place);
        if (beyondKm !== undefined) serving.push({ row, location, km, beyondKm });
      }
    }

    const out: { target: CandidateTarget; list: Omit<Scored, 'score'>[] }[] = [];
    const evidenceCache = new Map<string, Map<string, PastContractsEvidence>>();
    for (const [t, target] of targets.entries()) {
      let evidence: Map<string, PastContractsEvidence> | undefined;
      if (options.evidence !== false) {
        const key = `${target.sectors.join(',')}|${target.cpvCodes.join(',')}|${target.buyerSiret ?? ''}`;
        evidence = evidenceCache.get(key);
        if (!evidence) {
          evidence = await this.evidence.similarWonNear({
            location: place.location,
            sectors: target.sectors,
            cpvCodes: target.cpvCodes,
            buyerSiret: target.buyerSiret,
            radiusKm: options.evidence?.radiusKm ?? EVIDENCE_RADIUS_KM,
            excludeTenderIds: options.evidence?.excludeTenderIds,
            excludeBuyerSirets: options.evidence?.excludeBuyerSirets,
          });
          evidenceCache.set(key, evidence);
        }
      }
      // Eligibility depends on the kind only: once per kind, not per structure.
      const eligibilityByKind = new Map<StructureKind, ReservationEligibility>();
      const lot: CandidateScoringInput['lot'] = {
        sectors: target.sectors,
        prestationType: target.prestationType,
        reservation: target.reservation,
        estimatedAmountEur: target.estimatedAmountEur,
        durationMonths: target.durationMonths,
        cpvCodes: target.cpvCodes,
        words: words[t],
      };
      const kept: { c: (typeof serving)[number]; eligibility: ReservationEligibility }[] = [];
      for (const c of serving) {
        let eligibility = eligibilityByKind.get(c.row.kind);
        if (!eligibility) eligibilityByKind.set(c.row.kind, (eligibility = reservationEligibility(c.row.kind, target.reservation)));
        if (eligibility.status === 'excluded' && !options.includeIneligible) continue;
        const level = sectorMatch({ lot, structure: { kind: c.row.kind, sectors: c.row.sectors ?? [], prestationTypes: [], distanceKm: c.km }, sectorCatalogue: catalogue }, false).level;
        // Sectors inferred from a NAF code are a guess: "unknown is not no", such a row stays, ranked by the model.
        const doesTheWork = level === null || level !== 'none' || c.row.sectors_inferred_only;
        if (doesTheWork) kept.push({ c, eligibility });
      }
      // Rank by distance among the lot's candidates: "the nearest of those who may do the work".
      const byDistance = kept.map((k) => k.c.km ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
      const list = kept.map(({ c, eligibility }) => {
        const rank = c.km === null ? undefined : lowerBound(byDistance, c.km) + 1;
        const pastContracts = evidence ? (evidence.get(c.row.siret) ?? { similarNearby: 0, sameBuyer: 0 }) : undefined;
        // A kind nobody confirmed does not count for a reserved lot: listed with a warning, after confirmed ones (UNVERIFIED, never a silent rejection).
        const unverified = unverifiedIds.has(c.row.id);
        const unverifiedOnReservation = unverified && target.reservation !== 'NONE' && eligibility.status !== 'excluded';
        return {
          row: c.row,
          location: c.location,
          km: c.km,
          eligibility: unverifiedOnReservation ? unverifiedKind(c.row.kind) : eligibility,
          unverified,
          unverifiedOnReservation,
          pastContracts,
          input: scoringInput({ ...c, rank, pastContracts }, lot, place, catalogue),
        };
      });
      out.push({ target, list });
    }
    return out;
  }

  private async score(place: CandidatePlace, targets: readonly CandidateTarget[], options: RankOptions): Promise<Scored[][]> {
    const out: Scored[][] = [];
    for (const { list } of await this.candidates(place, targets, options)) {
      const scored = list.map((c): Scored => ({ ...c, score: scoreOfUtility(candidateUtility(candidateFeatures(c.input, false).values)) }));
      scored.sort((a, b) => Number(a.unverifiedOnReservation) - Number(b.unverifiedOnReservation) || compareScored(a, b));
      out.push(scored);
    }
    return out;
  }

  /** What each candidate of a target is scored on, unsorted (the bench fits and evaluates the model on it). */
  async candidateInputs(place: CandidatePlace, target: CandidateTarget, options: RankOptions = {}): Promise<CandidateInput[]> {
    const [{ list }] = await this.candidates(place, [target], options);
    return list.map((c) => ({ structureId: c.row.id, siret: c.row.siret, input: c.input }));
  }

  /** Reads the display details of the given candidates (one query) and builds the public shape. */
  private async hydrate(list: readonly Scored[]): Promise<RankedCandidate[]> {
    if (list.length === 0) return [];
    const details: DetailsRow[] = await this.dataSource.query(DETAILS_SQL, [list.map((c) => c.row.id)]);
    const byId = new Map(details.map((d) => [d.id, d]));
    return list.map((c) => {
      const d = byId.get(c.row.id);
      const full = scoreCandidate(c.input);
      return {
        structure: toCandidateStructure(c.row, d, c.location, !c.unverified),
        score: full.score,
        scoreBreakdown: full.breakdown,
        distanceKm: c.km === null ? null : Math.round(c.km * 10) / 10,
        reasons: c.unverifiedOnReservation ? [...full.reasons, c.eligibility.reason] : full.reasons,
        eligibleForReservation: c.eligibility.status !== 'excluded' && !c.unverifiedOnReservation,
        eligibility: c.eligibility,
        pastContracts: c.pastContracts ?? null,
        sectorLevel: sectorMatch(c.input).level,
      };
    });
  }

  /** Sector code → label, group, related sectors and genericity, for the sector-fit criterion. */
  sectorCatalogue(): Record<string, SectorInfo> {
    this.sectorCatalogueCache ??= buildSectorCatalogue(this.reference.sectors());
    return this.sectorCatalogueCache;
  }
}

/**
 * Sectors that say a structure does insertion, not which trade: the register infers them from NAF 8899B
 * ("other social action"), the catch-all code of associations running an ACI or an EI.
 */
export const GENERIC_SECTORS: readonly string[] = ['insertion-qualification'];
/** The marker of rows whose sectors are all inferred, in structure_candidates.sector_codes (migration 1700000011000). */
const INFERRED_ONLY_SECTOR = '~inferred';
/** Two sectors are related when a CPV prefix of one starts with a prefix of the other at least this long. */
const RELATED_PREFIX_MIN_LENGTH = 4;

/**
 * The taxonomy as the scoring reads it. Sectors of different groups whose CPV prefixes overlap cover the
 * same work ("nettoyage de locaux" and "entretien des parties communes" share 90911): they are related.
 */
export function buildSectorCatalogue(sectors: readonly SectorRef[]): Record<string, SectorInfo> {
  const catalogue: Record<string, SectorInfo> = {};
  for (const sector of sectors) {
    const related = sectors
      .filter((other) => other.code !== sector.code && other.group !== sector.group)
      .filter((other) =>
        (sector.cpvPrefixes ?? []).some((a) =>
          (other.cpvPrefixes ?? []).some((b) => Math.min(a.length, b.length) >= RELATED_PREFIX_MIN_LENGTH && (a.startsWith(b) || b.startsWith(a))),
        ),
      )
      .map((other) => other.code);
    catalogue[sector.code] = { label: sector.label, group: sector.group, related, generic: GENERIC_SECTORS.includes(sector.code) };
  }
  return catalogue;
}

/** The lots' sectors with those of the same group and related ones: what the sector fit can reward. */
function relatedSectors(targets: readonly CandidateTarget[], catalogue: Record<string, SectorInfo>): string[] {
  const wanted = new Set<string>();
  const groups = new Set<string>();
  for (const target of targets) {
    for (const code of target.sectors) {
      wanted.add(code);
      for (const related of catalogue[code]?.related ?? []) wanted.add(related);
      const group = catalogue[code]?.group;
      if (group) groups.add(group);
    }
  }
  // `related` is symmetric (overlapping CPV prefixes), so the lot sectors' lists are enough.
  for (const [code, info] of Object.entries(catalogue)) if (groups.has(info.group)) wanted.add(code);
  return [...wanted];
}

/** Index of the first element ≥ value in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Best score first; then nearest; then SIRET and id, so that equal scores keep a stable order. */
function compareScored(a: Scored, b: Scored): number {
  return (
    b.score - a.score ||
    (a.km ?? Number.POSITIVE_INFINITY) - (b.km ?? Number.POSITIVE_INFINITY) ||
    (a.row.siret < b.row.siret ? -1 : a.row.siret > b.row.siret ? 1 : 0) ||
    (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0)
  );
}

/** The eligibility shown for a structure whose declared kind nobody has confirmed yet. */
function unverifiedKind(kind: StructureKind): ReservationEligibility {
  return {
    status: 'uncertain',
    reason: `Structure non vérifiée : son type déclaré (${kind}) n’a pas encore été confirmé par un administrateur ; elle ne compte pas comme éligible à ce lot réservé (V13).`,
  };
}

function toCandidateStructure(row: StructureRow, details: DetailsRow | undefined, location: GeoPoint | null, verified: boolean): CandidateStructure {
  const sectors = row.sectors ?? [];
  return {
    id: row.id,
    siret: row.siret,
    name: details?.name ?? '',
    kind: row.kind,
    communeCode: details?.commune_code ?? null,
    department: row.department,
    region: details?.region ?? null,
    location,
    sectors: sectors.map((s) => s.code),
    sectorDetails: sectors.map((s) => ({ code: s.code, inferred: s.inferred })),
    prestationTypes: prestationTypesOf(row),
    annualRevenueEur: row.revenue,
    openToCoContracting: row.open_to_co_contracting,
    opennessDeclared: row.openness_declared,
    interventionArea: details?.intervention_area ?? areaOf(row),
    demo: row.demo,
    verified,
  };
}
