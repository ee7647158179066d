import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AwardsService } from '@app/bids';
import { APP_CONFIG, type AlertsJob, type AppConfig, QUEUES } from '@app/config';
import { AlertFanout } from './alert-fanout';

export const ALERTS_SWEEP_SCHEDULER = 'alerts-sweep';

/** Quarters end on a calendar day: checking the hours to declare once an hour is plenty (the alerts run every few seconds). */
export const DECLARATION_REMINDERS_EVERY_MS = 3_600_000;

/**
 * Every job sweeps what the product announces on its own: pending publications, due digests (AlertFanout), and
 * the insertion hours to declare after award (AwardsService). Each step is idempotent.
 */
@Processor(QUEUES.alerts, { concurrency: 1 })
export class AlertsProcessor extends WorkerHost {
  constructor(
    private readonly fanout: AlertFanout,
    private readonly awards: AwardsService,
  ) {
    super();
  }

  private remindersCheckedAt = 0;

  async process(_job: Job<AlertsJob>): Promise<{ tenders: number; digests: number; hoursReminders: number }> {
    const { tenders, digests } = await this.fanout.sweep();
    let hoursReminders = 0;
    if (Date.now() - this.remindersCheckedAt >= DECLARATION_REMINDERS_EVERY_MS) {
      hoursReminders = await this.awards.sendDeclarationReminders();
      this.remindersCheckedAt = Date.now();
    }
    return { tenders: tenders.length, digests, hoursReminders };
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
