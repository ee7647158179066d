// Hits are shaped the same way by both adapters; distances come from the domain's haversine (the same
// function that decides whether an intervention area covers a place), rounded for display.
import { distanceKm, type GeoPoint } from '@app/domain';
import type { IndexedStructure, SearchHit } from './search-index.port';

export function roundedDistanceKm(from: GeoPoint | undefined, to: GeoPoint | null): number | undefined {
  if (!from || !to) return undefined;
  return Math.round(distanceKm(from, to) * 10) / 10;
}

export function withDistance(structure: IndexedStructure, origin: GeoPoint | undefined): IndexedStructure & { distanceKm?: number } {
  const distance = roundedDistanceKm(origin, structure.location);
  return distance === undefined ? structure : { ...structure, distanceKm: distance };
}

export function hitFrom(structure: IndexedStructure, score: number, origin: GeoPoint | undefined): SearchHit {
  const distance = roundedDistanceKm(origin, structure.location);
  return {
    id: structure.id,
    siret: structure.siret,
    name: structure.name,
    brand: structure.brand,
    kind: structure.kind,
    communeCode: structure.communeCode,
    communeName: structure.communeName,
    department: structure.department,
    sectors: structure.sectors,
    prestationTypes: structure.prestationTypes,
    ...(distance !== undefined ? { distanceKm: distance } : {}),
    score: Math.round(score * 10000) / 10000,
  };
}
