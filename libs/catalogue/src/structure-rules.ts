// Semantic rules on a structure's declared fields, shared by the HTTP DTO validators and the service.
// Plain functions over the in-memory reference: they name the faulty field and say why, in French.
import { PRESTATION_TYPES, STRUCTURE_KINDS } from '@app/domain';
import type { FieldError } from '@app/common';
import type { ReferenceIndex } from '@app/reference';
import type { StructurePatch } from './structure.types';

export const RADIUS_MIN_KM = 1;
export const RADIUS_MAX_KM = 1000;
export const AREA_TYPES = ['radius', 'departments', 'regions', 'national'] as const;
export const CAPACITY_FIELDS = ['annualRevenueEur', 'employees', 'insertionEmployees', 'annualInsertionHours'] as const;

export function communeProblem(code: unknown, reference: ReferenceIndex): string | undefined {
  if (typeof code !== 'string' || !reference.commune(code)) return `commune inconnue : "${String(code)}" n'est pas un code INSEE de commune`;
  return undefined;
}

export function unknownSectors(codes: unknown[], reference: ReferenceIndex): string[] {
  return codes.filter((code) => typeof code !== 'string' || !reference.sector(code)).map(String);
}

export function sectorsProblem(codes: unknown, reference: ReferenceIndex): string | undefined {
  if (!Array.isArray(codes)) return 'doit être une liste de codes de secteur';
  const unknown = unknownSectors(codes, reference);
  return unknown.length ? `secteur(s) inconnu(s) : ${unknown.join(', ')} (voir /api/v1/reference/sectors)` : undefined;
}

/** Codes of the area unknown for its type (departments or regions). */
export function unknownAreaCodes(type: unknown, codes: unknown[], reference: ReferenceIndex): string[] {
  const known = type === 'regions' ? (c: string) => reference.region(c) : (c: string) => reference.department(c);
  return codes.filter((code) => typeof code !== 'string' || !known(code)).map(String);
}

/** Per type: radius 1–1000 km; departments / regions: a non-empty list of known codes; national: nothing. */
export function areaProblems(area: unknown, reference: ReferenceIndex, field = 'interventionArea'): FieldError[] {
  if (typeof area !== 'object' || area === null || Array.isArray(area)) return [{ field, message: "doit être un objet { type, … }" }];
  const { type, radiusKm, codes } = area as { type?: unknown; radiusKm?: unknown; codes?: unknown };
  if (!AREA_TYPES.includes(type as (typeof AREA_TYPES)[number])) {
    return [{ field: `${field}.type`, message: `type doit valoir ${AREA_TYPES.join(', ')}` }];
  }
  if (type === 'radius') {
    if (typeof radiusKm !== 'number' || !Number.isFinite(radiusKm) || radiusKm < RADIUS_MIN_KM || radiusKm > RADIUS_MAX_KM) {
      return [{ field: `${field}.radiusKm`, message: `le rayon doit être un nombre de kilomètres entre ${RADIUS_MIN_KM} et ${RADIUS_MAX_KM}` }];
    }
  }
  if (type === 'departments' || type === 'regions') {
    const what = type === 'departments' ? 'départements' : 'régions';
    if (!Array.isArray(codes) || codes.length === 0) return [{ field: `${field}.codes`, message: `donnez au moins un code de ${what}` }];
    const unknown = unknownAreaCodes(type, codes, reference);
    if (unknown.length) return [{ field: `${field}.codes`, message: `code(s) de ${what} inconnu(s) : ${unknown.join(', ')}` }];
  }
  return [];
}

export function capacityProblems(capacity: unknown, field = 'capacity'): FieldError[] {
  if (typeof capacity !== 'object' || capacity === null || Array.isArray(capacity)) return [{ field, message: 'doit être un objet' }];
  const problems: FieldError[] = [];
  for (const key of CAPACITY_FIELDS) {
    const value = (capacity as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push({ field: `${field}.${key}`, message: 'doit être un nombre positif ou nul' });
    }
  }
  return problems;
}

/** Fields a PATCH may leave out but not clear: `null` is refused for them (optional texts accept it). */
const NOT_NULLABLE = [
  'name',
  'kind',
  'communeCode',
  'interventionArea',
  'sectors',
  'prestationTypes',
  'offers',
  'clientReferences',
  'capacity',
  'labels',
  'networks',
  'contact',
  'openToCoContracting',
] as const;

/** Every semantic problem of a (possibly partial) set of structure fields, each naming its field. */
export function structureFieldProblems(fields: StructurePatch, reference: ReferenceIndex): FieldError[] {
  const nulls = NOT_NULLABLE.filter((key) => (fields as Record<string, unknown>)[key] === null);
  if (nulls.length) return nulls.map((field) => ({ field, message: 'ne peut pas être effacé (null)' }));
  const problems: FieldError[] = [];
  if (fields.kind !== undefined && !STRUCTURE_KINDS.includes(fields.kind)) {
    problems.push({ field: 'kind', message: `type de structure inconnu : ${STRUCTURE_KINDS.join(', ')} attendus` });
  }
  if (fields.communeCode !== undefined) {
    const problem = communeProblem(fields.communeCode, reference);
    if (problem) problems.push({ field: 'communeCode', message: problem });
  }
  if (fields.sectors !== undefined) {
    const problem = sectorsProblem(fields.sectors, reference);
    if (problem) problems.push({ field: 'sectors', message: problem });
  }
  if (fields.prestationTypes !== undefined) {
    const wrong = (Array.isArray(fields.prestationTypes) ? fields.prestationTypes : []).filter((p) => !PRESTATION_TYPES.includes(p));
    if (!Array.isArray(fields.prestationTypes) || wrong.length) {
      problems.push({ field: 'prestationTypes', message: `valeurs possibles : ${PRESTATION_TYPES.join(', ')}` });
    }
  }
  if (fields.interventionArea !== undefined) problems.push(...areaProblems(fields.interventionArea, reference));
  if (fields.capacity !== undefined) problems.push(...capacityProblems(fields.capacity));
  return problems;
}
