import { Module } from '@nestjs/common';
import { TendersModule } from '@app/tenders';
import { MatchingQueueProducer } from './matching-queue.producer';
import { MatchingRunStore } from './matching-run.store';
import { MatchingRunsService } from './matching-runs.service';

/** API side of matching: runs are created, queued and read here; the worker module computes them. */
@Module({
  imports: [TendersModule],
  providers: [MatchingRunStore, MatchingQueueProducer, MatchingRunsService],
  exports: [MatchingRunsService],
})
export class MatchingModule {}
