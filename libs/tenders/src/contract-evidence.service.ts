// Evidence from awarded contracts (DECP imports): "won 3 similar contracts within 30 km", for candidate
// reasons, and the list of public contracts a structure won, for its page.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '@app/common';
import type { GeoPoint, PastContractsEvidence } from '@app/domain';

/** Radius within which a past contract counts as "nearby" for candidate reasons. */
export const EVIDENCE_RADIUS_KM = 30;

export interface EvidenceQuery {
  location: GeoPoint;
  /** Similar = shares a sector with these, or (without sectors) the CPV group (first 3 digits). */
  sectors: readonly string[];
  cpvCodes: readonly string[];
  radiusKm?: number;
  /** Also count, per SIRET, the contracts of this buyer already won (any sector, any place). */
  buyerSiret?: string;
  /** Leave these contracts out (e.g. the very contract being evaluated). */
  excludeTenderIds?: readonly string[];
  /** Leave out every contract of these buyers (SIRET): evaluation without the buyer's own history. */
  excludeBuyerSirets?: readonly string[];
}

export interface StructureContractView {
  tenderId: string;
  source: string;
  externalId: string | null;
  title: string;
  buyer: { name: string; siret?: string };
  cpvCodes: string[];
  sectors: string[];
  amountEur: number | null;
  durationMonths: number | null;
  notifiedOn: string | null;
  place: { communeCode: string | null; department: string | null; precision: string; location: GeoPoint | null };
  /** Other holders of the same contract (a grouping): name, SIRET, or the published identifier (TVA…). */
  coHolders: { name: string | null; siret: string | null; identifier: string | null }[];
  groupingType: string | null;
  distanceKm?: number;
}

export interface StructureContractsQuery {
  near?: GeoPoint;
  radiusKm?: number;
  sectors?: string[];
  cpvCodes?: string[];
  page: number;
  perPage: number;
}

/**
 * "Similar" as `similarWonNear` decides it in SQL, for callers that hold the contracts in memory (purchase
 * plans): shares a sector with the lot, or — when the lot names no sector — a CPV group. Keep both in step.
 */
export function isSimilarContract(lot: { sectors: readonly string[]; cpvCodes: readonly string[] }, contract: { sectors: readonly string[]; cpvCodes: readonly string[] }): boolean {
  if (lot.sectors.length) return contract.sectors.some((s) => lot.sectors.includes(s));
  const groups = cpvGroups(lot.cpvCodes);
  return contract.cpvCodes.some((c) => groups.includes(c.slice(0, 3)));
}

export const cpvGroups = (codes: readonly string[]) => [...new Set(codes.map((c) => c.replace(/\D/g, '').slice(0, 3)).filter((c) => c.length === 3))];

/** Places precise enough to measure a distance from (a department's centre is a fair approximation at 30 km). */
export const LOCATED_CONTRACT = `t.execution_lat IS NOT NULL AND t.execution_lon IS NOT NULL AND t.execution_precision IN ('commune', 'department')`;

@Injectable()
export class ContractEvidenceService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * For every SIRET that won a similar contract near `location`: how many (distinct contracts) and the
   * nearest one. One indexed query for all candidates of a lot.
   */
  async similarWonNear(query: EvidenceQuery): Promise<Map<string, PastContractsEvidence>> {
    const radiusKm = query.radiusKm ?? EVIDENCE_RADIUS_KM;
    const rows: { siret: string; similar: number; nearest_m: number }[] = await this.dataSource.query(
      `SELECT h.siret, count(DISTINCT t.id)::int AS similar,
              min(earth_distance(ll_to_earth(t.execution_lat, t.execution_lon), ll_to_earth($1, $2))) AS nearest_m
       FROM tenders t
       JOIN tender_lots l ON l.tender_id = t.id
       JOIN contract_holders h ON h.tender_id = l.tender_id AND h.lot_number = l.number
       WHERE ${LOCATED_CONTRACT}
         AND earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(t.execution_lat, t.execution_lon)
         AND earth_distance(ll_to_earth(t.execution_lat, t.execution_lon), ll_to_earth($1, $2)) <= $3
         AND h.siret IS NOT NULL
         AND NOT (t.id = ANY($6::uuid[]))
         AND (cardinality($7::text[]) = 0 OR coalesce(t.buyer->>'siret', t.import_details->>'buyerId', '') <> ALL($7::text[]))
         AND (l.effective_sectors && $4::text[]
              OR (cardinality($4::text[]) = 0 AND EXISTS (SELECT 1 FROM unnest(l.cpv_codes) c WHERE left(c, 3) = ANY($5::text[]))))
       GROUP BY h.siret`,
      [query.location.lat, query.location.lon, radiusKm * 1000, [...query.sectors], cpvGroups(query.cpvCodes), [...(query.excludeTenderIds ?? [])], [...(query.excludeBuyerSirets ?? [])]],
    );
    const out = new Map<string, PastContractsEvidence>();
    for (const row of rows) out.set(row.siret, { similarNearby: row.similar, nearestKm: row.nearest_m / 1000, withinKm: radiusKm, sameBuyer: 0 });
    if (query.buyerSiret) {
      const sameBuyer: { siret: string; won: number }[] = await this.dataSource.query(
        `SELECT h.siret, count(DISTINCT t.id)::int AS won
         FROM tenders t JOIN contract_holders h ON h.tender_id = t.id
         WHERE coalesce(t.buyer->>'siret', t.import_details->>'buyerId', '') = $1 AND h.siret IS NOT NULL
           AND t.source <> 'manual' AND NOT (t.id = ANY($2::uuid[]))
         GROUP BY h.siret`,
        [query.buyerSiret, [...(query.excludeTenderIds ?? [])]],
      );
      for (const row of sameBuyer) {
        const entry = out.get(row.siret);
        if (entry) entry.sameBuyer = row.won;
        else out.set(row.siret, { similarNearby: 0, withinKm: radiusKm, sameBuyer: row.won });
      }
    }
    return out;
  }

  /** Public contracts won by a structure (by its SIRET), newest first; optionally only similar ones near a place. */
  async contractsOf(structureId: string, query: StructureContractsQuery): Promise<{ total: number; page: number; perPage: number; items: StructureContractView[] }> {
    const [structure]: { siret: string }[] = await this.dataSource.query(
      `SELECT siret FROM structures WHERE id = $1 AND delisted_at IS NULL`,
      [structureId],
    );
    if (!structure) throw notFound('Structure introuvable');
    const params: unknown[] = [structure.siret];
    const where: string[] = ['h.siret = $1'];
    let distanceSelect = 'NULL::float8';
    if (query.near) {
      const radiusM = (query.radiusKm ?? EVIDENCE_RADIUS_KM) * 1000;
      params.push(query.near.lat, query.near.lon, radiusM);
      const point = `ll_to_earth($${params.length - 2}, $${params.length - 1})`;
      distanceSelect = `earth_distance(ll_to_earth(t.execution_lat, t.execution_lon), ${point})`;
      where.push(LOCATED_CONTRACT, `earth_box(${point}, $${params.length}) @> ll_to_earth(t.execution_lat, t.execution_lon)`, `${distanceSelect} <= $${params.length}`);
    }
    if (query.sectors?.length || query.cpvCodes?.length) {
      params.push(query.sectors ?? [], cpvGroups(query.cpvCodes ?? []));
      const s = `$${params.length - 1}::text[]`;
      const g = `$${params.length}::text[]`;
      where.push(`(l.effective_sectors && ${s} OR EXISTS (SELECT 1 FROM unnest(l.cpv_codes) c WHERE left(c, 3) = ANY(${g})))`);
    }
    const base = `FROM contract_holders h
      JOIN tender_lots l ON l.tender_id = h.tender_id AND l.number = h.lot_number
      JOIN tenders t ON t.id = h.tender_id
      WHERE ${where.join(' AND ')}`;
    const [{ total }] = await this.dataSource.query(`SELECT count(DISTINCT (h.tender_id, h.lot_number))::int AS total ${base}`, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT DISTINCT ON (t.notified_on, t.id, l.number) t.id, t.source, t.external_id, t.title, t.buyer, l.cpv_codes, l.effective_sectors,
              l.estimated_amount_eur, t.duration_months, t.notified_on::text AS notified_on, t.execution_commune_code, t.execution_department,
              t.execution_precision, t.execution_lat, t.execution_lon, t.grouping_type, ${distanceSelect} AS distance_m,
              (SELECT coalesce(json_agg(json_build_object('name', o.name, 'siret', o.siret, 'identifier', o.identifier) ORDER BY o.position), '[]')
                 FROM contract_holders o WHERE o.tender_id = t.id AND o.lot_number = l.number AND o.siret IS DISTINCT FROM $1) AS co_holders
       ${base}
       ORDER BY t.notified_on DESC NULLS LAST, t.id, l.number
       LIMIT ${Math.floor(query.perPage)} OFFSET ${Math.floor((query.page - 1) * query.perPage)}`,
      params,
    );
    const items = rows.map((r): StructureContractView => {
      const view: StructureContractView = {
        tenderId: r.id as string,
        source: r.source as string,
        externalId: r.external_id as string | null,
        title: r.title as string,
        buyer: r.buyer as { name: string; siret?: string },
        cpvCodes: r.cpv_codes as string[],
        sectors: r.effective_sectors as string[],
        amountEur: r.estimated_amount_eur as number | null,
        durationMonths: r.duration_months as number | null,
        notifiedOn: r.notified_on as string | null,
        place: {
          communeCode: r.execution_commune_code as string | null,
          department: r.execution_department as string | null,
          precision: r.execution_precision as string,
          location: r.execution_lat !== null ? { lat: r.execution_lat as number, lon: r.execution_lon as number } : null,
        },
        coHolders: r.co_holders as StructureContractView['coHolders'],
        groupingType: r.grouping_type as string | null,
      };
      if (r.distance_m !== null) view.distanceKm = Math.round((r.distance_m as number) / 100) / 10;
      return view;
    });
    return { total, page: query.page, perPage: query.perPage, items };
  }
}
