import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AwardsService } from '@app/bids';
import { APP_CONFIG, type AlertsJob, type AppConfig, QUEUES } from '@app/config';
import { AlertFanout } from './alert-fanout';
import { DeadlineReminders } from './deadline-reminders';

export const ALERTS_SWEEP_SCHEDULER = 'alerts-sweep';

/**
 * Reminders (hours to declare after award, response deadlines) are days ahead or behind: checking them every 15
 * minutes is plenty, while publication alerts run every few seconds.
 */
export const REMINDERS_EVERY_MS = 15 * 60_000;

/**
 * Every job sweeps what the product announces on its own: pending publications, due digests (AlertFanout), response
 * deadlines coming (DeadlineReminders) and insertion hours to declare after award (AwardsService). Each is idempotent.
 */
@Processor(QUEUES.alerts, { concurrency: 1 })
export class AlertsProcessor extends WorkerHost {
  constructor(
    private readonly fanout: AlertFanout,
    private readonly awards: AwardsService,
    private readonly deadlines: DeadlineReminders,
  ) {
    super();
  }

  private remindersCheckedAt = 0;

  async process(_job: Job<AlertsJob>): Promise<{ tenders: number; digests: number; reminders: number }> {
    const { tenders, digests } = await this.fanout.sweep();
    let reminders = 0;
    if (Date.now() - this.remindersCheckedAt >= REMINDERS_EVERY_MS) {
      reminders = (await this.deadlines.sendDue()) + (await this.awards.sendDeclarationReminders());
      this.remindersCheckedAt = Date.now();
    }
    return { tenders: tenders.length, digests, reminders };
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
