// The search port: the API and worker depend on this interface only; adapters (postgres/, meilisearch/) implement it.
export const SEARCH_INDEX = Symbol('SEARCH_INDEX');

export interface SearchIndex {
  /** true when the engine answers. */
  health(): Promise<boolean>;
}
