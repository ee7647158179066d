// The API's handle on the matching queue. It owns its own connection, tuned to fail fast: a request
// must never wait for Redis more than `enqueueTimeoutMs` (the run is already persisted by then).
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig, MatchingJob, QUEUES } from '@app/config';
import { EnqueueOutcome, closeQueueQuickly, enqueueMatchingRun } from './matching-queue';

@Injectable()
export class MatchingQueueProducer implements OnApplicationShutdown {
  private readonly logger = new Logger('MatchingQueue');
  private readonly queue: Queue<MatchingJob>;
  private lastErrorLog = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.queue = new Queue<MatchingJob>(QUEUES.matching, {
      prefix: config.queuePrefix,
      connection: { url: config.redisUrl, maxRetriesPerRequest: 1, connectTimeout: 2000 },
    });
    // Without a listener an unreachable Redis would crash the process; log at most every 30 s.
    this.queue.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLog < 30_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn(`Redis unreachable for the matching queue: ${error.message}`);
    });
  }

  enqueue(runId: string): Promise<EnqueueOutcome> {
    return enqueueMatchingRun(this.queue, runId, this.config.matching);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeQueueQuickly(this.queue);
  }
}
