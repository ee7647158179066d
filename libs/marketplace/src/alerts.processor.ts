import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { APP_CONFIG, type AlertsJob, type AppConfig, QUEUES } from '@app/config';
import { AlertFanout } from './alert-fanout';

export const ALERTS_SWEEP_SCHEDULER = 'alerts-sweep';

/** Every job sweeps: pending publications, then due digests (both idempotent, see AlertFanout). */
@Processor(QUEUES.alerts, { concurrency: 1 })
export class AlertsProcessor extends WorkerHost {
  constructor(private readonly fanout: AlertFanout) {
    super();
  }

  async process(_job: Job<AlertsJob>): Promise<{ tenders: number; digests: number }> {
    const { tenders, digests } = await this.fanout.sweep();
    return { tenders: tenders.length, digests };
  }
}

@Injectable()
export class AlertsSweepScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.alerts) private readonly queue: Queue<AlertsJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Idempotent: every worker upserts the same scheduler, BullMQ keeps one. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ALERTS_SWEEP_SCHEDULER,
      { every: this.config.alerts.sweepEveryMs },
      { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }
}
