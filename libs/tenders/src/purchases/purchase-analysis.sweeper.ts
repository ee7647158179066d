// No lost analysis: the API stores the file's lines before it enqueues their advice, and the queue may be
// down at that moment, lose the job, or hand it to a worker that dies mid-file. PostgreSQL is the source of
// truth: this timer, in every worker process (once at start, then every `sweepIntervalMs`), finds the
// analyses « en attente » or « en cours » whose row has not moved for `staleAfterMs` and enqueues them again.
// Processing resumes at the first line without advice, so a second run never advises a line twice.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { withTimeout } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PurchaseAnalysesService } from './purchase-analyses.service';
import { PurchaseAnalysisQueue } from './purchase-analysis.queue';

/**
 * Requeues of one analysis before it is declared failed: a file that kills its worker every time (or a
 * queue that keeps losing it) ends « en échec » with a message rather than being retried for ever.
 */
export const MAX_ANALYSIS_REQUEUES = 3;
export const REQUEUES_EXHAUSTED_MESSAGE = 'L’analyse s’est interrompue plusieurs fois sans aboutir : déposez le fichier à nouveau, ou découpez-le s’il est très grand.';

/** BullMQ states in which the job is simply waiting its turn: the sweeper leaves it there. */
const WAITING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);
const QUEUE_TIMEOUT_MS = 2000;

export interface AnalysisSweepReport {
  queueUp: boolean;
  enqueued: string[];
  failed: string[];
}

@Injectable()
export class PurchaseAnalysisSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PurchaseAnalysisSweeper');
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<AnalysisSweepReport> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly analyses: PurchaseAnalysesService,
    private readonly queue: PurchaseAnalysisQueue,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.purchaseAnalysis.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight?.catch(() => undefined);
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<AnalysisSweepReport> {
    this.inFlight ??= this.sweepOnce()
      .catch((error: Error) => {
        this.logger.warn(`Sweep failed: ${error.message}`);
        return { queueUp: false, enqueued: [], failed: [] };
      })
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async sweepOnce(): Promise<AnalysisSweepReport> {
    const report: AnalysisSweepReport = { queueUp: false, enqueued: [], failed: [] };
    // Claiming counts a requeue: only when the queue can take the job.
    if (!(await this.queue.reachable(QUEUE_TIMEOUT_MS))) return report;
    report.queueUp = true;
    const { staleAfterMs } = this.config.purchaseAnalysis;
    for (const { id, requeues } of await this.analyses.stale(staleAfterMs)) {
      const state = await withTimeout(this.queue.jobState(id, requeues), QUEUE_TIMEOUT_MS).catch(() => 'unreachable');
      if (WAITING_STATES.has(state) || state === 'unreachable') continue;
      // Never queued or lost ('unknown'), ended without finishing the row ('completed', 'failed' after its
      // worker stalled too often), or held by a worker that stopped moving ('active'): run it again.
      const claimed = await this.analyses.claimStale(id, requeues, staleAfterMs);
      if (claimed === null) continue;
      if (claimed > MAX_ANALYSIS_REQUEUES) {
        await this.analyses.markFailed(id, REQUEUES_EXHAUSTED_MESSAGE);
        report.failed.push(id);
      } else if (await this.queue.enqueue(id, claimed)) {
        report.enqueued.push(id);
      }
    }
    if (report.enqueued.length || report.failed.length) {
      this.logger.log(`Sweep: ${report.enqueued.length} analysis(es) enqueued again, ${report.failed.length} marked failed`);
    }
    return report;
  }
}

