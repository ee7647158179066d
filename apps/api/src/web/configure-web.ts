import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { APP_ASSETS_DIR, DSFR_DIST_DIR } from './views';

/**
 * Static files of the pages, served by express before any guard runs (no database work per asset).
 * DSFR files change only with the package version, which the layout puts in every URL (?v=), so they
 * may be cached for a year; our own assets change with deployments and are revalidated daily.
 */
export function configureWeb(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useStaticAssets(DSFR_DIST_DIR, { prefix: '/static/dsfr/', maxAge: '365d', immutable: true, index: false, dotfiles: 'deny' });
  express.useStaticAssets(APP_ASSETS_DIR, { prefix: '/static/app/', maxAge: '1d', index: false, dotfiles: 'deny' });
}
