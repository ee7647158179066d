// Pure mapping of one row of the 2020 SIAE register to a catalogue structure. Every row maps to a structure:
// data problems become flags users see, never a reason to drop the row (issue 2, data README).
import {
  DEFAULT_RADIUS_KM,
  GeoPoint,
  InterventionArea,
  PrestationType,
  STRUCTURE_KINDS,
  STAFF_PROVIDER_KINDS,
  StructureKind,
  isValidSiret,
  normaliseSiret,
} from '@app/domain';
import type { StructureFlag, StructureSector } from '@app/persistence';
import type { ReferenceIndex } from '@app/reference';

/** The columns of siae-register-2020.csv. */
export interface RegisterRow {
  siret: string;
  name: string;
  brand: string;
  kind: string;
  naf: string;
  address: string;
  post_code: string;
  city: string;
  department: string;
  code_insee: string;
  lat: string;
  lon: string;
  website: string;
}

export const REGISTER_COLUMNS: readonly (keyof RegisterRow)[] = [
  'siret',
  'name',
  'brand',
  'kind',
  'naf',
  'address',
  'post_code',
  'city',
  'department',
  'code_insee',
  'lat',
  'lon',
  'website',
];

/** A structure as the importer writes it (column names of `structures`). */
export interface ImportedStructure {
  siret: string;
  siren: string;
  name: string;
  brand: string | null;
  kind: StructureKind;
  naf: string | null;
  address: string | null;
  post_code: string | null;
  city: string | null;
  commune_code: string | null;
  department: string | null;
  region: string | null;
  lat: number | null;
  lon: number | null;
  intervention_area: InterventionArea;
  intervention_area_is_default: boolean;
  sectors: StructureSector[];
  prestation_types: PrestationType[];
  contact: { website?: string };
  open_to_co_contracting: boolean;
  flags: StructureFlag[];
}

export type RowMapping = { ok: true; structure: ImportedStructure } | { ok: false; reason: string };

export interface RowMappingContext {
  reference: ReferenceIndex;
  /** Sector codes guessed from NAF code and name (libs/reference `inferSectors`). */
  inferSectors: (input: { naf: string | null; name: string; brand: string | null }) => string[];
}

/**
 * V21: AI, ETTI and GEIQ provide staff (DISP); the others perform services (PREST). The register says
 * nothing about goods, so BUILD is never guessed.
 */
export function inferPrestationTypes(kind: StructureKind): PrestationType[] {
  return STAFF_PROVIDER_KINDS.includes(kind) ? ['DISP'] : ['PREST'];
}

function text(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function coordinate(value: string | undefined, min: number, max: number): number | null {
  const raw = value?.trim();
  if (!raw) return null;
  const parsed = Number(raw.replace(',', '.'));
  return Number.isFinite(parsed) && parsed >= min && parsed <= max ? parsed : null;
}

/** "4779z" → "4779Z", "56.21Z" → "5621Z"; anything else is kept as written (it is still a fact of the register). */
function normaliseNaf(value: string | undefined): string | null {
  const raw = text(value);
  if (!raw) return null;
  const compact = raw.replace(/[.\s]/g, '').toUpperCase();
  return /^\d{4}[A-Z]$/.test(compact) ? compact : raw;
}

/** The (siret, kind) a row upserts, or why it cannot become a structure. */
export function registerRowKey(row: RegisterRow): { ok: true; siret: string; kind: StructureKind } | { ok: false; reason: string } {
  const kind = row.kind?.trim().toUpperCase() as StructureKind;
  if (!STRUCTURE_KINDS.includes(kind)) return { ok: false, reason: `type de structure inconnu "${row.kind}"` };
  const siret = normaliseSiret(row.siret ?? '');
  if (!/^\d{14}$/.test(siret)) return { ok: false, reason: `SIRET illisible "${row.siret}" (14 chiffres attendus)` };
  return { ok: true, siret, kind };
}

export function mapRegisterRow(row: RegisterRow, context: RowMappingContext): RowMapping {
  const { reference } = context;
  const key = registerRowKey(row);
  if (!key.ok) return key;
  const { siret, kind } = key;
  const flags: StructureFlag[] = [];
  // Invalid Luhn keys are real register entries (typos at the source): kept, flagged, SIREN = first 9 digits.
  if (!isValidSiret(siret)) flags.push('INVALID_SIRET');

  const name = text(row.name) ?? text(row.brand) ?? siret;
  const brand = text(row.brand);
  const city = text(row.city);
  const rowDepartment = text(row.department)?.toUpperCase() ?? null;

  // The commune: its INSEE code when the reference knows it, else the town named in its department.
  const inseeCode = text(row.code_insee);
  const commune = (inseeCode ? reference.commune(inseeCode) : undefined) ?? (city ? reference.resolveCommune(city, rowDepartment) : undefined);
  if (!commune) flags.push('UNKNOWN_COMMUNE');
  const department = commune?.department ?? (rowDepartment ? reference.department(rowDepartment)?.code : undefined) ?? null;
  const region = commune?.region ?? (department ? reference.department(department)?.region : undefined) ?? null;

  // Coordinates of the register when present; else the commune's centre, flagged (never invented).
  const lat = coordinate(row.lat, -90, 90);
  const lon = coordinate(row.lon, -180, 180);
  let location: GeoPoint | null = lat !== null && lon !== null ? { lat, lon } : null;
  if (!location) {
    flags.push('MISSING_LOCATION');
    location = commune ? { ...commune.location } : null;
  }

  const naf = normaliseNaf(row.naf);
  const sectors = context.inferSectors({ naf, name, brand }).map((code) => ({ code, inferred: true }));
  const website = text(row.website);

  return {
    ok: true,
    structure: {
      siret,
      siren: siret.slice(0, 9),
      name,
      brand,
      kind,
      naf,
      address: text(row.address),
      post_code: text(row.post_code),
      city: city ?? commune?.name ?? null,
      commune_code: commune?.code ?? null,
      department,
      region,
      lat: location?.lat ?? null,
      lon: location?.lon ?? null,
      // The register has no territory: 50 km around the structure, marked as a default until the owner sets one.
      intervention_area: { type: 'radius', radiusKm: DEFAULT_RADIUS_KM },
      intervention_area_is_default: true,
      sectors,
      prestation_types: inferPrestationTypes(kind),
      contact: website ? { website } : {},
      // The register says nothing about co-contracting: false is the honest default (the owner opts in).
      open_to_co_contracting: false,
      flags,
    },
  };
}
