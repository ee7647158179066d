// Databases for the candidates bench: communes, the real 2020 register, generated structures on real
// communes (the search bench's deterministic generator, seed 3003) and, for evidence, the DECP 2019 file.
import type { DataSource } from 'typeorm';
import { RegisterImporter, upsertImportedStructures } from '@app/catalogue';
import { openDatabase } from '@app/persistence';
import { ReferenceIndex, ReferenceService, seedCommunes } from '@app/reference';
import { CandidatesService, ContractEvidenceService, DecpImporter, TendersService, type ReferenceLookup } from '@app/tenders';
import { BENCH_COLUMNS, generateBenchStructures } from '../search/generator';
import { dropDatabase } from '../support/database';


export interface BenchCatalogue {
  dataSource: DataSource;
  reference: ReferenceIndex;
  structures: number;
  registerMs: number;
  generateMs: number;
  decp?: { contracts: number; ms: number };
}

/** A fresh database with the register, then generated structures up to `size`, then (optionally) DECP. */
export async function prepareCatalogue(url: string, size: number, options: { decpFile?: string; log?: (line: string) => void } = {}): Promise<BenchCatalogue> {
  const log = options.log ?? (() => undefined);
  await dropDatabase(url);
  const dataSource = await openDatabase(url);
  const reference = await ReferenceIndex.load();
  await seedCommunes(dataSource, reference.allCommunes);
  let started = Date.now();
  await new RegisterImporter(dataSource, reference).import();
  const registerMs = Date.now() - started;
  started = Date.now();
  const count = async () => (await dataSource.query(`SELECT count(*)::int AS n FROM structures`))[0].n as number;
  let structures = await count();
  let generated = 0;
  while (structures < size) {
    const batch = generateBenchStructures(reference, generated, generated + Math.min(2000, size - structures));
    await dataSource.transaction((manager) => upsertImportedStructures(manager, 'demo', BENCH_COLUMNS, batch));
    generated += batch.length;
    structures = await count();
    if (generated % 20000 < 2000) log(`${structures} structures`);
  }
  const generateMs = Date.now() - started;
  await dataSource.query('ANALYZE structures');
  const catalogue: BenchCatalogue = { dataSource, reference, structures, registerMs, generateMs };
  if (options.decpFile) {
    const summary = await new DecpImporter(dataSource, { index: reference }).importFile(options.decpFile);
    catalogue.decp = { contracts: summary.contracts, ms: summary.ms };
    await dataSource.query('ANALYZE');
  }
  return catalogue;
}

/** The tenders feature's services without Nest (the API wires the same classes through DI). */
export function candidatesServices(dataSource: DataSource, reference: ReferenceIndex) {
  const referenceService = { index: reference } as unknown as ReferenceService;
  const tenders = new TendersService(dataSource, referenceService);
  const evidence = new ContractEvidenceService(dataSource);
  const candidates = new CandidatesService(dataSource, tenders, evidence, referenceService);
  return { tenders, evidence, candidates, lookup: reference as unknown as ReferenceLookup };
}
