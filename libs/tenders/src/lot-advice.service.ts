// Advice per lot (reserve, clause or nothing): gathers the evidence the domain's `adviseLot` weighs — real
// inclusive structures serving the place (demo rows never count), contracts such structures won nearby
// (ContractEvidenceService, DECP) — and applies the advice to a draft in one click.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest, forbidden, notFound } from '@app/common';
import {
  adviseLot,
  areaCovers,
  distanceKm,
  INCLUSIVE_KINDS,
  type AdviceOption,
  type AdviceStructure,
  type GeoPoint,
  type InterventionArea,
  type LotAdvice,
  type PrestationType,
  type ScoringStructureSector,
  type StructureKind,
} from '@app/domain';
import { ReferenceService } from '@app/reference';
import { areaKeysOf, CandidatesService, type CandidatePlace } from './candidates.service';
import { ContractEvidenceService, EVIDENCE_RADIUS_KM, LOCATED_CONTRACT, isSimilarContract } from './contract-evidence.service';
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
  /** Every real structure and inclusive win in memory: a plan over thousands of places needs no query per place. */
  snapshot?: AdviceSnapshot;
}

export const newAdviceCache = (snapshot?: AdviceSnapshot): AdviceCache => ({ serving: new Map(), wins: new Map(), snapshot });

/** A located past contract held by a real inclusive structure (DECP). */
interface InclusiveWin {
  tenderId: string;
  buyerSiret: string | null;
  location: GeoPoint;
  sectors: string[];
  cpvCodes: string[];
  siret: string;
  kinds: string[];
}

export interface AdviceSnapshot {
  structures: ServingRow[];
  wins: InclusiveWin[];
}

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
 * Real inclusive structures (demo rows never count), narrowed by `filter` on the candidates' narrow table (area
 * keys of a place, or none for a whole plan). Capacity figures are read only when they are numbers.
 */
const servingSql = (filter: string) => `
  SELECT s.siret, s.kind, s.department, s.lat, s.lon, s.intervention_area, s.sectors,
         CASE WHEN jsonb_typeof(s.capacity->'annualRevenueEur') = 'number' THEN (s.capacity->>'annualRevenueEur')::float8 END AS revenue,
         CASE WHEN jsonb_typeof(s.capacity->'annualInsertionHours') = 'number' THEN (s.capacity->>'annualInsertionHours')::float8 END AS insertion_hours
  FROM structure_candidates c
  JOIN structures s ON s.id = c.id
  WHERE ${filter} AND c.kind = ANY($1::text[])
    AND s.source <> 'demo' AND s.delisted_at IS NULL`;

@Injectable()
export class LotAdviceService {
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
    const snapshot = options.cache?.snapshot;
    const [serving, pastContractsNearby] = await Promise.all([
      cached(options.cache?.serving, placeKey, async () => (snapshot ? servingOf(snapshot.structures, place) : this.servingStructures(place))),
      cached(options.cache?.wins, tradeKey, async () => (snapshot ? winsOf(snapshot.wins, place, target, options) : this.pastWins(place, target, options))),
    ]);
    return adviseLot({
      amountEur: target.amountEur,
      durationMonths: target.durationMonths,
      prestationType: target.prestationType,
      sectors: target.sectors,
      sectorCatalogue: this.candidates.sectorCatalogue(),
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
    const { tender, lots: stored } = await this.tenders.load(tenderId, actor);
    if (!stored.some((l) => l.number === lotNumber)) throw notFound(`Lot ${lotNumber} introuvable dans cet appel d’offres`);
    const lots: LotInput[] = this.tenders.toInput(tender, stored).lots.map((input) => {
      if (input.number !== lotNumber) return input;
      switch (option as AdviceOption) {
        case 'reserve_siae':
          return { ...input, reservation: 'L2113-13' };
        case 'reserve_disability':
          return { ...input, reservation: 'L2113-12' };
        case 'social_clause':
          return { ...input, socialClause: { ...(input.socialClause ?? {}), type: 'EXECUTION_CONDITION' } };
        default:
          return { ...input, socialClause: { ...(input.socialClause ?? {}), type: 'AWARD_CRITERION' } };
      }
    });
    return this.tenders.update(tenderId, { lots }, actor);
  }

  /** Real inclusive structures whose intervention area covers the place (any trade). */
  async servingStructures(place: CandidatePlace): Promise<AdviceStructure[]> {
    return servingOf(await this.dataSource.query(servingSql('c.area_keys && $2::text[]'), [INCLUSIVE_KINDS, areaKeysOf(place)]), place);
  }

  /** Every real inclusive structure and every located contract such a structure won, for a purchase plan. */
  async snapshot(): Promise<AdviceSnapshot> {
    const structures: ServingRow[] = await this.dataSource.query(servingSql('true'), [INCLUSIVE_KINDS]);
    const wins: InclusiveWin[] = (
      await this.dataSource.query(
        `SELECT t.id, coalesce(t.buyer->>'siret', t.import_details->>'buyerId') AS buyer, t.execution_lat AS lat, t.execution_lon AS lon,
                l.effective_sectors, l.cpv_codes, h.siret, array_agg(DISTINCT s.kind) AS kinds
         FROM contract_holders h
         JOIN structures s ON s.siret = h.siret AND s.source <> 'demo' AND s.delisted_at IS NULL
         JOIN tender_lots l ON l.tender_id = h.tender_id AND l.number = h.lot_number
         JOIN tenders t ON t.id = h.tender_id
         WHERE ${LOCATED_CONTRACT}
         GROUP BY t.id, l.effective_sectors, l.cpv_codes, l.number, h.siret`,
      )
    ).map((r: Record<string, unknown>) => ({
      tenderId: r.id as string,
      buyerSiret: r.buyer as string | null,
      location: { lat: r.lat as number, lon: r.lon as number },
      sectors: r.effective_sectors as string[],
      cpvCodes: r.cpv_codes as string[],
      siret: r.siret as string,
      kinds: r.kinds as string[],
    }));
    return { structures, wins };
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
}

/** The structures whose area covers the place (or, for a department-wide place, located in it). */
function servingOf(rows: readonly ServingRow[], place: CandidatePlace): AdviceStructure[] {
  const out: AdviceStructure[] = [];
  for (const row of rows) {
    const location: GeoPoint | null = row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null;
    const covers = areaCovers(row.intervention_area, { location }, place) || (place.scope === 'department' && row.department === place.department);
    if (covers) out.push({ kind: row.kind, sectors: row.sectors ?? [], annualRevenueEur: row.revenue, annualInsertionHours: row.insertion_hours });
  }
  return out;
}

/** `pastWins` on contracts held in memory: the same counts (distinct similar contracts per SIRET, per family). */
function winsOf(wins: readonly InclusiveWin[], place: CandidatePlace, target: AdviceTarget, options: AdviceOptions): { siae: number; disability: number } {
  const bySiret = new Map<string, { kinds: string[]; tenders: Set<string> }>();
  for (const win of wins) {
    if (distanceKm(win.location, place.location) > EVIDENCE_RADIUS_KM) continue;
    if (options.excludeTenderIds?.includes(win.tenderId) || (win.buyerSiret && options.excludeBuyerSirets?.includes(win.buyerSiret))) continue;
    if (!isSimilarContract(target, win)) continue;
    const entry = bySiret.get(win.siret) ?? { kinds: win.kinds, tenders: new Set<string>() };
    entry.tenders.add(win.tenderId);
    bySiret.set(win.siret, entry);
  }
  const out = { siae: 0, disability: 0 };
  for (const { kinds, tenders } of bySiret.values()) {
    if (kinds.some((k) => SIAE_RESERVATION_KINDS.has(k))) out.siae += tenders.size;
    if (kinds.some((k) => DISABILITY_RESERVATION_KINDS.has(k))) out.disability += tenders.size;
  }
  return out;
}
