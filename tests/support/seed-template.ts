import type { DataSource } from 'typeorm';
import { ReferenceIndex, seedCommunes } from '@app/reference';

/** Reference data every e2e test may rely on (communes). Features do not add test data here: tests create their own. */
export async function seedTemplate(dataSource: DataSource): Promise<void> {
  const reference = await ReferenceIndex.load();
  const communes = await seedCommunes(dataSource, reference.allCommunes);
  console.log(`\n[seed-template] ${communes.written}/${communes.total} communes in ${communes.ms} ms`);
}
