// What the HTTP layer (and pages) call: place resolution, reading a town typed in the text, and the configured index.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pendingStructureIndexing } from '@app/persistence';
import { ReferenceService, SECTORS, SECTOR_GROUPS, type CommuneView } from '@app/reference';
import { placeInQuery, type PlaceReading } from './query-place';
import { IndexedStructure, SEARCH_INDEX, SearchIndex, SearchResult } from './search-index.port';
import { PlaceRef, SearchQuery } from './search-query';
import { words } from './text';

/** Below this, commune names are too often ordinary words to be read as a place typed in the text. */
const MIN_TOWN_POPULATION = 5_000;

/** The place read from the text, for the answer to say so (and offer to search everywhere instead). */
export interface PlaceFromQuery {
  code: string;
  name: string;
  /** The words of the query that named it. */
  matched: string;
}

export type SearchAnswer = SearchResult & { placeFromQuery?: PlaceFromQuery };

@Injectable()
export class SearchService {
  private readonly placeReading: PlaceReading<CommuneView>;

  constructor(
    @Inject(SEARCH_INDEX) readonly index: SearchIndex,
    private readonly reference: ReferenceService,
    private readonly dataSource: DataSource,
  ) {
    const activityWords = new Set([...SECTOR_GROUPS.map((g) => g.label), ...SECTORS.flatMap((s) => [s.label, ...s.keywords])].flatMap(words));
    this.placeReading = {
      townNamed: (name) => this.reference.index.largestCommuneNamed(name),
      isActivityWord: (word) => activityWords.has(word),
      minPopulation: MIN_TOWN_POPULATION,
    };
  }

  /** Structures not yet indexed (0 when the index is complete): answers read before they are in miss them. */
  pendingStructures(): Promise<number> {
    return pendingStructureIndexing(this.dataSource);
  }

  /** A commune by INSEE code, as a search place; undefined when unknown. */
  place(code: string): PlaceRef | undefined {
    const commune = this.reference.commune(code);
    if (!commune) return undefined;
    return { code: commune.code, name: commune.name, department: commune.department, region: commune.region, location: commune.location };
  }

  /**
   * Runs the query; a town typed at the start or end of the text, with no place filter given, becomes
   * `servesCommune` — unless nothing serves it, then the text is searched as typed.
   */
  async search(query: SearchQuery): Promise<SearchAnswer> {
    const reading = this.readPlace(query);
    if (reading) {
      const result = await this.index.search(reading.query);
      if (result.total > 0) return { ...(await this.markDemo(result)), placeFromQuery: reading.place };
    }
    return this.markDemo(await this.index.search(query));
  }

  /** Flags the page's generated demo structures (one indexed query on the page's ids), for the « démo » badge. */
  private async markDemo(result: SearchResult): Promise<SearchResult> {
    if (result.hits.length === 0) return result;
    const demo: { id: string }[] = await this.dataSource.query(`SELECT id FROM structures WHERE id = ANY($1::uuid[]) AND source = 'demo'`, [result.hits.map((h) => h.id)]);
    const ids = new Set(demo.map((d) => d.id));
    return { ...result, hits: result.hits.map((h) => ({ ...h, demo: ids.has(h.id) })) };
  }

  /** Every match, in batches, for exports: the same reading of the query as `search`. */
  async *stream(query: SearchQuery): AsyncIterable<(IndexedStructure & { distanceKm?: number })[]> {
    const reading = this.readPlace(query);
    const serves = reading && (await this.index.search({ ...reading.query, page: 1, perPage: 1, facets: [] })).total > 0;
    yield* this.index.streamAll(serves ? reading.query : query);
  }

  private readPlace(query: SearchQuery): { query: SearchQuery; place: PlaceFromQuery } | undefined {
    if (!query.q || query.placeFromText === false || query.servesCommune || query.near || query.departments?.length || query.regions?.length) return undefined;
    const found = placeInQuery(query.q, this.placeReading);
    const servesCommune = found && this.place(found.town.code);
    if (!found || !servesCommune) return undefined;
    return {
      query: { ...query, q: found.rest || undefined, servesCommune },
      place: { code: servesCommune.code, name: servesCommune.name, matched: found.matched },
    };
  }
}
