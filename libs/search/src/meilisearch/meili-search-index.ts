// Meilisearch adapter (SEARCH_ENGINE=meilisearch): the official client 0.56 (its last CommonJS build).
// A write counts only once the engine's task succeeded; a rebuild fills a new index and swaps it in.
import { performance } from 'node:perf_hooks';
import { Meilisearch, type Config, type Index, type IndexSwap, type MultiSearchQuery, type SearchResponse, type Settings, type Task } from 'meilisearch';
import type { FacetCounts, IndexedStructure, RebuildProgress, SearchIndex, SearchResult } from '../search-index.port';
import { SEARCH_FACETS, type SearchFacet, type SearchQuery, distanceOrigin } from '../search-query';
import type { StructureDocument } from '../structure-document';
import { hitFrom, withDistance } from '../hits';
import { queryWords } from '../text';
import { FACET_ATTRIBUTE, combine, meiliFilters } from './meili-filters';

/** The document as Meilisearch stores it: flat attributes, `_geo` for geography. */
export interface MeiliDocument extends Omit<StructureDocument, 'area'> {
  _geo?: { lat: number; lng: number };
  areaType: StructureDocument['area']['type'];
  areaDepartments: string[];
  areaRegions: string[];
  areaRadiusKm: number | null;
}

export const MEILI_SETTINGS: Settings = {
  // Order = importance (the "attribute" ranking rule), as the PostgreSQL weights A > B > C > D.
  searchableAttributes: [
    'name', 'brand', 'sectorLabels', 'communeName', 'city', 'sectorGroups', 'sectorKeywords', 'offerTitles',
    'description', 'offerDescriptions', 'departmentName', 'regionName',
  ],
  filterableAttributes: [
    'kind', 'inclusive', 'sectors', 'prestationTypes', 'department', 'region', 'openToCoContracting', 'annualRevenueEur',
    'areaType', 'areaDepartments', 'areaRegions', 'areaRadiusKm', '_geo',
  ],
  sortableAttributes: ['nameSort', '_geo'],
  // "sort" first: sort=distance and sort=name order strictly; without a sort parameter the rule does nothing.
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 }, disableOnNumbers: true },
  localizedAttributes: [{ attributePatterns: ['*'], locales: ['fra'] }],
  pagination: { maxTotalHits: 1_000_000 },
  faceting: { maxValuesPerFacet: 500 },
};

const TASK_TIMEOUT_MS = 120_000;
const EXPORT_PAGE = 1000;
const RADII_TTL_MS = 5_000;

function toMeili(doc: StructureDocument): MeiliDocument {
  const { area, ...rest } = doc;
  return {
    ...rest,
    ...(doc.location ? { _geo: { lat: doc.location.lat, lng: doc.location.lon } } : {}),
    areaType: area.type,
    areaDepartments: area.departments,
    areaRegions: area.regions,
    areaRadiusKm: area.radiusKm,
  };
}

function toIndexed(doc: MeiliDocument): IndexedStructure {
  return {
    id: doc.id,
    siret: doc.siret,
    name: doc.name,
    brand: doc.brand,
    kind: doc.kind,
    communeCode: doc.communeCode,
    communeName: doc.communeName,
    department: doc.department,
    region: doc.region,
    sectors: doc.sectors,
    prestationTypes: doc.prestationTypes,
    openToCoContracting: doc.openToCoContracting,
    annualRevenueEur: doc.annualRevenueEur,
    website: doc.website,
    location: doc.location,
  };
}

async function confirmed(task: Promise<Task>): Promise<Task> {
  const done = await task;
  if (done.status !== 'succeeded') throw new Error(`Meilisearch task ${done.uid} ${done.status}: ${done.error?.message ?? ''}`);
  return done;
}

export class MeiliSearchIndex implements SearchIndex {
  readonly engine = 'meilisearch' as const;
  private readonly client: Meilisearch;
  private radii?: { values: number[]; at: number };

  /** `httpClient` replaces fetch (unit tests record the requests). */
  constructor(options: { host: string; apiKey?: string; index: string; httpClient?: Config['httpClient'] }, private readonly uid = options.index) {
    this.client = new Meilisearch({ host: options.host, apiKey: options.apiKey, httpClient: options.httpClient });
  }

  private index(uid = this.uid): Index<MeiliDocument> {
    return this.client.index<MeiliDocument>(uid);
  }

  async health(): Promise<boolean> {
    return this.client.isHealthy();
  }

  async prepare(): Promise<void> {
    await this.ensureIndex(this.uid);
    await confirmed(this.index().updateSettings(MEILI_SETTINGS).waitTask({ timeout: TASK_TIMEOUT_MS }));
  }

  private async ensureIndex(uid: string): Promise<void> {
    const task = await this.client.createIndex(uid, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status !== 'succeeded' && task.error?.code !== 'index_already_exists') {
      throw new Error(`Meilisearch could not create index ${uid}: ${task.error?.message ?? task.status}`);
    }
  }

  async count(): Promise<number> {
    const stats = await this.index().getStats();
    return stats.numberOfDocuments;
  }

  /** Distinct intervention radii in the index (a handful: 50 km by default), cached a few seconds. */
  private async radiusValues(): Promise<number[]> {
    if (this.radii && Date.now() - this.radii.at < RADII_TTL_MS) return this.radii.values;
    const answer = await this.index().search(null, { limit: 0, facets: ['areaRadiusKm'], filter: `areaType = "radius"` });
    const values = Object.keys(answer.facetDistribution?.areaRadiusKm ?? {}).map(Number).filter(Number.isFinite);
    this.radii = { values, at: Date.now() };
    return values;
  }

  private async requests(query: SearchQuery, options: { page: number; perPage: number; facets: boolean }) {
    const filters = meiliFilters(query, query.servesCommune ? await this.radiusValues() : []);
    const origin = distanceOrigin(query);
    // Only words reach the engine: quotes, minus signs and any syntax are plain text.
    const q = queryWords(query.q, 10).join(' ') || null;
    const sort =
      query.sort === 'name'
        ? ['nameSort:asc']
        : query.sort === 'distance' && origin
          ? [`_geoPoint(${origin.lat}, ${origin.lon}):asc`]
          : undefined;
    const main: MultiSearchQuery = {
      indexUid: this.uid,
      q,
      filter: combine([...filters.common, ...Object.values(filters.facet)]),
      sort,
      page: options.page,
      hitsPerPage: options.perPage,
      matchingStrategy: 'last',
      showRankingScore: true,
    };
    const queries: MultiSearchQuery[] = [main];
    const facetNames: SearchFacet[] = options.facets ? query.facets : [];
    // Facets whose filter is not set are counted on the main request; each other facet needs its own
    // request without its own filter (counts that respect the other filters).
    main.facets = facetNames.filter((f) => !filters.facet[f]).map((f) => FACET_ATTRIBUTE[f]);
    const separate = facetNames.filter((f) => filters.facet[f]);
    for (const facet of separate) {
      const others = SEARCH_FACETS.filter((f) => f !== facet && filters.facet[f]).map((f) => filters.facet[f]!);
      queries.push({
        indexUid: this.uid,
        q,
        filter: combine([...filters.common, ...others]),
        page: 1,
        hitsPerPage: 0,
        matchingStrategy: 'last',
        facets: [FACET_ATTRIBUTE[facet]],
      });
    }
    return { queries, separate, facetNames };
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const { queries, separate, facetNames } = await this.requests(query, { page: query.page, perPage: query.perPage, facets: true });
    const { results } = (await this.client.multiSearch({ queries })) as { results: SearchResponse<MeiliDocument>[] };
    const [main, ...facetAnswers] = results;
    const facets: FacetCounts = {};
    for (const facet of facetNames) {
      const answer = separate.includes(facet) ? facetAnswers[separate.indexOf(facet)] : main;
      const counts = answer.facetDistribution?.[FACET_ATTRIBUTE[facet]] ?? {};
      facets[facet] = Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
    }
    const origin = distanceOrigin(query);
    return {
      total: main.totalHits ?? main.estimatedTotalHits ?? 0,
      hits: main.hits.map((hit) => hitFrom(toIndexed(hit), query.q ? Number(hit._rankingScore ?? 0) : 0, origin)),
      facets,
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  async *streamAll(query: SearchQuery): AsyncIterable<(IndexedStructure & { distanceKm?: number })[]> {
    const origin = distanceOrigin(query);
    for (let page = 1; ; page++) {
      const { queries } = await this.requests(query, { page, perPage: EXPORT_PAGE, facets: false });
      const { results } = (await this.client.multiSearch({ queries: [queries[0]] })) as { results: SearchResponse<MeiliDocument>[] };
      const hits = results[0].hits;
      if (hits.length) yield hits.map((hit) => withDistance(toIndexed(hit), origin));
      if (hits.length < EXPORT_PAGE || page >= (results[0].totalPages ?? page)) return;
    }
  }

  async upsert(documents: StructureDocument[]): Promise<void> {
    if (!documents.length) return;
    await confirmed(this.index().addDocuments(documents.map(toMeili), { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS }));
    this.radii = undefined;
  }

  async remove(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await confirmed(this.index().deleteDocuments(ids).waitTask({ timeout: TASK_TIMEOUT_MS }));
  }

  async rebuild(batches: AsyncIterable<StructureDocument[]>, total: number, progress?: RebuildProgress): Promise<number> {
    const next = `${this.uid}_rebuild_${Date.now()}`;
    await this.ensureIndex(this.uid);
    await this.ensureIndex(next);
    try {
      await confirmed(this.index(next).updateSettings(MEILI_SETTINGS).waitTask({ timeout: TASK_TIMEOUT_MS }));
      let indexed = 0;
      progress?.(0, total);
      for await (const batch of batches) {
        if (!batch.length) continue;
        await confirmed(this.index(next).addDocuments(batch.map(toMeili), { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS }));
        indexed += batch.length;
        progress?.(indexed, Math.max(total, indexed));
      }
      await confirmed(this.client.swapIndexes([{ indexes: [this.uid, next] } as IndexSwap]).waitTask({ timeout: TASK_TIMEOUT_MS }));
      this.radii = undefined;
      return indexed;
    } finally {
      // After the swap `next` holds the old documents; before it, a half-built index. Either way it goes.
      await this.client.deleteIndex(next).waitTask({ timeout: TASK_TIMEOUT_MS }).catch(() => undefined);
    }
  }

  /** Tests drop their unique index when done. */
  async drop(): Promise<void> {
    await this.client.deleteIndex(this.uid).waitTask({ timeout: TASK_TIMEOUT_MS }).catch(() => undefined);
  }
}
