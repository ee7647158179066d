import { Module } from '@nestjs/common';
import { TendersModule } from '@app/tenders';
import { AwardsService } from './awards/awards.service';
import { BidStore } from './bid.store';
import { BidsService } from './bids.service';
import { NotificationsService } from './notifications.service';

/** API side of the bid workspace and of notifications. Needs PersistenceModule (global). */
@Module({
  imports: [TendersModule],
  providers: [BidStore, BidsService, NotificationsService, AwardsService],
  exports: [BidsService, NotificationsService, AwardsService],
})
export class BidsModule {}
