import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@app/config';
import { MailOutbox } from './mail-outbox';
import { MailProcessor, MailSweepScheduler } from './mail.processor';

/** Worker side of notifications (register in apps/worker): e-mail delivery from the outbox. */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.mail })],
  providers: [MailOutbox, MailProcessor, MailSweepScheduler],
  exports: [MailOutbox],
})
export class MailWorkerModule {}
