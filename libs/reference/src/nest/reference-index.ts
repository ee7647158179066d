// In-memory reference data with O(1) lookups, built once per process from the files of data/reference.
// Plain TypeScript (no Nest): the Nest ReferenceService, DTO validators, importers and CLIs share one instance.
import type { GeoPoint } from '@app/domain';
import { foldText } from '../text';
import { foldPlaceName } from './place-name';
import { ReferenceSources, loadReferenceSources } from './reference-sources';

export interface CommuneView {
  code: string;
  name: string;
  type: string;
  department: string;
  region: string;
  postCodes: string[];
  population: number | null;
  location: GeoPoint;
}

export interface DepartmentView {
  code: string;
  name: string;
  region: string;
}

export interface RegionView {
  code: string;
  name: string;
}

export interface SectorView {
  code: string;
  label: string;
  group: string;
  cpvPrefixes: string[];
  nafCodes: string[];
}

export interface SectorGroupView {
  code: string;
  label: string;
  sectors: string[];
}

export interface CpvView {
  /** With its check digit, as published: "45000000-7". */
  code: string;
  code8: string;
  label: string;
  /** Sectors of our taxonomy this code maps to (longest CPV prefix wins). */
  sectors: string[];
}

export const COMMUNE_SEARCH_MAX = 100;

export class ReferenceIndex {
  private static loading?: Promise<ReferenceIndex>;
  private static instance?: ReferenceIndex;

  private readonly communesByCode = new Map<string, CommuneView>();
  private readonly communesByPlace = new Map<string, CommuneView[]>();
  /** The most populated current commune of each folded name ("saint denis" → Saint-Denis, 93). */
  private readonly largestByName = new Map<string, CommuneView>();
  /** What name and postcode searches scan: the communes in file order and their folded names, index for index. */
  private readonly searchViews: CommuneView[] = [];
  private readonly foldedNames: string[] = [];
  private readonly departmentsByCode = new Map<string, DepartmentView>();
  private readonly regionsByCode = new Map<string, RegionView>();
  private readonly cpvByCode8 = new Map<string, CpvView>();
  private readonly sectorsByCode = new Map<string, SectorView>();
  private readonly groupsByCode = new Map<string, SectorGroupView>();
  readonly allCommunes: readonly CommuneView[];

  /** Loads the process-wide instance once (files are streamed: about 0.5 s); later calls share it. */
  static load(): Promise<ReferenceIndex> {
    ReferenceIndex.loading ??= loadReferenceSources().then(
      (sources) => (ReferenceIndex.instance = new ReferenceIndex(sources)),
      (error: unknown) => {
        ReferenceIndex.loading = undefined; // a failed load (missing file) may be retried
        throw error;
      },
    );
    return ReferenceIndex.loading;
  }

  /**
   * The loaded instance, for synchronous code (DTO validators). Every entry point awaits `load()` first
   * (ReferenceService does it before the app serves anything), so this only throws on a programming error.
   */
  static shared(): ReferenceIndex {
    if (!ReferenceIndex.instance) throw new Error('Reference data not loaded yet: await ReferenceIndex.load() first');
    return ReferenceIndex.instance;
  }

  constructor(sources: ReferenceSources) {
    // 35,000 communes are held for the life of the process (~40 MB of heap before this was compacted): each
    // repeated value (type, department, region, postcode) is stored once, arrays are exact-sized, and the word
    // offsets of a name are computed when a search needs them rather than kept.
    const shared = new Map<string, string>();
    const once = (value: string) => {
      const found = shared.get(value);
      if (found !== undefined) return found;
      shared.set(value, value);
      return value;
    };
    for (const region of sources.regions) this.regionsByCode.set(region.code, { code: region.code, name: region.name });
    for (const department of sources.departments) {
      this.departmentsByCode.set(department.code, { code: department.code, name: department.name, region: department.region });
    }
    for (const commune of sources.communes) {
      const view: CommuneView = {
        code: commune.code,
        name: commune.name,
        type: once(commune.type),
        department: once(commune.department),
        region: once(commune.region),
        postCodes: commune.postCodes.map(once),
        population: commune.population,
        location: commune.location,
      };
      this.communesByCode.set(view.code, view);
      this.searchViews.push(view);
      this.foldedNames.push(foldText(view.name));
      const placeKey = `${view.department}|${foldPlaceName(view.name)}`;
      const same = this.communesByPlace.get(placeKey);
      if (same) same.push(view);
      else this.communesByPlace.set(placeKey, [view]);
      if (view.type === 'commune-actuelle') {
        const nameKey = placeKey.slice(placeKey.indexOf('|') + 1);
        const known = this.largestByName.get(nameKey);
        if (!known || (view.population ?? 0) > (known.population ?? 0)) this.largestByName.set(nameKey, view);
      }
    }
    this.allCommunes = [...this.communesByCode.values()];
    for (const row of sources.cpv) {
      this.cpvByCode8.set(row.code8, { code: row.code, code8: row.code8, label: row.label, sectors: sources.sectorsForCpvCode(row.code8) });
    }
    for (const group of sources.groups) this.groupsByCode.set(group.code, { code: group.code, label: group.label, sectors: [] });
    for (const sector of sources.sectors) {
      this.sectorsByCode.set(sector.code, {
        code: sector.code,
        label: sector.label,
        group: sector.group,
        cpvPrefixes: [...sector.cpvPrefixes],
        nafCodes: [...sector.nafCodes],
      });
      this.groupsByCode.get(sector.group)?.sectors.push(sector.code);
    }
  }

  commune(code: string): CommuneView | undefined {
    return this.communesByCode.get(code.trim().toUpperCase());
  }

  /**
   * Accent-insensitive lookup by name, or by postcode prefix when the query is digits (an INSEE code also
   * matches exactly). Ranking: exact name, then name prefix, then a word of the name, then anywhere; within
   * each tier the most populated first (the user who types "saint" most likely means a large town).
   */
  searchCommunes(query: string, limit = 20): CommuneView[] {
    const max = Math.max(1, Math.min(COMMUNE_SEARCH_MAX, Math.floor(limit) || 20));
    return this.matchCommunes(query).slice(0, max);
  }

  /** Every match of `searchCommunes`, best first (for paginated lists). */
  matchCommunes(query: string): CommuneView[] {
    const trimmed = query.trim();
    if (!trimmed) return [];
    const scored: { commune: CommuneView; tier: number }[] = [];
    if (/^\d[\dAB]{0,4}$/i.test(trimmed)) {
      const code = trimmed.toUpperCase();
      for (const commune of this.searchViews) {
        if (commune.code === code) scored.push({ commune, tier: 0 });
        else if (/^\d+$/.test(trimmed) && commune.postCodes.some((postCode) => postCode.startsWith(trimmed))) {
          scored.push({ commune, tier: commune.postCodes.includes(trimmed) ? 1 : 2 });
        }
      }
    } else {
      // "st etienne" must find "Saint-Étienne": try the query as typed and with abbreviations expanded.
      const variants = [...new Set([foldText(trimmed), foldPlaceName(trimmed)])].filter(Boolean);
      if (!variants.length) return [];
      this.foldedNames.forEach((folded, i) => {
        let best: number | undefined;
        for (const variant of variants) {
          const tier = matchTier(folded, variant);
          if (tier !== undefined && (best === undefined || tier < best)) best = tier;
        }
        if (best !== undefined) scored.push({ commune: this.searchViews[i], tier: best });
      });
    }
    scored.sort(
      (a, b) =>
        a.tier - b.tier ||
        (b.commune.population ?? 0) - (a.commune.population ?? 0) ||
        a.commune.name.localeCompare(b.commune.name, 'fr') ||
        a.commune.code.localeCompare(b.commune.code),
    );
    return scored.map((s) => s.commune);
  }

  /** The most populated current commune called exactly `name` (accents, case, "St"/"Saint" and hyphens aside). */
  largestCommuneNamed(name: string): CommuneView | undefined {
    return this.largestByName.get(foldPlaceName(name));
  }

  /** The commune a register names by its town and department ("ST AMAND MONTROND", "18"), when unambiguous. */
  resolveCommune(city: string, department: string | null): CommuneView | undefined {
    if (!department) return undefined;
    const matches = this.communesByPlace.get(`${department}|${foldPlaceName(city)}`);
    return matches?.length === 1 ? matches[0] : undefined;
  }

  department(code: string): DepartmentView | undefined {
    const trimmed = code.trim().toUpperCase();
    return this.departmentsByCode.get(/^\d$/.test(trimmed) ? `0${trimmed}` : trimmed);
  }

  departments(): DepartmentView[] {
    return [...this.departmentsByCode.values()];
  }

  region(code: string): RegionView | undefined {
    const trimmed = code.trim();
    return this.regionsByCode.get(/^\d$/.test(trimmed) ? `0${trimmed}` : trimmed);
  }

  regions(): RegionView[] {
    return [...this.regionsByCode.values()];
  }

  /** Accepts "45000000", "45000000-7" or "450000007"; a wrong check digit means an unknown code. */
  cpv(code: string): CpvView | undefined {
    const match = /^(\d{8})(?:-?(\d))?$/.exec(code.trim());
    if (!match) return undefined;
    const found = this.cpvByCode8.get(match[1]);
    if (!found || (match[2] !== undefined && found.code !== `${match[1]}-${match[2]}`)) return undefined;
    return found;
  }

  /**
   * CPV codes whose label holds every word typed (folded, any order, a word may be the start of a label
   * word: « nettoy bureaux »), the most general first (shortest label). For choosing codes by words.
   */
  searchCpv(query: string, limit = 10): CpvView[] {
    const words = foldText(query).split(' ').filter((w) => w.length >= 2);
    if (!words.length) return [];
    this.foldedCpv ??= [...this.cpvByCode8.values()].map((cpv) => ({ cpv, words: ` ${foldText(cpv.label)}` }));
    return this.foldedCpv
      .filter((entry) => words.every((w) => entry.words.includes(` ${w}`)))
      .sort((a, b) => a.cpv.label.length - b.cpv.label.length || a.cpv.code8.localeCompare(b.cpv.code8))
      .slice(0, limit)
      .map((entry) => entry.cpv);
  }

  private foldedCpv?: { cpv: CpvView; words: string }[];

  sector(code: string): SectorView | undefined {
    return this.sectorsByCode.get(code);
  }

  sectors(): SectorView[] {
    return [...this.sectorsByCode.values()];
  }

  sectorGroup(code: string): SectorGroupView | undefined {
    return this.groupsByCode.get(code);
  }

  sectorGroups(): SectorGroupView[] {
    return [...this.groupsByCode.values()];
  }
}

/** 0: the name, 1: its start, 2: the start of one of its later words, 3: anywhere in it. */
function matchTier(folded: string, query: string): number | undefined {
  if (folded === query) return 0;
  if (folded.startsWith(query)) return 1;
  if (!folded.includes(query)) return undefined;
  for (let i = folded.indexOf(' '); i !== -1; i = folded.indexOf(' ', i + 1)) if (folded.startsWith(query, i + 1)) return 2;
  return 3;
}
