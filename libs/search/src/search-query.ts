// What a search asks, once validated and with its places resolved to coordinates (the HTTP layer resolves
// INSEE codes; adapters never look up communes).
import type { GeoPoint, PrestationType, StructureKind } from '@app/domain';

export const SEARCH_FACETS = ['kind', 'sector', 'department', 'prestationType'] as const;
export type SearchFacet = (typeof SEARCH_FACETS)[number];

export const SEARCH_SORTS = ['relevance', 'distance', 'name'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 20;
export const MAX_QUERY_LENGTH = 200;
export const MAX_RADIUS_KM = 1000;

/** A commune, resolved: what `servesCommune` and `near` point at. */
export interface PlaceRef {
  code: string;
  name: string;
  department: string;
  region: string;
  location: GeoPoint;
}

export interface SearchQuery {
  q?: string;
  /** Default true: a town typed at the start or end of `q` (with no place filter) is read as `servesCommune`. */
  placeFromText?: boolean;
  kinds?: StructureKind[];
  sectors?: string[];
  prestationTypes?: PrestationType[];
  /** The structure's intervention area covers this commune. */
  servesCommune?: PlaceRef;
  /** The structure is located within `radiusKm` of this commune's centre (no radius: distance reference only). */
  near?: PlaceRef;
  radiusKm?: number;
  departments?: string[];
  regions?: string[];
  openToCoContracting?: boolean;
  /** Default true: COMPANY structures are not inclusive suppliers. */
  inclusiveOnly: boolean;
  minAnnualRevenueEur?: number;
  sort: SearchSort;
  page: number;
  perPage: number;
  facets: SearchFacet[];
}

export function searchQuery(partial: Partial<SearchQuery> = {}): SearchQuery {
  return { inclusiveOnly: true, sort: 'relevance', page: 1, perPage: DEFAULT_PER_PAGE, facets: [], ...partial };
}

/** Where distances are measured from: `near` first, else the served commune. */
export function distanceOrigin(query: SearchQuery): GeoPoint | undefined {
  return (query.near ?? query.servesCommune)?.location;
}
