import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { PersistenceModule, RedisModule, queueConnection } from '@app/persistence';
import { SearchIndexingModule } from '@app/search';
import { MatchingWorkerModule } from '@app/matching';
import { MailWorkerModule } from '@app/bids';
import { MarketplaceWorkerModule } from '@app/marketplace';
import { PurchaseAnalysisWorkerModule } from '@app/tenders';

/** Connection settings every BullMQ queue and worker of the product shares. */
export function bullRootModule(): DynamicModule {
  return BullModule.forRootAsync({
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      prefix: config.queuePrefix,
      connection: queueConnection(config, 'worker'),
    }),
  });
}

/** The worker: BullMQ processors only, no HTTP. Features register their processor modules here. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule, RedisModule, bullRootModule(), SearchIndexingModule, MatchingWorkerModule, MailWorkerModule, MarketplaceWorkerModule, PurchaseAnalysisWorkerModule],
    };
  }
}
