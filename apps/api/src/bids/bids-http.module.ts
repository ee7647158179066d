import { Module } from '@nestjs/common';
import { BidsModule } from '@app/bids';
import { AwardsController } from './awards.controller';
import { BidsController } from './bids.controller';
import { NotificationsController } from './notifications.controller';

@Module({ imports: [BidsModule], controllers: [BidsController, NotificationsController, AwardsController] })
export class BidsHttpModule {}
