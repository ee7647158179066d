// The API's handle on the matching queue. It owns its own connection, tuned to fail fast: a request
// must never wait for the queue more than `enqueueTimeoutMs` (the run is already persisted by then).
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, MatchingJob, QUEUES } from '@app/config';
import { queueConnection } from '@app/persistence';
import { EnqueueOutcome, closeQueueQuickly, enqueueMatchingRun } from './matching-queue';

@Injectable()
export class MatchingQueueProducer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MatchingQueue');
  private readonly queue: Queue<MatchingJob>;
  private lastErrorLog = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.queue = new Queue<MatchingJob>(QUEUES.matching, {
      prefix: config.queuePrefix,
      connection: queueConnection(config, 'producer'),
    });
    // Without a listener an unreachable queue server would crash the process; log at most every 30 s.
    this.queue.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLog < 30_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn(`Matching queue unreachable: ${error.message}`);
    });
  }

  /** Connects early (on PostgreSQL this creates BullMQ's tables in a fresh database), without delaying the start. */
  onApplicationBootstrap(): void {
    void this.queue.waitUntilReady().catch(() => undefined);
  }

  enqueue(runId: string): Promise<EnqueueOutcome> {
    return enqueueMatchingRun(this.queue, runId, this.config.matching);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeQueueQuickly(this.queue);
  }
}
