// What the in-memory index is built from: the pure readers of libs/reference (files of data/reference,
// @etalab/decoupage-administratif) and the activity taxonomy.
import type { GeoPoint } from '@app/domain';
import { loadDepartments, loadRegions } from '../administrative';
import { readCommunes } from '../communes-file';
import { readCpv } from '../cpv-file';
import { sectorsForCpvCode } from '../taxonomy/crosswalk';
import { SECTORS, SECTOR_GROUPS } from '../taxonomy/sectors';

export interface ReferenceSources {
  communes: { code: string; name: string; type: string; department: string; region: string; postCodes: string[]; population: number | null; location: GeoPoint }[];
  departments: readonly { code: string; name: string; region: string }[];
  regions: readonly { code: string; name: string }[];
  cpv: { code: string; code8: string; label: string }[];
  sectors: readonly { code: string; label: string; group: string; cpvPrefixes: readonly string[]; nafCodes: readonly string[] }[];
  groups: readonly { code: string; label: string }[];
  sectorsForCpvCode: (code: string) => string[];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function loadReferenceSources(): Promise<ReferenceSources> {
  const [communes, cpv] = await Promise.all([collect(readCommunes()), collect(readCpv())]);
  return {
    // readCommunes gives the few communes without a centre their chef-lieu's; one still without is unusable.
    communes: communes.flatMap((c) => (c.location ? [{ ...c, location: c.location }] : [])),
    departments: loadDepartments(),
    regions: loadRegions(),
    cpv: cpv.map((row) => ({ code: row.code, code8: row.code8, label: row.labelFr })),
    sectors: SECTORS,
    groups: SECTOR_GROUPS,
    sectorsForCpvCode,
  };
}
