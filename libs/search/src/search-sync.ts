// The API side of index synchronisation: after a write commits, nudge the indexing queue so the worker
// picks the outbox rows up at once. A failed nudge never fails the write: the worker's sweep catches up.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, QUEUES, SearchIndexJob } from '@app/config';
import { queueConnection } from '@app/persistence';

export const SEARCH_SYNC_JOB = 'sync';
const NUDGE_TIMEOUT_MS = 1000;

@Injectable()
export class SearchSync implements OnApplicationShutdown {
  private readonly logger = new Logger(SearchSync.name);
  private queue?: Queue<SearchIndexJob>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private searchQueue(): Queue<SearchIndexJob> {
    if (this.queue) return this.queue;
    this.queue = new Queue<SearchIndexJob>(QUEUES.searchIndex, {
      prefix: this.config.queuePrefix,
      // Fails fast while the queue is down: the outbox row is already committed, the sweep will index it.
      connection: queueConnection(this.config, 'producer'),
    });
    this.queue.on('error', (error) => this.logger.debug(`search-index queue: ${error.message}`));
    return this.queue;
  }

  /**
   * Call after the transaction that changed structures (and called enqueueStructureIndexing) committed.
   * Never throws, never waits for Redis.
   */
  nudge(): void {
    void this.nudgeAndWait();
  }

  /** Same as nudge, for callers that want to know whether Redis took it (scripts, tests). */
  async nudgeAndWait(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const added = this.searchQueue()
        .add(SEARCH_SYNC_JOB, {}, { removeOnComplete: true, removeOnFail: { count: 100 } })
        .then(() => true);
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), NUDGE_TIMEOUT_MS)));
      return await Promise.race([added, timeout]);
    } catch (error) {
      this.logger.debug(`nudge failed (the sweep will index): ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 1000)));
    const closed = await Promise.race([queue.close().then(() => 'closed' as const, () => 'closed' as const), timeout]);
    clearTimeout(timer);
    if (closed === 'timeout') void queue.disconnect().catch(() => undefined);
  }
}
