import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { MailJob, QUEUES } from '@app/config';
import { MailOutbox } from './mail-outbox';

export const MAIL_SWEEP_SCHEDULER = 'mail-sweep';
export const MAIL_SWEEP_EVERY_MS = 2000;

/** Every job drains the e-mail outbox; the repeatable sweep is what triggers it. */
@Processor(QUEUES.mail, { concurrency: 1 })
export class MailProcessor extends WorkerHost {
  constructor(private readonly outbox: MailOutbox) {
    super();
  }

  process(_job: Job<MailJob>): Promise<{ sent: number; failed: number }> {
    return this.outbox.drain();
  }
}

@Injectable()
export class MailSweepScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.mail) private readonly queue: Queue<MailJob>) {}

  /** Idempotent: every worker upserts the same scheduler, BullMQ keeps one. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      MAIL_SWEEP_SCHEDULER,
      { every: MAIL_SWEEP_EVERY_MS },
      { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  }
}
