// Meilisearch filter expressions built from validated values, every string quoted and escaped, so no user
// text can ever become filter syntax. Pure: unit-tested without a server.
import { EARTH_RADIUS_KM } from '@app/domain';
import type { SearchFacet, SearchQuery } from '../search-query';

/** A string literal of Meilisearch's filter grammar: double quotes, with \ and " escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function number(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

const inList = (attribute: string, values: readonly string[]) => `${attribute} IN [${values.map(quote).join(', ')}]`;

/** Meilisearch's _geoRadius uses a 6,371 km sphere: scale metres so the boundary is the domain's. */
const metres = (km: number) => Math.round(km * 1000 * (6371 / EARTH_RADIUS_KM) * 1000) / 1000;

export const FACET_ATTRIBUTE: Record<SearchFacet, string> = {
  kind: 'kind',
  sector: 'sectors',
  department: 'department',
  prestationType: 'prestationTypes',
};

export interface MeiliFilters {
  /** Filters every request shares. */
  common: string[];
  /** Filters that are also facets (a facet's counts ignore its own filter). */
  facet: Partial<Record<SearchFacet, string>>;
}

/**
 * `radii` are the distinct intervention radii present in the index: Meilisearch cannot compare a distance
 * with a per-document radius, so servesCommune asks, for each radius r, "radius area of r km and within r km".
 */
export function meiliFilters(query: SearchQuery, radii: readonly number[]): MeiliFilters {
  const common: string[] = [];
  const facet: MeiliFilters['facet'] = {};
  if (query.inclusiveOnly) common.push('inclusive = true');
  if (query.kinds?.length) facet.kind = inList('kind', query.kinds);
  if (query.sectors?.length) facet.sector = inList('sectors', query.sectors);
  if (query.departments?.length) facet.department = inList('department', query.departments);
  if (query.prestationTypes?.length) facet.prestationType = inList('prestationTypes', query.prestationTypes);
  if (query.regions?.length) common.push(inList('region', query.regions));
  if (query.openToCoContracting !== undefined) common.push(`openToCoContracting = ${query.openToCoContracting ? 'true' : 'false'}`);
  if (query.minAnnualRevenueEur !== undefined) common.push(`annualRevenueEur >= ${number(query.minAnnualRevenueEur)}`);
  if (query.near && query.radiusKm !== undefined) {
    const { lat, lon } = query.near.location;
    common.push(`_geoRadius(${number(lat)}, ${number(lon)}, ${number(metres(query.radiusKm))})`);
  }
  if (query.servesCommune) {
    const place = query.servesCommune;
    const { lat, lon } = place.location;
    const alternatives = [
      `areaType = ${quote('national')}`,
      `areaDepartments = ${quote(place.department)}`,
      `areaRegions = ${quote(place.region)}`,
      ...radii.map((r) => `(areaRadiusKm = ${number(r)} AND _geoRadius(${number(lat)}, ${number(lon)}, ${number(metres(r))}))`),
    ];
    common.push(`(${alternatives.join(' OR ')})`);
  }
  return { common, facet };
}

/** AND of the parts, each parenthesised; undefined when there is nothing to filter. */
export function combine(parts: string[]): string | undefined {
  return parts.length ? parts.map((p) => `(${p})`).join(' AND ') : undefined;
}
