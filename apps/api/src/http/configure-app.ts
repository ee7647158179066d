import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { configureWeb } from '../web/configure-web';
import { refuseHostileInput, securityHeaders } from './request-guards';

/** HTTP settings that modules cannot express; main.ts and the e2e app factory both call this. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.set('trust proxy', 'loopback');
  express.use(securityHeaders);
  express.useBodyParser('json', { limit: '1mb' });
  express.useBodyParser('urlencoded', { limit: '1mb', extended: true });
  express.use(refuseHostileInput);
  express.use(cookieParser());
  configureWeb(app);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Marché inclusif — API v1')
      .setDescription('Catalogue des structures inclusives, recherche, appels d’offres à clauses sociales et groupements (GME).')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
