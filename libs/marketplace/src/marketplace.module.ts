import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUES } from '@app/config';
import { BidsModule } from '@app/bids';
import { TendersModule } from '@app/tenders';
import { ReferenceModule } from '@app/reference';
import { AlertFanout } from './alert-fanout';
import { AlertsProcessor, AlertsSweepScheduler } from './alerts.processor';
import { AlertsService } from './alerts.service';
import { DeadlineReminders } from './deadline-reminders';
import { FavouriteListsService } from './favourite-lists.service';
import { InterestsService } from './interests.service';
import { PartnerBoardService } from './partner-board.service';

/** API side of the marketplace loop (issue 15). Needs PersistenceModule (global). */
@Module({
  imports: [BidsModule, TendersModule, ReferenceModule],
  providers: [AlertsService, InterestsService, PartnerBoardService, FavouriteListsService],
  exports: [AlertsService, InterestsService, PartnerBoardService, FavouriteListsService],
})
export class MarketplaceModule {}

/** Worker side (register in apps/worker): publication alerts and daily digests. */
@Module({
  imports: [BullModule.registerQueue({ name: QUEUES.alerts }), BidsModule, TendersModule],
  providers: [AlertFanout, AlertsProcessor, AlertsSweepScheduler, DeadlineReminders],
  exports: [AlertFanout, DeadlineReminders],
})
export class MarketplaceWorkerModule {}
