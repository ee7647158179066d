// Puts back on the queue what Redis lost or never received. The API persists a run before queueing it and
// gives up queueing after a second when Redis is down; this timer, in every worker process, finds such
// runs in PostgreSQL (the source of truth) and enqueues them once Redis answers again. It also
// reconciles runs whose job ended while their row was not updated (e.g. a job that stalled too often,
// which BullMQ fails without a worker `failed` event).
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withTimeout } from '@app/common';
import { APP_CONFIG, AppConfig, MatchingJob, QUEUES } from '@app/config';
import { exhaustedAttemptsMessage } from '../matching-errors';
import { enqueueMatchingRun } from '../matching-queue';
import { MatchingRunStore } from '../matching-run.store';

export interface SweepReport {
  redisUp: boolean;
  enqueued: string[];
  failed: string[];
}


@Injectable()
export class MatchingSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MatchingSweeper');
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<SweepReport> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUES.matching) private readonly queue: Queue<MatchingJob>,
    private readonly store: MatchingRunStore,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.matching.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight?.catch(() => undefined);
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<SweepReport> {
    this.inFlight ??= this.sweepOnce()
      .catch((error: Error) => {
        this.logger.warn(`Sweep failed: ${error.message}`);
        return { redisUp: false, enqueued: [], failed: [] };
      })
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async sweepOnce(): Promise<SweepReport> {
    const settings = this.config.matching;
    const report: SweepReport = { redisUp: false, enqueued: [], failed: [] };
    // Claiming bumps the runs' enqueued_at: do it only when Redis can take them.
    try {
      await withTimeout(this.queue.count(), settings.enqueueTimeoutMs);
    } catch {
      return report;
    }
    report.redisUp = true;
    // A running run is checked only once BullMQ's own stalled check had time to act on it.
    const runningAfterMs = Math.max(settings.sweepAfterMs, 2 * settings.lockDurationMs + settings.stalledIntervalMs);
    const due = await this.store.claimForSweep(settings.sweepAfterMs, runningAfterMs);
    for (const run of due) {
      const job = await withTimeout(this.queue.getJob(run.id), settings.enqueueTimeoutMs);
      if (!job) {
        // Never queued (Redis was down), or lost with Redis' memory: queue it (again).
        if ((await enqueueMatchingRun(this.queue, run.id, settings)) === 'queued') report.enqueued.push(run.id);
        continue;
      }
      const state = await withTimeout(job.getState(), settings.enqueueTimeoutMs);
      if (state === 'failed') {
        const attempts = Math.max(job.attemptsMade, job.attemptsStarted ?? 0);
        if (await this.store.markFailed(run.id, exhaustedAttemptsMessage(attempts, job.failedReason))) report.failed.push(run.id);
      } else if (state === 'completed') {
        // The job ended but the run did not (its row was reset or its final write lost): run it again.
        await job.remove().catch(() => undefined);
        if ((await enqueueMatchingRun(this.queue, run.id, settings)) === 'queued') report.enqueued.push(run.id);
      }
      // waiting, delayed, active: BullMQ has it in hand.
    }
    if (report.enqueued.length || report.failed.length) {
      this.logger.log(`Sweep: ${report.enqueued.length} run(s) enqueued, ${report.failed.length} marked failed`);
    }
    return report;
  }
}
