// Execution place of a DECP record (lieuExecution { code, typeCode, nom }) → a located place.
// Code postal → the commune with that postcode (the one named, else the most populous); Code commune →
// INSEE code; Code département / arrondissement / canton → the department's chef-lieu; Code région →
// the region's chef-lieu; Code pays → the country (no point). Codes filed under the wrong type are
// tried under the others, and every guess is flagged.
import departmentsJson from '@etalab/decoupage-administratif/data/departements.json';
import regionsJson from '@etalab/decoupage-administratif/data/regions.json';
import type { GeoPoint } from '@app/domain';
import type { CommuneRef, ReferenceLookup } from '../reference-lookup';
import type { DecpPlace } from './decp-record';

export type PlacePrecision = 'commune' | 'department' | 'region' | 'country' | 'unknown';

export interface ResolvedPlace {
  communeCode: string | null;
  department: string | null;
  region: string | null;
  location: GeoPoint | null;
  precision: PlacePrecision;
  /** PLACE_TYPE_MISMATCH, PLACE_APPROXIMATE, PLACE_OLD_REGION_CODE, PLACE_FOREIGN, PLACE_UNKNOWN, PLACE_MISSING. */
  flags: string[];
}

/** Regions before the 2016 reform → today's region (INSEE). */
const OLD_REGIONS: Record<string, string> = {
  '21': '44', '22': '32', '23': '28', '25': '28', '26': '27', '31': '32', '41': '44', '42': '44', '43': '27',
  '54': '75', '72': '75', '73': '76', '74': '75', '82': '84', '83': '84', '91': '76',
};

const fold = (text: string) =>
  text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').replace(/\bst\b/g, 'saint').trim();

export class PlaceResolver {
  private readonly byPostcode = new Map<string, CommuneRef[]>();
  private readonly departmentSeat = new Map<string, string>();
  private readonly regionSeat = new Map<string, string>();

  constructor(private readonly reference: ReferenceLookup) {
    for (const commune of reference.allCommunes) {
      for (const postCode of commune.postCodes) {
        const list = this.byPostcode.get(postCode);
        if (list) list.push(commune);
        else this.byPostcode.set(postCode, [commune]);
      }
    }
    for (const d of departmentsJson as { code: string; chefLieu: string }[]) this.departmentSeat.set(d.code, d.chefLieu);
    for (const r of regionsJson as { code: string; chefLieu: string }[]) this.regionSeat.set(r.code, r.chefLieu);
  }

  resolve(place: DecpPlace | null | undefined): ResolvedPlace {
    if (!place || place.code === null || place.code === undefined || String(place.code).trim() === '') {
      return this.unknown(['PLACE_MISSING']);
    }
    const code = String(place.code).trim().toUpperCase();
    const type = (place.typeCode ?? '').toLowerCase();
    const name = place.nom ?? '';
    const attempts: { kind: 'postcode' | 'commune' | 'department' | 'region' | 'arrondissement' | 'country'; declared: boolean }[] = [];
    const push = (kind: (typeof attempts)[number]['kind'], declared = false) => attempts.push({ kind, declared });
    if (type.includes('postal')) push('postcode', true), push('commune'), push('department');
    else if (type.includes('commune')) push('commune', true), push('postcode'), push('department');
    else if (type.includes('département') || type.includes('departement')) push('department', true), push('postcode'), push('commune');
    else if (type.includes('région') || type.includes('region')) push('region', true);
    else if (type.includes('arrondissement') || type.includes('canton')) push('arrondissement', true);
    else if (type.includes('pays')) push('country', true);
    else push('commune'), push('postcode'), push('department');

    for (const attempt of attempts) {
      const found = this.tryKind(attempt.kind, code, name);
      if (found) {
        if (!attempt.declared) found.flags.unshift('PLACE_TYPE_MISMATCH');
        return found;
      }
    }
    // Last resort: the department a postcode-like code starts with.
    const department = this.departmentOfPostcode(code);
    if (department) return this.department(department, ['PLACE_APPROXIMATE']);
    return this.unknown(['PLACE_UNKNOWN']);
  }

  private tryKind(kind: 'postcode' | 'commune' | 'department' | 'region' | 'arrondissement' | 'country', code: string, name: string): ResolvedPlace | null {
    switch (kind) {
      case 'postcode': {
        const candidates = /^\d{5}$/.test(code) ? this.byPostcode.get(code) : undefined;
        if (!candidates?.length) return null;
        const wanted = fold(name);
        const named = wanted ? candidates.filter((c) => wanted.includes(fold(c.name))) : [];
        // The most specific commune the record names ("Lyon 3e Arrondissement" over "Lyon"), else the most populous.
        const best = named.length
          ? [...named].sort((a, b) => fold(b.name).length - fold(a.name).length || (b.population ?? 0) - (a.population ?? 0))[0]
          : [...candidates].sort((a, b) => (b.population ?? 0) - (a.population ?? 0))[0];
        return this.commune(best, []);
      }
      case 'commune': {
        const commune = /^\d[\dAB]\d{3}$/.test(code) ? this.reference.commune(code) : undefined;
        return commune ? this.commune(commune, []) : null;
      }
      case 'department': {
        const normalised = /^\d$/.test(code) ? `0${code}` : code;
        return this.reference.department(normalised) && this.departmentSeat.has(normalised) ? this.department(normalised, []) : null;
      }
      case 'region': {
        const normalised = /^\d$/.test(code) ? `0${code}` : code;
        if (this.regionSeat.has(normalised)) return this.region(normalised, []);
        const current = OLD_REGIONS[normalised];
        return current ? this.region(current, ['PLACE_OLD_REGION_CODE']) : null;
      }
      case 'arrondissement': {
        // INSEE arrondissement and canton codes start with the department's code.
        const department = code.startsWith('97') ? code.slice(0, 3) : code.slice(0, 2);
        return this.departmentSeat.has(department) ? this.department(department, ['PLACE_APPROXIMATE']) : null;
      }
      case 'country':
        if (code === 'FR' || code === 'FRA' || code === '250') return { communeCode: null, department: null, region: null, location: null, precision: 'country', flags: [] };
        return { communeCode: null, department: null, region: null, location: null, precision: 'unknown', flags: ['PLACE_FOREIGN'] };
    }
  }

  private departmentOfPostcode(code: string): string | null {
    if (!/^\d{5}$/.test(code)) return null;
    if (code.startsWith('97')) return this.departmentSeat.has(code.slice(0, 3)) ? code.slice(0, 3) : null;
    if (code.startsWith('20')) return Number(code) < 20200 ? '2A' : '2B';
    return this.departmentSeat.has(code.slice(0, 2)) ? code.slice(0, 2) : null;
  }

  private commune(commune: CommuneRef, flags: string[]): ResolvedPlace {
    return { communeCode: commune.code, department: commune.department, region: commune.region, location: commune.location, precision: 'commune', flags };
  }

  /** A department is placed at its chef-lieu (prefecture). */
  private department(code: string, flags: string[]): ResolvedPlace {
    const seat = this.reference.commune(this.departmentSeat.get(code) ?? '');
    const region = this.reference.department(code)?.region ?? seat?.region ?? null;
    return { communeCode: null, department: code, region, location: seat?.location ?? null, precision: 'department', flags };
  }

  private region(code: string, flags: string[]): ResolvedPlace {
    const seat = this.reference.commune(this.regionSeat.get(code) ?? '');
    return { communeCode: null, department: null, region: code, location: seat?.location ?? null, precision: 'region', flags };
  }

  private unknown(flags: string[]): ResolvedPlace {
    return { communeCode: null, department: null, region: null, location: null, precision: 'unknown', flags };
  }
}
