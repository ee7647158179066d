// Catalogue rows for the tenders feature's e2e tests (candidates, DECP evidence), written straight to the
// database: these tests are about ranking, not about the catalogue's own API.
import type { DataSource } from 'typeorm';

let sequence = 0;

/** A Luhn-valid SIRET unique within a test run (prefix keeps fixtures apart from the real register). */
export function fixtureSiret(): string {
  sequence += 1;
  const body = `9${String(process.pid % 1000).padStart(3, '0')}${String(sequence).padStart(9, '0')}`; // 13 digits
  for (let key = 0; key <= 9; key++) {
    const candidate = `${body}${key}`;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let digit = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

export interface FixtureStructure {
  name: string;
  kind: string;
  communeCode: string;
  siret?: string;
  interventionArea?: Record<string, unknown>;
  sectors?: { code: string; inferred: boolean }[];
  prestationTypes?: string[];
  annualRevenueEur?: number;
  openToCoContracting?: boolean;
  delisted?: boolean;
  /** 'self' by default; 'demo' for a generated demo structure, 'register' for a register row. */
  source?: string;
  /** The area is the import's default (a guess), as for register rows. */
  areaIsDefault?: boolean;
}

/** Inserts a structure located at its commune's centre; returns its id and SIRET. */
export async function insertStructure(dataSource: DataSource, s: FixtureStructure): Promise<{ id: string; siret: string }> {
  const siret = s.siret ?? fixtureSiret();
  const [row] = await dataSource.query(
    `INSERT INTO structures (siret, siren, name, kind, commune_code, department, region, lat, lon, intervention_area, sectors,
       prestation_types, capacity, open_to_co_contracting, source, delisted_at, intervention_area_is_default)
     SELECT $1::varchar, left($1::text, 9), $2, $3, c.code, c.department, c.region, c.lat, c.lon, $5::jsonb, $6::jsonb, $7::text[], $8::jsonb, $9, $11,
       CASE WHEN $10 THEN now() END, $12
     FROM communes c WHERE c.code = $4
     RETURNING id`,
    [
      siret,
      s.name,
      s.kind,
      s.communeCode,
      JSON.stringify(s.interventionArea ?? { type: 'radius', radiusKm: 50 }),
      JSON.stringify(s.sectors ?? []),
      s.prestationTypes ?? [],
      JSON.stringify(s.annualRevenueEur === undefined ? {} : { annualRevenueEur: s.annualRevenueEur }),
      s.openToCoContracting ?? false,
      s.delisted ?? false,
      s.source ?? 'self',
      s.areaIsDefault ?? false,
    ],
  );
  if (!row) throw new Error(`unknown commune ${s.communeCode}`);
  return { id: row.id as string, siret };
}
