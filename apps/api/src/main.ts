import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@app/config';
import { ApiModule } from './api.module';
import { configureApp } from './http/configure-app';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bufferLogs: false });
  configureApp(app);
  await app.listen(config.port, '0.0.0.0');
  new Logger('Api').log(`API listening on http://localhost:${config.port} (docs: /api/docs)`);
}

bootstrap().catch((error) => {
  console.error(error);
  process.exit(1);
});
