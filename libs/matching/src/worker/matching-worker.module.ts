import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@app/config';
import { TendersModule } from '@app/tenders';
import { MatchingRunStore } from '../matching-run.store';
import { MatchingPipeline } from './matching.pipeline';
import { MatchingSweeper } from './matching.sweeper';
import { MatchingWorker } from './matching.worker';

/** Worker side of matching (register in apps/worker): the queue consumer, its pipeline and the sweeper. */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.matching }), TendersModule],
  providers: [MatchingRunStore, MatchingPipeline, MatchingWorker, MatchingSweeper],
  exports: [MatchingWorker, MatchingSweeper, MatchingPipeline],
})
export class MatchingWorkerModule {}
