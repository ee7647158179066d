import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { loadDepartments } from './administrative';
import { COMMUNES_FILE } from './reference-data-dir';

export type CommuneType = 'commune-actuelle' | 'arrondissement-municipal';

export interface CommuneRecord {
  /** INSEE code (5 characters: "69123", "2A004"). */
  code: string;
  name: string;
  type: CommuneType;
  department: string;
  region: string;
  postCodes: string[];
  population: number | null;
  /** The commune's centre; for the few communes without one, their department's chef-lieu. */
  location: { lat: number; lon: number } | null;
}

interface CommuneRow {
  code_insee: string;
  nom: string;
  type: string;
  departement: string;
  region: string;
  codes_postaux: string;
  population: string;
  lon: string;
  lat: string;
}

function parseNumber(value: string): number | null {
  if (value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function toRecord(row: CommuneRow): CommuneRecord {
  const lat = parseNumber(row.lat);
  const lon = parseNumber(row.lon);
  return {
    code: row.code_insee,
    name: row.nom,
    type: row.type as CommuneType,
    department: row.departement,
    region: row.region,
    // The README documents spaces; the file uses "|": accept both.
    postCodes: row.codes_postaux.split(/[\s|,;]+/).filter((postCode) => postCode !== ''),
    population: parseNumber(row.population),
    location: lat !== null && lon !== null ? { lat, lon } : null,
  };
}

/**
 * Streams every commune (and municipal arrondissement) of communes.csv.
 * A commune without a centre (7 communes restored in 2025–26) gets its department's chef-lieu centre.
 * The chef-lieu may come later in the file (85165 precedes 85191), so such rows are held back until
 * the chef-lieu has been read; at most a handful of rows are ever held.
 */
export async function* readCommunes(path: string = COMMUNES_FILE): AsyncIterable<CommuneRecord> {
  const chefLieuByDepartment = new Map(loadDepartments().map((d) => [d.code, d.chefLieu]));
  const chefLieuCodes = new Set(chefLieuByDepartment.values());
  const chefLieuCentres = new Map<string, { lat: number; lon: number }>();
  const waitingForChefLieu: CommuneRecord[] = [];

  const centreOfChefLieu = (commune: CommuneRecord) => {
    const chefLieu = chefLieuByDepartment.get(commune.department);
    return chefLieu === undefined ? undefined : chefLieuCentres.get(chefLieu);
  };

  const rows = createReadStream(path).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
  for await (const row of rows as AsyncIterable<CommuneRow>) {
    const commune = toRecord(row);
    if (commune.location !== null && chefLieuCodes.has(commune.code)) {
      chefLieuCentres.set(commune.code, commune.location);
    }
    if (commune.location === null) {
      const fallback = centreOfChefLieu(commune);
      if (fallback === undefined) {
        waitingForChefLieu.push(commune);
        continue;
      }
      commune.location = { ...fallback };
    }
    yield commune;
  }
  // Whatever is still waiting either finds its chef-lieu now or stays without a location.
  for (const commune of waitingForChefLieu) {
    const fallback = centreOfChefLieu(commune);
    yield { ...commune, location: fallback ? { ...fallback } : null };
  }
}
