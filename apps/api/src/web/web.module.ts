import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { BidsModule } from '@app/bids';
import { CatalogueModule } from '@app/catalogue';
import { ReferenceModule } from '@app/reference';
import { SearchModule } from '@app/search';
import { PurchasesModule, TendersModule } from '@app/tenders';
import { MatchingModule } from '@app/matching';
import { AccountPages } from './account.pages';
import { HomePages } from './home.pages';
import { PageRenderer } from './page-renderer';
import { SearchPages } from './search.pages';
import { StructuresPages } from './structures.pages';
import { TendersPages } from './tenders.pages';
import { LotAdvicePages } from './lot-advice.pages';
import { PurchasesPages } from './purchases.pages';
import { MatchingPages } from './matching.pages';
import { BidsPages } from './bids.pages';
import { NotificationsPages, UnreadNotificationsInterceptor } from './notifications.pages';
import { MatchingRunThrottle } from '../matching/matching-run-throttle';
import { AdminPages } from './admin.pages';
import { AwardsPages } from './awards.pages';
import { MarketplacePages } from './marketplace.pages';
import { MarketplaceModule } from '@app/marketplace';

/**
 * Server-rendered pages in French (DSFR), calling the same feature services as the JSON API (imported
 * here, so the pages never depend on the order features register themselves in ApiModule).
 * PageRenderer is exported so the global ProblemFilter can answer page routes in HTML.
 */
@Module({
  imports: [ReferenceModule, CatalogueModule, SearchModule, TendersModule, PurchasesModule, MatchingModule, BidsModule, MarketplaceModule],
  // StructuresPages before SearchPages: /structures/nouvelle must not be taken for /structures/:id;
  // MarketplacePages before TendersPages: /appels-d-offres/lien/:token is not a tender's sub-page.
  controllers: [HomePages, AccountPages, StructuresPages, SearchPages, MarketplacePages, AwardsPages, TendersPages, LotAdvicePages, PurchasesPages, MatchingPages, BidsPages, NotificationsPages, AdminPages],
  // The unread count in the header of every page (GET pages of a logged-in account only).
  providers: [PageRenderer, MatchingRunThrottle, { provide: APP_INTERCEPTOR, useClass: UnreadNotificationsInterceptor }],
  exports: [PageRenderer],
})
export class WebModule {}
