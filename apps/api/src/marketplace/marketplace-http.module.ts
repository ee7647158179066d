import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@app/marketplace';
import { AlertsController, FavouriteListsController, MarketplaceController } from './marketplace.controller';

@Module({ imports: [MarketplaceModule], controllers: [MarketplaceController, AlertsController, FavouriteListsController] })
export class MarketplaceHttpModule {}
