// `npm run reindex`: rebuilds the whole index from PostgreSQL next to the live one and swaps it in.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { enqueueStructureIndexing } from '@app/persistence';
import { RebuildProgress, SEARCH_INDEX, SearchIndex } from './search-index.port';
import { SearchSync } from './search-sync';
import { StructureDocuments } from './structure-documents';

@Injectable()
export class SearchReindexer {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    private readonly documents: StructureDocuments,
    private readonly dataSource: DataSource,
    private readonly sync: SearchSync,
  ) {}

  async rebuild(progress?: RebuildProgress): Promise<{ indexed: number; changedDuringRebuild: number; ms: number }> {
    const started = Date.now();
    const [{ since }] = await this.dataSource.query(`SELECT now() AS since`);
    await this.index.prepare();
    const total = await this.documents.countListed();
    const indexed = await this.index.rebuild(this.documents.all(), total, progress);
    // Structures written while the new index was being filled may have been read before their change:
    // queue them again (the indexer rereads current state, so this is always safe).
    const changed: { id: string }[] = await this.dataSource.query(`SELECT id FROM structures WHERE updated_at >= $1`, [since]);
    if (changed.length) {
      await this.dataSource.transaction((manager) => enqueueStructureIndexing(manager, changed.map((c) => c.id)));
      this.sync.nudge();
    }
    return { indexed, changedDuringRebuild: changed.length, ms: Date.now() - started };
  }
}
