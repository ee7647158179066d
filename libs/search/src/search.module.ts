import { Global, Logger, Module, OnApplicationBootstrap, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ReferenceModule } from '@app/reference';
import { MeiliSearchIndex } from './meilisearch/meili-search-index';
import { PostgresSearchIndex } from './postgres/postgres-search-index';
import { SEARCH_INDEX, SearchIndex } from './search-index.port';
import { SearchReindexer } from './search-reindexer';
import { SearchService } from './search.service';
import { SearchSync } from './search-sync';
import { StructureDocuments } from './structure-documents';

/** The adapter SEARCH_ENGINE selects (config.searchEngine); PostgreSQL by default. */
export function createSearchIndex(config: AppConfig, dataSource: DataSource): SearchIndex {
  if (config.searchEngine === 'meilisearch') {
    return new MeiliSearchIndex({ host: config.meiliUrl!, apiKey: config.meiliKey, index: config.meiliIndex });
  }
  return new PostgresSearchIndex(dataSource, { cacheSize: config.searchCacheSize });
}

/**
 * Search for every app: the SearchIndex port (SEARCH_INDEX), SearchService (queries, exports), SearchSync
 * (`nudge()` after catalogue writes), SearchReindexer. Global so health checks and the catalogue reach them.
 */
@Global()
@Module({
  imports: [ReferenceModule],
  providers: [
    { provide: SEARCH_INDEX, inject: [APP_CONFIG, DataSource], useFactory: createSearchIndex },
    StructureDocuments,
    SearchService,
    SearchSync,
    SearchReindexer,
  ],
  exports: [SEARCH_INDEX, StructureDocuments, SearchService, SearchSync, SearchReindexer],
})
export class SearchModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Search');

  constructor(@Inject(SEARCH_INDEX) private readonly index: SearchIndex) {}

  /** Meilisearch needs its index and settings before the first query; a down engine must not stop the app. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.index.prepare();
    } catch (error) {
      this.logger.warn(`search engine ${this.index.engine} not ready: ${(error as Error).message}`);
    }
  }
}
