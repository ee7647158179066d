import { Module } from '@nestjs/common';
import { BidsModule } from '@app/bids';
import { BidsController } from './bids.controller';
import { NotificationsController } from './notifications.controller';

@Module({ imports: [BidsModule], controllers: [BidsController, NotificationsController] })
export class BidsHttpModule {}
