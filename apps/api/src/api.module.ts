import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfig, ConfigModule, loadConfig } from '@app/config';
import { PersistenceModule, RedisModule } from '@app/persistence';
import { AuthModule } from './auth/auth.module';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation.pipe';
import { WebModule } from './web/web.module';
import { MatchingHttpModule } from './matching/matching-http.module';
import { SearchHttpModule } from './search/search-http.module';
import { ReferenceHttpModule } from './reference/reference-http.module';
import { CatalogueHttpModule } from './catalogue/catalogue-http.module';
import { TendersHttpModule } from './tenders/tenders-http.module';
import { BidsHttpModule } from './bids/bids-http.module';
import { MarketplaceHttpModule } from './marketplace/marketplace-http.module';

/** The HTTP application: JSON API under /api/v1, web pages, health. Features register their modules here. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule, RedisModule, AuthModule, WebModule, MatchingHttpModule, SearchHttpModule, ReferenceHttpModule, CatalogueHttpModule, TendersHttpModule, BidsHttpModule, MarketplaceHttpModule],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
