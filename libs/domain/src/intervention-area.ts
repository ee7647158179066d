import { distanceKm } from './geo';
import type { GeoPoint, InterventionArea } from './vocabulary';

/** Radius used when a structure declared no usable area (register imports carry none). */
export const DEFAULT_RADIUS_KM = 50;

export interface AreaStructure {
  location: GeoPoint | null;
}

export interface ExecutionPlace {
  location: GeoPoint;
  department: string; // INSEE code: '01', '2A', '974'
  region: string; // INSEE code: '84', '11', '01'
}

/** '1' and '01' must match ('01' is Ain, '01' is also Guadeloupe's region); Corsica's '2a' → '2A'. */
function normaliseAreaCode(code: string): string {
  const trimmed = code.trim().toUpperCase();
  return /^\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
}

function listContains(codes: readonly string[], code: string): boolean {
  const wanted = normaliseAreaCode(code);
  return codes.some((candidate) => normaliseAreaCode(candidate) === wanted);
}

/** A radius that is not a positive finite number is treated as "not declared". */
function effectiveRadiusKm(radiusKm: number): number {
  return Number.isFinite(radiusKm) && radiusKm > 0 ? radiusKm : DEFAULT_RADIUS_KM;
}

/**
 * Whether a structure's intervention area covers an execution place. A radius is measured from the
 * structure's own location (boundary included); without a location a radius cannot cover anything.
 */
export function areaCovers(area: InterventionArea, structure: AreaStructure, place: ExecutionPlace): boolean {
  switch (area.type) {
    case 'national':
      return true;
    case 'departments':
      return listContains(area.codes, place.department);
    case 'regions':
      return listContains(area.codes, place.region);
    case 'radius':
      if (structure.location === null) return false;
      return distanceKm(structure.location, place.location) <= effectiveRadiusKm(area.radiusKm);
  }
}

/**
 * An area that is the import's default radius is a guess: a structure is still served up to this multiple
 * of it (ranked lower, its reasons say so). Mirrored by migration 1700000011000's area keys.
 */
export const GUESSED_RADIUS_TOLERANCE = 1.5;

/** The default radius a place is beyond but within the tolerance of, or undefined (covered, or too far). */
export function beyondGuessedRadius(area: InterventionArea, structure: AreaStructure, place: ExecutionPlace): number | undefined {
  if (area.type !== 'radius' || structure.location === null) return undefined;
  const radius = effectiveRadiusKm(area.radiusKm);
  const km = distanceKm(structure.location, place.location);
  return km > radius && km <= radius * GUESSED_RADIUS_TOLERANCE ? radius : undefined;
}
