// `npm run reindex`: rebuilds the whole search index from PostgreSQL (the source of truth) next to the live
// one, then swaps it in; searches keep answering meanwhile. Works for both engines (SEARCH_ENGINE).
import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cliProgress from 'cli-progress';
import { AppConfig, ConfigModule, loadConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { SearchModule, SearchReindexer } from '@app/search';

@Module({})
class ReindexModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ReindexModule, imports: [ConfigModule.forRoot(config), PersistenceModule, SearchModule] };
  }
}

export async function reindex(config: AppConfig, options: { bar?: boolean } = {}): Promise<{ indexed: number; ms: number }> {
  const app = await NestFactory.createApplicationContext(ReindexModule.forRoot(config), { logger: ['error', 'warn'] });
  const bar = options.bar
    ? new cliProgress.SingleBar(
        { format: 'Réindexation {bar} {percentage}% | {value}/{total} structures | reste {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let lastLogged = -1;
  try {
    const result = await app.get(SearchReindexer).rebuild((indexed, total) => {
      if (bar) {
        if (indexed === 0) bar.start(total, 0);
        else bar.update(indexed);
        bar.setTotal(Math.max(total, indexed));
        return;
      }
      const step = total ? Math.floor((indexed / total) * 4) : 4;
      if (step !== lastLogged) {
        lastLogged = step;
        console.log(`[reindex] ${indexed}/${total}`);
      }
    });
    bar?.stop();
    return { indexed: result.indexed, ms: result.ms };
  } finally {
    bar?.stop();
    await app.close();
  }
}

if (require.main === module) {
  const config = loadConfig();
  reindex(config, { bar: !!process.stdout.isTTY })
    .then(({ indexed, ms }) => {
      console.log(`Index ${config.searchEngine} reconstruit : ${indexed} structures en ${(ms / 1000).toFixed(1)} s`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
