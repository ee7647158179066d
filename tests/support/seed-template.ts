import type { DataSource } from 'typeorm';

/** Reference data every e2e test may rely on (communes). Features do not add test data here: tests create their own. */
export async function seedTemplate(_dataSource: DataSource): Promise<void> {
  // filled in once the reference importer exists
}
