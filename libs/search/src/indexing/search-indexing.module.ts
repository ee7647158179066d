import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@app/config';
import { SearchModule } from '../search.module';
import { OutboxIndexer } from './outbox-indexer';
import { SearchIndexProcessor, SearchSweepScheduler } from './search-index.processor';

/** Worker side of search: the `search-index` queue's processor and its repeatable sweep. */
@Module({
  imports: [SearchModule, BullModule.registerQueue({ name: QUEUES.searchIndex })],
  providers: [OutboxIndexer, SearchIndexProcessor, SearchSweepScheduler],
  exports: [OutboxIndexer],
})
export class SearchIndexingModule {}
