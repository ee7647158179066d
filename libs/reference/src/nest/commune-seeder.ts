// Loads the communes table from the in-memory reference: one multi-row upsert per batch (unnest arrays),
// rewriting only rows that really changed, so a second run is a cheap no-op.
import type { DataSource, EntityManager } from 'typeorm';
import type { CommuneView } from './reference-index';

export interface CommuneSeedResult {
  total: number;
  /** Rows inserted or changed; 0 on a re-run over the same file. */
  written: number;
  ms: number;
}

const BATCH_SIZE = 5000;

export async function seedCommunes(dataSource: DataSource, communes: readonly CommuneView[]): Promise<CommuneSeedResult> {
  const started = Date.now();
  let written = 0;
  const run = async (manager: EntityManager) => {
    for (let offset = 0; offset < communes.length; offset += BATCH_SIZE) {
      const batch = communes.slice(offset, offset + BATCH_SIZE);
      const rows: { code: string }[] = await manager.query(
        `INSERT INTO communes (code, name, type, department, region, post_codes, population, lat, lon)
         SELECT c.code, c.name, c.type, c.department, c.region, string_to_array(c.post_codes, ' '), c.population, c.lat, c.lon
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::float8[], $9::float8[])
           AS c(code, name, type, department, region, post_codes, population, lat, lon)
         ON CONFLICT (code) DO UPDATE SET
           name = EXCLUDED.name, type = EXCLUDED.type, department = EXCLUDED.department, region = EXCLUDED.region,
           post_codes = EXCLUDED.post_codes, population = EXCLUDED.population, lat = EXCLUDED.lat, lon = EXCLUDED.lon
         WHERE (communes.name, communes.type, communes.department, communes.region, communes.post_codes, communes.population, communes.lat, communes.lon)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.type, EXCLUDED.department, EXCLUDED.region, EXCLUDED.post_codes, EXCLUDED.population, EXCLUDED.lat, EXCLUDED.lon)
         RETURNING code`,
        [
          batch.map((c) => c.code),
          batch.map((c) => c.name),
          batch.map((c) => c.type),
          batch.map((c) => c.department),
          batch.map((c) => c.region),
          batch.map((c) => c.postCodes.join(' ')),
          batch.map((c) => c.population),
          batch.map((c) => c.location.lat),
          batch.map((c) => c.location.lon),
        ],
      );
      written += rows.length;
    }
  };
  await dataSource.transaction(run);
  return { total: communes.length, written, ms: Date.now() - started };
}
