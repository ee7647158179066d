import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommuneSeedResult, seedCommunes } from './commune-seeder';
import {
  CommuneView,
  CpvView,
  DepartmentView,
  ReferenceIndex,
  RegionView,
  SectorGroupView,
  SectorView,
} from './reference-index';

/** Advisory lock shared by every process that seeds communes (api and worker may start together). */
const COMMUNES_LOCK_KEY = 728_341_906;

/**
 * Reference data for Nest code: in-memory lookups (communes, departments, regions, CPV, sector taxonomy)
 * and the communes table, which structures and tenders reference by foreign key.
 */
@Injectable()
export class ReferenceService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(ReferenceService.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Loaded before the application serves anything, so DTO validators may read it synchronously. */
  async onModuleInit(): Promise<void> {
    await ReferenceIndex.load();
  }

  get index(): ReferenceIndex {
    return ReferenceIndex.shared();
  }

  /** `npm run start:api` on a fresh database must work too: load communes when the table lacks some. */
  async onApplicationBootstrap(): Promise<void> {
    const result = await this.ensureCommunes();
    if (result) this.logger.log(`Communes loaded: ${result.written}/${result.total} rows written in ${result.ms} ms`);
  }

  /** Seeds the communes table unless it already holds every commune; returns what it did, or null. */
  async ensureCommunes(): Promise<CommuneSeedResult | null> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM communes`);
    if (count >= this.index.allCommunes.length) return null;
    return this.seedCommunes();
  }

  /** Upserts every commune (idempotent), serialised across processes. */
  async seedCommunes(): Promise<CommuneSeedResult> {
    return withAdvisoryLock(this.dataSource, COMMUNES_LOCK_KEY, () => seedCommunes(this.dataSource, this.index.allCommunes));
  }

  commune(code: string): CommuneView | undefined {
    return this.index.commune(code);
  }

  searchCommunes(query: string, limit?: number): CommuneView[] {
    return this.index.searchCommunes(query, limit);
  }

  cpv(code: string): CpvView | undefined {
    return this.index.cpv(code);
  }

  sector(code: string): SectorView | undefined {
    return this.index.sector(code);
  }

  sectors(): SectorView[] {
    return this.index.sectors();
  }

  sectorGroups(): SectorGroupView[] {
    return this.index.sectorGroups();
  }

  department(code: string): DepartmentView | undefined {
    return this.index.department(code);
  }

  departments(): DepartmentView[] {
    return this.index.departments();
  }

  region(code: string): RegionView | undefined {
    return this.index.region(code);
  }

  regions(): RegionView[] {
    return this.index.regions();
  }
}

/** Runs `work` while holding a session advisory lock on a dedicated connection. */
export async function withAdvisoryLock<T>(dataSource: DataSource, key: number, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    return await work();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await runner.release();
  }
}
