import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { QUEUES, SearchIndexJob } from '@app/config';
import { OutboxIndexer } from './outbox-indexer';

export const SEARCH_SWEEP_SCHEDULER = 'search-index-sweep';
export const SEARCH_SWEEP_JOB = 'sweep';
/** The sweep catches what a lost nudge or a crash left behind: well inside the 5 s promise. */
export const SEARCH_SWEEP_EVERY_MS = 2000;

/** Every job (a nudge after a write, or the periodic sweep) drains the outbox: same work, same safety. */
@Processor(QUEUES.searchIndex, { concurrency: 1 })
export class SearchIndexProcessor extends WorkerHost {
  constructor(private readonly indexer: OutboxIndexer) {
    super();
  }

  async process(_job: Job<SearchIndexJob>): Promise<{ processed: number; failed: number }> {
    return this.indexer.drain();
  }
}

@Injectable()
export class SearchSweepScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.searchIndex) private readonly queue: Queue<SearchIndexJob>) {}

  /** Idempotent: every worker upserts the same scheduler, BullMQ keeps one. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SEARCH_SWEEP_SCHEDULER,
      { every: SEARCH_SWEEP_EVERY_MS },
      { name: SEARCH_SWEEP_JOB, data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }
}
