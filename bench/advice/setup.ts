// The database both advice benches start from: communes, the real 2020 register, the product's 400 demo
// structures (never counted by the advisor) and the given DECP files; with the advisor wired without Nest.
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { DemoGenerator, RegisterImporter } from '@app/catalogue';
import { openDatabase } from '@app/persistence';
import { findProjectRoot, ReferenceIndex, ReferenceService, seedCommunes } from '@app/reference';
import { CandidatesService, ContractEvidenceService, DecpImporter, LotAdviceService, TendersService, type DecpImportSummary } from '@app/tenders';
import { dropDatabase } from '../support/database';

export interface AdviceBench {
  dataSource: DataSource;
  reference: ReferenceIndex;
  referenceService: ReferenceService;
  advisor: LotAdviceService;
  decp: DecpImportSummary[];
}

export async function prepareAdviceDatabase(url: string, decpFiles: readonly string[]): Promise<AdviceBench> {
  await dropDatabase(url);
  const dataSource = await openDatabase(url);
  const reference = await ReferenceIndex.load();
  await seedCommunes(dataSource, reference.allCommunes);
  await new RegisterImporter(dataSource, reference).import();
  await new DemoGenerator(dataSource, reference).generate({ count: 400, seed: 2020, companyShare: 0.1 });
  const importer = new DecpImporter(dataSource, { index: reference });
  const decp: DecpImportSummary[] = [];
  for (const file of decpFiles) decp.push(await importer.importFile(join(findProjectRoot(), 'data', 'decp', file)));
  await dataSource.query('ANALYZE');
  const referenceService = { index: reference } as unknown as ReferenceService;
  const tenders = new TendersService(dataSource, referenceService);
  const evidence = new ContractEvidenceService(dataSource);
  const advisor = new LotAdviceService(dataSource, tenders, evidence, new CandidatesService(dataSource, tenders, evidence, referenceService), referenceService);
  return { dataSource, reference, referenceService, advisor, decp };
}
