// The BullMQ worker of the matching queue. Created here rather than with @Processor because its lock,
// stalled-check and concurrency settings come from the validated configuration (decorators are static).
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig, MatchingJob, QUEUES } from '@app/config';
import { MatchingRunRejected, exhaustedAttemptsMessage } from '../matching-errors';
import { MatchingRunStore } from '../matching-run.store';
import { MatchingPipeline } from './matching.pipeline';

export type MatchingJobResult = { proposals: number } | { skipped: 'finished' } | { rejected: string };

@Injectable()
export class MatchingWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MatchingWorker');
  private worker?: Worker<MatchingJob, MatchingJobResult>;
  private lastErrorLog = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUES.matching) private readonly queue: Queue<MatchingJob>,
    private readonly store: MatchingRunStore,
    private readonly pipeline: MatchingPipeline,
  ) {}

  onApplicationBootstrap(): void {
    const settings = this.config.matching;
    this.worker = new Worker<MatchingJob, MatchingJobResult>(QUEUES.matching, (job) => this.process(job), {
      connection: this.queue.opts.connection,
      prefix: this.queue.opts.prefix,
      concurrency: settings.concurrency,
      // A solve blocks the event loop (HiGHS is synchronous WebAssembly): the lock must outlast the
      // longest solve, or a healthy worker would be taken for dead and the run done twice.
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', (error) => this.logThrottled(error));
  }

  async onApplicationShutdown(): Promise<void> {
    // Waits for the active run to finish; a killed process leaves a stalled job that BullMQ re-runs.
    await this.worker?.close();
  }

  /** The BullMQ worker (tests and the benchmark read its state). */
  get bullWorker(): Worker<MatchingJob, MatchingJobResult> | undefined {
    return this.worker;
  }

  async process(job: Job<MatchingJob>): Promise<MatchingJobResult> {
    const { runId } = job.data;
    const attempt = job.attemptsStarted || job.attemptsMade + 1;
    const run = await this.store.markRunning(runId, attempt);
    if (!run) return { skipped: 'finished' }; // a duplicate job, or one re-added after the run ended
    const report = async (progress: number) => {
      await Promise.all([this.store.setProgress(runId, progress), job.updateProgress(Math.round(progress * 100) / 100)]);
    };
    await report(0.05);
    try {
      const outcome = await this.pipeline.run(run, report);
      await this.store.succeed(runId, outcome);
      return { proposals: outcome.proposals.length };
    } catch (error) {
      if (!(error instanceof MatchingRunRejected)) throw error; // BullMQ retries with backoff
      await this.store.markFailed(runId, error.message, error.explanations.length ? error.explanations : undefined);
      return { rejected: error.message };
    }
  }

  /** Between attempts the run waits again; when they are exhausted it fails with a readable message. */
  private async onFailed(job: Job<MatchingJob> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const exhausted = job.attemptsMade >= attempts || error.name === 'UnrecoverableError';
    try {
      if (exhausted) {
        await this.store.markFailed(job.data.runId, exhaustedAttemptsMessage(job.attemptsMade, error.message));
        this.logger.warn(`Run ${job.data.runId} failed after ${job.attemptsMade} attempt(s): ${error.message}`);
      } else {
        await this.store.markRetrying(job.data.runId, job.attemptsStarted || job.attemptsMade);
      }
    } catch (writeError) {
      // The sweeper reconciles the run with the job's state later.
      this.logThrottled(writeError as Error);
    }
  }

  private logThrottled(error: Error): void {
    if (Date.now() - this.lastErrorLog < 30_000) return;
    this.lastErrorLog = Date.now();
    this.logger.warn(`Matching worker: ${error.message}`);
  }
}
