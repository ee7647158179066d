import 'reflect-metadata';
import { INestApplicationContext, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@app/config';
import { WorkerModule } from './worker.module';

export async function createWorkerContext(config: AppConfig, options: { logger?: LogLevel[] } = {}): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: options.logger });
  context.enableShutdownHooks();
  return context;
}
