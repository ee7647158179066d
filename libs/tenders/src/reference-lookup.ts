// The part of the reference data the tenders feature reads. ReferenceIndex (libs/reference) satisfies it;
// naming the subset keeps the pure mapping and validation code testable with a tiny fake.
import type { GeoPoint } from '@app/domain';

export interface CommuneRef {
  code: string;
  name: string;
  department: string;
  region: string;
  postCodes: string[];
  population: number | null;
  location: GeoPoint;
}

export interface CpvRef {
  code: string;
  code8: string;
  label: string;
  sectors: string[];
}

export interface SectorRef {
  code: string;
  label: string;
  group: string;
  cpvPrefixes?: readonly string[];
}

export interface ReferenceLookup {
  commune(code: string): CommuneRef | undefined;
  cpv(code: string): CpvRef | undefined;
  sector(code: string): SectorRef | undefined;
  sectors(): SectorRef[];
  department(code: string): { code: string; name: string; region: string } | undefined;
  region(code: string): { code: string; name: string } | undefined;
  readonly allCommunes: readonly CommuneRef[];
}

/** Sectors of a list of CPV codes (each code's longest-prefix sectors, in order, without repeats). */
export function sectorsOfCpvCodes(codes: readonly string[], reference: Pick<ReferenceLookup, 'cpv'>): string[] {
  const out: string[] = [];
  for (const code of codes) for (const sector of reference.cpv(code)?.sectors ?? []) if (!out.includes(sector)) out.push(sector);
  return out;
}
