import { readFileSync } from 'node:fs';

// @etalab/decoupage-administratif's index.js reads its JSON relative to the process's working
// directory, so it only works when started from inside the package: read the data files directly.

/** metro: mainland France and Corsica; drom: the 5 overseas departments-regions; com: overseas collectivities. */
export type AdministrativeZone = 'metro' | 'drom' | 'com';

export interface Department {
  code: string;
  name: string;
  /** Region code (INSEE); an overseas collectivity is its own "region". */
  region: string;
  /** INSEE code of the prefecture commune. */
  chefLieu: string;
  zone: AdministrativeZone;
}

export interface Region {
  code: string;
  name: string;
  chefLieu: string;
  zone: AdministrativeZone;
}

interface RawDepartment {
  code: string;
  nom: string;
  region: string;
  chefLieu: string;
  zone: AdministrativeZone;
}

interface RawRegion {
  code: string;
  nom: string;
  chefLieu: string;
  zone: AdministrativeZone;
}

function readPackageData<T>(file: 'departements.json' | 'regions.json'): T {
  const path = require.resolve(`@etalab/decoupage-administratif/data/${file}`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

let departmentsCache: readonly Department[] | null = null;
let regionsCache: readonly Region[] | null = null;

/**
 * The current departments, ordered by code: 96 metropolitan, 5 overseas (DROM) and the 8 overseas
 * collectivities (975, 977, 978, 984, 986–989), which communes.csv also covers.
 */
export function loadDepartments(): readonly Department[] {
  departmentsCache ??= readPackageData<RawDepartment[]>('departements.json').map((d) => ({
    code: d.code,
    name: d.nom,
    region: d.region,
    chefLieu: d.chefLieu,
    zone: d.zone,
  }));
  return departmentsCache;
}

/** The 18 regions (13 metropolitan, 5 overseas), then the 8 overseas collectivities, by code. */
export function loadRegions(): readonly Region[] {
  regionsCache ??= readPackageData<RawRegion[]>('regions.json').map((r) => ({
    code: r.code,
    name: r.nom,
    chefLieu: r.chefLieu,
    zone: r.zone,
  }));
  return regionsCache;
}
