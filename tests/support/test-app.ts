// Boots the real ApiModule (and, on demand, the real worker) against a fresh database cloned from the template.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp } from '../../apps/api/src/http/configure-app';
import { createWorkerContext } from '../../apps/worker/src/worker.bootstrap';
import { createDatabaseFromTemplate, dropDatabase } from './databases';
import { testConfig, testDatabasePrefix, uniqueName } from './test-env';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  /** Starts the worker in this process (real BullMQ on the real Redis), sharing the database. */
  startWorker: () => Promise<INestApplicationContext>;
  close: () => Promise<void>;
}

export async function createTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const databaseName = `${testDatabasePrefix()}${randomBytes(4).toString('hex')}`;
  await createDatabaseFromTemplate(databaseName);
  const config = testConfig(databaseName, overrides);
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  configureApp(app);
  await app.init();
  const workers: INestApplicationContext[] = [];
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    http: () => request(app.getHttpServer()),
    startWorker: async () => {
      const worker = await createWorkerContext(config, { logger: ['error', 'warn'] });
      workers.push(worker);
      return worker;
    },
    close: async () => {
      for (const worker of workers) await worker.close();
      await app.close();
      await dropDatabase(databaseName);
    },
  };
}

/** Registers an account and returns its bearer header. */
export async function signUp(testApp: TestApp, role: 'buyer' | 'supplier' | 'company' | 'facilitator', email = `${uniqueName(role)}@example.org`) {
  const password = 'un mot de passe solide';
  const registered = await testApp.http().post('/api/v1/auth/register').send({ email, password, role, displayName: `Compte ${role}` }).expect(201);
  const login = await testApp.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  return { id: registered.body.id as string, email, password, auth: { Authorization: `Bearer ${login.body.accessToken}` } };
}
