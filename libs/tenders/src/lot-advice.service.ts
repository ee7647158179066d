// Advice per lot (reserve, clause or nothing): gathers the evidence the domain's `adviseLot` weighs — real
// inclusive structures serving the place (demo rows never count), contracts such structures won nearby
// (ContractEvidenceService, DECP) — and applies the advice to a draft in one click.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest, forbidden, notFound } from '@app/common';
import {
  adviseLot,
  areaCovers,
  INCLUSIVE_KINDS,
  type AdviceOption,
  type AdviceStructure,
  type GeoPoint,
  type InterventionArea,
  type LotAdvice,
  type PrestationType,
  type ScoringStructureSector,
  type SectorInfo,
  type StructureKind,
} from '@app/domain';
import { ReferenceService } from '@app/reference';
import { areaKeysOf, buildSectorCatalogue, CandidatesService, type CandidatePlace } from './candidates.service';
import { ContractEvidenceService } from './contract-evidence.service';
import type { ReferenceLookup } from './reference-lookup';
import { canManageTender, effectiveSectors } from './tender-view';
import type { LotInput, SocialClauseInput, TenderActor, TenderView } from './tender.types';
import { TendersService } from './tenders.service';

/** What is advised: a lot, or a line of a purchase plan. */
export interface AdviceTarget {
  sectors: string[];
  cpvCodes: string[];
  prestationType: PrestationType;
  amountEur: number;
  durationMonths: number | null;
  clause?: Omit<SocialClauseInput, 'type'>;
}

export interface AdviceOptions {
  /** Past contracts left out of the evidence (measuring on the very contracts in the database). */
  excludeTenderIds?: string[];
  excludeBuyerSirets?: string[];
  /**
   * Evidence already gathered for a place (and for a place and trade), shared by the lines of one purchase
   * plan: a plan names few places and trades, so most lines need no query at all.
   */
  cache?: AdviceCache;
}

export interface AdviceCache {
  serving: Map<string, Promise<AdviceStructure[]>>;
  wins: Map<string, Promise<{ siae: number; disability: number }>>;
}

export const newAdviceCache = (): AdviceCache => ({ serving: new Map(), wins: new Map() });

function cached<T>(map: Map<string, Promise<T>> | undefined, key: string, load: () => Promise<T>): Promise<T> {
  if (!map) return load();
  let found = map.get(key);
  if (!found) map.set(key, (found = load()));
  return found;
}

/** Options the buyer can apply in one click, and what each sets on the lot. */
export const APPLICABLE_OPTIONS: readonly AdviceOption[] = ['reserve_siae', 'reserve_disability', 'social_clause', 'award_criterion'];

interface ServingRow {
  siret: string;
  kind: StructureKind;
  department: string | null;
  lat: number | null;
  lon: number | null;
  intervention_area: InterventionArea;
  sectors: ScoringStructureSector[] | null;
  revenue: number | null;
  insertion_hours: number | null;
}

const SIAE_RESERVATION_KINDS = new Set<string>(['EI', 'ETTI', 'AI', 'ACI']);
const DISABILITY_RESERVATION_KINDS = new Set<string>(['EA', 'ESAT']);

/**
 * Real inclusive structures whose area may cover the place: the candidates' narrow table narrows by area
 * keys, `structures` says which rows are demo. Capacity figures are read only when they are numbers.
 */
const SERVING_SQL = `
  SELECT s.siret, s.kind, s.department, s.lat, s.lon, s.intervention_area, s.sectors,
         CASE WHEN jsonb_typeof(s.capacity->'annualRevenueEur') = 'number' THEN (s.capacity->>'annualRevenueEur')::float8 END AS revenue,
         CASE WHEN jsonb_typeof(s.capacity->'annualInsertionHours') = 'number' THEN (s.capacity->>'annualInsertionHours')::float8 END AS insertion_hours
  FROM structure_candidates c
  JOIN structures s ON s.id = c.id
  WHERE c.area_keys && $1::text[] AND c.kind = ANY($2::text[])
    AND s.source <> 'demo' AND s.delisted_at IS NULL`;

@Injectable()
export class LotAdviceService {
  private catalogueCache?: Record<string, SectorInfo>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenders: TendersService,
    private readonly evidence: ContractEvidenceService,
    private readonly candidates: CandidatesService,
    private readonly referenceService: ReferenceService,
  ) {}

  private get reference(): ReferenceLookup {
    return this.referenceService.index as unknown as ReferenceLookup;
  }

  /** Advice for a lot of a tender the actor owns (drafts included); others get 404 (unseen) or 403. */
  async forLot(tenderId: string, lotNumber: number, actor: TenderActor): Promise<LotAdvice> {
    const { tender, lots } = await this.tenders.load(tenderId, actor);
    if (!canManageTender(actor, tender)) throw forbidden('Seul l’acheteur de cet appel d’offres peut consulter ce conseil');
    const lot = lots.find((l) => l.number === lotNumber);
    if (!lot) throw notFound(`Lot ${lotNumber} introuvable dans cet appel d’offres`);
    const cpvCodes = lot.cpvCodes.length ? lot.cpvCodes : tender.cpvCodes;
    return this.adviseAt(this.candidates.placeOf(tender), {
      sectors: lot.effectiveSectors.length ? lot.effectiveSectors : effectiveSectors(lot, tender.cpvCodes, this.reference),
      cpvCodes,
      prestationType: lot.prestationType,
      amountEur: lot.estimatedAmountEur ?? 0,
      durationMonths: tender.durationMonths,
      clause: lot.socialClause ?? undefined,
    });
  }

  /** Advice for every lot of a tender the actor owns, keyed by lot number (the tender page). */
  async forTender(tenderId: string, actor: TenderActor): Promise<Map<number, LotAdvice>> {
    const { lots } = await this.tenders.load(tenderId, actor);
    const out = new Map<number, LotAdvice>();
    for (const lot of lots) out.set(lot.number, await this.forLot(tenderId, lot.number, actor));
    return out;
  }

  /** The core, without a stored tender (purchase plans, the measure). */
  async adviseAt(place: CandidatePlace, target: AdviceTarget, options: AdviceOptions = {}): Promise<LotAdvice> {
    const placeKey = `${place.location.lat},${place.location.lon},${place.department},${place.scope ?? ''}`;
    const tradeKey = `${placeKey}|${target.sectors.join(',')}|${target.cpvCodes.map((c) => c.slice(0, 3)).join(',')}`;
    const [serving, pastContractsNearby] = await Promise.all([
      cached(options.cache?.serving, placeKey, () => this.servingStructures(place)),
      cached(options.cache?.wins, tradeKey, () => this.pastWins(place, target, options)),
    ]);
    return adviseLot({
      amountEur: target.amountEur,
      durationMonths: target.durationMonths,
      prestationType: target.prestationType,
      sectors: target.sectors,
      sectorCatalogue: this.sectorCatalogue(),
      sectorGroup: target.sectors.map((code) => this.reference.sector(code)?.group).find((g) => g !== undefined),
      clause: target.clause,
      serving,
      pastContractsNearby,
    });
  }

  /** One click: sets the lot's reservation or clause as advised (owner, draft only: the update's rules). */
  async apply(tenderId: string, lotNumber: number, option: string, actor: TenderActor): Promise<TenderView> {
    if (!APPLICABLE_OPTIONS.includes(option as AdviceOption)) {
      throw badRequest('Option inconnue', [{ field: 'option', message: `attendu : ${APPLICABLE_OPTIONS.join(', ')}` }]);
    }
    const tender = await this.tenders.get(tenderId, actor);
    if (!tender.lots.some((l) => l.number === lotNumber)) throw notFound(`Lot ${lotNumber} introuvable dans cet appel d’offres`);
    const lots: LotInput[] = tender.lots.map((lot) => {
      const input: LotInput = {
        number: lot.number,
        title: lot.title,
        description: lot.description ?? undefined,
        cpvCodes: lot.cpvCodes,
        sectors: lot.sectors,
        estimatedAmountEur: lot.estimatedAmountEur ?? 0,
        prestationType: lot.prestationType,
        reservation: lot.reservation,
        socialClause: lot.socialClause ?? undefined,
        workPackages: lot.workPackages,
      };
      if (lot.number !== lotNumber) return input;
      switch (option as AdviceOption) {
        case 'reserve_siae':
          return { ...input, reservation: 'L2113-13' };
        case 'reserve_disability':
          return { ...input, reservation: 'L2113-12' };
        case 'social_clause':
          return { ...input, socialClause: { ...(lot.socialClause ?? {}), type: 'EXECUTION_CONDITION' } };
        default:
          return { ...input, socialClause: { ...(lot.socialClause ?? {}), type: 'AWARD_CRITERION' } };
      }
    });
    return this.tenders.update(tenderId, { lots }, actor);
  }

  /** Real inclusive structures whose intervention area covers the place (any trade). */
  async servingStructures(place: CandidatePlace): Promise<AdviceStructure[]> {
    const rows: ServingRow[] = await this.dataSource.query(SERVING_SQL, [areaKeysOf(place), INCLUSIVE_KINDS]);
    const out: AdviceStructure[] = [];
    for (const row of rows) {
      const location: GeoPoint | null = row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null;
      const covers = areaCovers(row.intervention_area, { location }, place) || (place.scope === 'department' && row.department === place.department);
      if (covers) out.push({ kind: row.kind, sectors: row.sectors ?? [], annualRevenueEur: row.revenue, annualInsertionHours: row.insertion_hours });
    }
    return out;
  }

  /** Similar contracts won near the place by real structures eligible to each reservation (DECP). */
  private async pastWins(place: CandidatePlace, target: AdviceTarget, options: AdviceOptions): Promise<{ siae: number; disability: number }> {
    const wins = await this.evidence.similarWonNear({
      location: place.location,
      sectors: target.sectors,
      cpvCodes: target.cpvCodes,
      excludeTenderIds: options.excludeTenderIds,
      excludeBuyerSirets: options.excludeBuyerSirets,
    });
    if (wins.size === 0) return { siae: 0, disability: 0 };
    const kinds: { siret: string; kinds: string[] }[] = await this.dataSource.query(
      `SELECT siret, array_agg(DISTINCT kind) AS kinds FROM structures
       WHERE siret = ANY($1::text[]) AND source <> 'demo' AND delisted_at IS NULL GROUP BY siret`,
      [[...wins.keys()]],
    );
    const out = { siae: 0, disability: 0 };
    for (const { siret, kinds: own } of kinds) {
      const similar = wins.get(siret)?.similarNearby ?? 0;
      if (own.some((k) => SIAE_RESERVATION_KINDS.has(k))) out.siae += similar;
      if (own.some((k) => DISABILITY_RESERVATION_KINDS.has(k))) out.disability += similar;
    }
    return out;
  }

  private sectorCatalogue(): Record<string, SectorInfo> {
    this.catalogueCache ??= buildSectorCatalogue(this.reference.sectors());
    return this.catalogueCache;
  }
}
