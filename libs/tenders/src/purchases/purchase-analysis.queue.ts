// The API's handle on the purchase-analysis queue (its own connection on Redis or PostgreSQL, failing fast like the matching one),
// and the worker that advises the lines of an uploaded plan with progress.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { withTimeout } from '@app/common';
import { APP_CONFIG, AppConfig, PurchaseAnalysisJob, QUEUES } from '@app/config';
import { queueConnection } from '@app/persistence';
import { PurchaseAnalysesService } from './purchase-analyses.service';

const JOB_NAME = 'analyse';
const ATTEMPTS = 3;

export function analysisJobId(analysisId: string, requeue: number): string {
  return requeue > 0 ? `${analysisId}-r${requeue}` : analysisId;
}

@Injectable()
export class PurchaseAnalysisQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('PurchaseAnalysisQueue');
  private readonly queue: Queue<PurchaseAnalysisJob>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.queue = new Queue<PurchaseAnalysisJob>(QUEUES.purchaseAnalysis, {
      prefix: config.queuePrefix,
      connection: queueConnection(config, 'producer'),
    });
    this.queue.on('error', (error: Error) => this.logger.warn(`Purchase-analysis queue unreachable: ${error.message}`));
  }

  /**
   * jobId = analysis id, then « id-rN » for the sweeper's N-th requeue: adding the same job twice runs it once,
   * and a requeue is never swallowed by an old job BullMQ still keeps (completed or failed). Never throws:
   * on failure the analysis stays « en attente » and the sweeper enqueues it later.
   */
  async enqueue(analysisId: string, requeue = 0): Promise<boolean> {
    return this.queue
      .add(JOB_NAME, { analysisId }, { jobId: analysisJobId(analysisId, requeue), attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } })
      .then(
        () => true,
        (error: Error) => {
          this.logger.warn(`Analysis ${analysisId} not enqueued: ${error.message}`);
          return false;
        },
      );
  }

  /** State of the analysis' latest job as BullMQ sees it ('unknown' when there is none, e.g. never queued). */
  async jobState(analysisId: string, requeue: number): Promise<string> {
    const job = await this.queue.getJob(analysisJobId(analysisId, requeue));
    return job ? await job.getState() : 'unknown';
  }

  /** Answers when the queue's backend does (the sweeper claims nothing while it is down). */
  reachable(timeoutMs: number): Promise<boolean> {
    return withTimeout(this.queue.count(), timeoutMs).then(
      () => true,
      () => false,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

@Injectable()
export class PurchaseAnalysisWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PurchaseAnalysisWorker');
  private worker?: Worker<PurchaseAnalysisJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly analyses: PurchaseAnalysesService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<PurchaseAnalysisJob>(QUEUES.purchaseAnalysis, (job) => this.process(job), {
      prefix: this.config.queuePrefix,
      connection: queueConnection(this.config, 'worker'),
      concurrency: 1,
    });
    this.worker.on('failed', (job, error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      this.logger.warn(`Analysis ${job.data.analysisId} failed: ${error.message}`);
      void this.analyses.markFailed(job.data.analysisId, 'L’analyse a échoué après plusieurs essais : réessayez plus tard.');
    });
    this.worker.on('error', (error) => this.logger.warn(error.message));
  }

  async process(job: Job<PurchaseAnalysisJob>): Promise<void> {
    await this.analyses.process(job.data.analysisId, (progress) => job.updateProgress(Math.round(progress * 100)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
