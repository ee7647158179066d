// Builds the template database once per test run: migrations plus reference data (communes).
// Test files then clone it with CREATE DATABASE … TEMPLATE, which takes well under a second.
import './register-aliases';
import 'reflect-metadata';
import { openDatabase } from '@app/persistence';
import { dropDatabase } from './databases';
import { PG_ROOT_URL, TEMPLATE_DB } from './test-env';
import { seedTemplate } from './seed-template';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await dropDatabase(TEMPLATE_DB);
  const dataSource = await openDatabase(`${PG_ROOT_URL}/${TEMPLATE_DB}`);
  try {
    await seedTemplate(dataSource);
  } finally {
    await dataSource.destroy();
  }
  console.log(`\n[global-setup] template database ready in ${Date.now() - started} ms`);
}
