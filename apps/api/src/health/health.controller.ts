import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { withTimeout } from '@app/common';
import { APP_CONFIG, AppConfig, queueBackend } from '@app/config';
import { POSTGRES_QUEUE_SCHEMA, REDIS, pendingStructureIndexing } from '@app/persistence';
import { SEARCH_INDEX, SearchIndex } from '@app/search';
import { Public } from '../auth/auth.guard';

type CheckState = 'up' | 'down';


@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Optional() @Inject(SEARCH_INDEX) private readonly search?: SearchIndex,
  ) {}

  @Public()
  @Get()
  async health(@Res() response: Response) {
    const [database, queue, search] = await Promise.all([
      this.check(() => this.dataSource.query('SELECT 1')),
      this.check(() => this.probeQueue()),
      this.check(async () => {
        if (this.search && !(await this.search.health())) throw new Error('search down');
      }),
    ]);
    const checks = { database, queue, search };
    // Which servers answer: "embedded" is the PostgreSQL that `npm start` runs itself.
    const backends = {
      database: this.config.embeddedDatabaseDir ? 'embedded' : 'external',
      queue: queueBackend(this.config),
      search: this.config.searchEngine,
    };
    const failing = Object.entries(checks).filter(([, state]) => state === 'down').map(([name]) => name);
    if (!failing.length) {
      // Up but still indexing (first start, or a burst of writes): searches may miss what is waiting.
      const pendingStructures = await withTimeout(pendingStructureIndexing(this.dataSource), 2000).catch(() => 0);
      if (pendingStructures > 0) return response.status(200).json({ status: 'indexing', checks, backends, indexing: { pendingStructures } });
      return response.status(200).json({ status: 'ok', checks, backends });
    }
    response
      .status(503)
      .type('application/problem+json')
      .send(JSON.stringify({ type: 'about:blank', title: 'Service indisponible', status: 503, detail: `En panne : ${failing.join(', ')}`, checks, failing, backends }));
  }

  /** Redis answers PING; on PostgreSQL the queue is up once BullMQ's schema exists in the product database. */
  private async probeQueue(): Promise<void> {
    if (this.redis) {
      await this.redis.ping();
      return;
    }
    const [row]: { ready: boolean }[] = await this.dataSource.query('SELECT to_regnamespace($1) IS NOT NULL AS ready', [POSTGRES_QUEUE_SCHEMA]);
    if (!row.ready) throw new Error('queue schema missing');
  }

  private async check(probe: () => Promise<unknown>): Promise<CheckState> {
    try {
      await withTimeout(probe(), 2000);
      return 'up';
    } catch {
      return 'down';
    }
  }
}
