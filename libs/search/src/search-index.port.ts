// The search port: the API and the worker depend on this interface only; adapters (postgres/, meilisearch/)
// implement it and one contract test suite (tests/e2e/search-contract.e2e-spec.ts) runs against both.
import type { GeoPoint, PrestationType, StructureKind } from '@app/domain';
import type { SearchFacet, SearchQuery } from './search-query';
import type { StructureDocument } from './structure-document';

export const SEARCH_INDEX = Symbol('SEARCH_INDEX');

export type SearchEngineName = 'postgres' | 'meilisearch';

/** What the index returns about a structure: enough for a hit and for an export row. */
export interface IndexedStructure {
  id: string;
  siret: string;
  name: string;
  brand: string | null;
  kind: StructureKind;
  communeCode: string | null;
  communeName: string | null;
  department: string | null;
  region: string | null;
  sectors: string[];
  prestationTypes: PrestationType[];
  openToCoContracting: boolean;
  annualRevenueEur: number | null;
  website: string | null;
  location: GeoPoint | null;
}

/** The contract's hit: the structure's display fields, its distance to the asked place, the relevance. */
export type SearchHit = Pick<
  IndexedStructure,
  'id' | 'siret' | 'name' | 'brand' | 'kind' | 'communeCode' | 'communeName' | 'department' | 'sectors' | 'prestationTypes'
> & {
  distanceKm?: number;
  /** Relevance, higher is better; comparable within one response only. */
  score: number;
  /** A generated demo structure (source "demo"), badged « démo »; set by SearchService. */
  demo?: boolean;
};

export type FacetCounts = Partial<Record<SearchFacet, Record<string, number>>>;

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: FacetCounts;
  tookMs: number;
}

export interface RebuildProgress {
  (indexed: number, total: number): void;
}

export interface SearchIndex {
  readonly engine: SearchEngineName;
  /** true when the engine answers. */
  health(): Promise<boolean>;
  /** Creates what the engine needs (settings, tables are migrations); idempotent. */
  prepare(): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Every match of the query (all pages) in the query's order, in batches, without holding them all in memory. */
  streamAll(query: SearchQuery): AsyncIterable<(IndexedStructure & { distanceKm?: number })[]>;
  /** Adds or replaces documents by id; resolves once the engine confirmed the write. */
  upsert(documents: StructureDocument[]): Promise<void>;
  /** Removes documents by id (absent ids are fine); resolves once confirmed. */
  remove(ids: string[]): Promise<void>;
  /**
   * Builds a complete new index from `batches` next to the live one, then swaps it in at once:
   * searches keep answering from the old index until the swap.
   */
  rebuild(batches: AsyncIterable<StructureDocument[]>, total: number, progress?: RebuildProgress): Promise<number>;
  /** Number of indexed documents. */
  count(): Promise<number>;
}
