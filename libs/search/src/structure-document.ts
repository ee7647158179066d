// The document both engines index for a structure: display fields, weighted text, filters and the
// intervention area in a shape both engines can filter on (radius + location, department list, region list, national).
import { DEFAULT_RADIUS_KM, INCLUSIVE_KINDS, type InterventionArea } from '@app/domain';
import type { StructureEntity } from '@app/persistence';
import type { IndexedStructure } from './search-index.port';
import { foldText, words } from './text';

export type AreaType = InterventionArea['type'];

export interface DocumentArea {
  type: AreaType;
  /** Only for type radius: the effective radius (an undeclared radius means the default 50 km, as areaCovers). */
  radiusKm: number | null;
  departments: string[];
  regions: string[];
}

export interface StructureDocument extends IndexedStructure {
  /** false for COMPANY: never listed as an inclusive supplier unless asked (inclusiveOnly=false). */
  inclusive: boolean;
  /** Folded name, for the name sort (accents must not reorder "Élan" after "Zèbre"). */
  nameSort: string;
  city: string | null;
  departmentName: string | null;
  regionName: string | null;
  sectorLabels: string[];
  sectorGroups: string[];
  sectorKeywords: string[];
  offerTitles: string[];
  offerDescriptions: string[];
  description: string | null;
  area: DocumentArea;
}

/** What the builder needs from the reference data (libs/reference provides it). */
export interface DocumentReference {
  sector(code: string): { label: string; group: string; keywords?: readonly string[] } | undefined;
  sectorGroup(code: string): { label: string } | undefined;
  communeName(code: string): string | undefined;
  departmentName(code: string): string | undefined;
  regionName(code: string): string | undefined;
}

/** Same normalisation as the domain's areaCovers: '1' → '01', '2a' → '2A'. */
export function normaliseAreaCode(code: string): string {
  const trimmed = code.trim().toUpperCase();
  return /^\d$/.test(trimmed) ? `0${trimmed}` : trimmed;
}

export function documentArea(area: InterventionArea): DocumentArea {
  switch (area.type) {
    case 'radius': {
      const radius = Number.isFinite(area.radiusKm) && area.radiusKm > 0 ? area.radiusKm : DEFAULT_RADIUS_KM;
      return { type: 'radius', radiusKm: radius, departments: [], regions: [] };
    }
    case 'departments':
      return { type: 'departments', radiusKm: null, departments: [...new Set(area.codes.map(normaliseAreaCode))], regions: [] };
    case 'regions':
      return { type: 'regions', radiusKm: null, departments: [], regions: [...new Set(area.codes.map(normaliseAreaCode))] };
    case 'national':
      return { type: 'national', radiusKm: null, departments: [], regions: [] };
  }
}

const unique = (values: (string | null | undefined)[]): string[] => [...new Set(values.filter((v): v is string => !!v && !!v.trim()))];

/** null when the structure must not be searchable (delisted): the indexer removes it. */
export function buildStructureDocument(structure: StructureEntity, reference: DocumentReference): StructureDocument | null {
  if (structure.delistedAt) return null;
  const sectorCodes = unique(structure.sectors.map((s) => s.code));
  const sectors = sectorCodes.map((code) => reference.sector(code)).filter((s) => !!s);
  const location = structure.lat !== null && structure.lon !== null ? { lat: structure.lat, lon: structure.lon } : null;
  const revenue = structure.capacity?.annualRevenueEur;
  return {
    id: structure.id,
    siret: structure.siret,
    name: structure.name,
    brand: structure.brand && structure.brand.trim() ? structure.brand : null,
    kind: structure.kind,
    inclusive: INCLUSIVE_KINDS.includes(structure.kind),
    nameSort: foldText(structure.name).trim(),
    communeCode: structure.communeCode,
    communeName: (structure.communeCode && reference.communeName(structure.communeCode)) || structure.city || null,
    city: structure.city,
    department: structure.department,
    departmentName: (structure.department && reference.departmentName(structure.department)) || null,
    region: structure.region,
    regionName: (structure.region && reference.regionName(structure.region)) || null,
    location,
    sectors: sectorCodes,
    sectorLabels: unique(sectors.map((s) => s.label)),
    sectorGroups: unique(sectors.map((s) => reference.sectorGroup(s.group)?.label)),
    sectorKeywords: unique(sectors.flatMap((s) => [...(s.keywords ?? [])])),
    offerTitles: unique((structure.offers ?? []).map((o) => o.title)),
    offerDescriptions: unique((structure.offers ?? []).map((o) => o.description)),
    description: structure.description,
    prestationTypes: [...new Set(structure.prestationTypes ?? [])],
    openToCoContracting: structure.openToCoContracting,
    annualRevenueEur: typeof revenue === 'number' && Number.isFinite(revenue) ? revenue : null,
    website: structure.contact?.website ?? null,
    area: documentArea(structure.interventionArea),
  };
}

/**
 * The text of a document by weight: A = name and brand, B = sectors and place, C = groups, keywords, offers,
 * D = the rest. C and D keep each word once: keyword lists repeat words ("nettoyage", "nettoyage de locaux"…),
 * and every repetition would cost index space without saying anything about relevance.
 */
export function weightedText(doc: StructureDocument): { A: string; B: string; C: string; D: string } {
  const join = (parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' ');
  const once = (parts: (string | null | undefined)[]) => [...new Set(words(join(parts)))].join(' ');
  return {
    A: join([doc.name, doc.brand]),
    B: join([...doc.sectorLabels, doc.communeName, doc.city !== doc.communeName ? doc.city : null]),
    C: once([...doc.sectorGroups, ...doc.sectorKeywords, ...doc.offerTitles]),
    D: once([doc.description, ...doc.offerDescriptions, doc.departmentName, doc.regionName]),
  };
}
