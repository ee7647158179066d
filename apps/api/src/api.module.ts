import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfig, ConfigModule, loadConfig } from '@app/config';
import { PersistenceModule, RedisModule } from '@app/persistence';
import { AuthModule } from './auth/auth.module';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation.pipe';

/** The HTTP application: JSON API under /api/v1, web pages, health. Features register their modules here. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule, RedisModule, AuthModule],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
