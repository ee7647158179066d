// What the HTTP layer (and pages) call: place resolution and the configured index.
import { Inject, Injectable } from '@nestjs/common';
import { ReferenceService } from '@app/reference';
import { IndexedStructure, SEARCH_INDEX, SearchIndex, SearchResult } from './search-index.port';
import { PlaceRef, SearchQuery } from './search-query';

@Injectable()
export class SearchService {
  constructor(
    @Inject(SEARCH_INDEX) readonly index: SearchIndex,
    private readonly reference: ReferenceService,
  ) {}

  /** A commune by INSEE code, as a search place; undefined when unknown. */
  place(code: string): PlaceRef | undefined {
    const commune = this.reference.commune(code);
    if (!commune) return undefined;
    return { code: commune.code, name: commune.name, department: commune.department, region: commune.region, location: commune.location };
  }

  search(query: SearchQuery): Promise<SearchResult> {
    return this.index.search(query);
  }

  /** Every match, in batches, for exports. */
  stream(query: SearchQuery): AsyncIterable<(IndexedStructure & { distanceKm?: number })[]> {
    return this.index.streamAll(query);
  }
}
