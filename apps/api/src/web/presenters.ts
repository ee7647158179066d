// Pure view-model helpers shared by the pages: options for the taxonomy and kinds, places typed by
// users, intervention areas in words, pagination. They read reference data through a narrow interface
// (implemented by the ReferenceService's index) so they can be tested without Nest.
import { foldText, loadDepartments } from '@app/reference';
import { CANDIDATE_CRITERION_LABELS, INCLUSIVE_KINDS, InterventionArea, PRESTATION_TYPES, STRUCTURE_KINDS, StructureKind, formatIntegerFr, prestationLabel, structureKindLabel } from '@app/domain';

export interface CommuneLike {
  code: string;
  name: string;
  department: string;
  region: string;
  postCodes: string[];
  population: number | null;
  location: { lat: number; lon: number };
}

export interface ReferenceLookup {
  commune(code: string): CommuneLike | undefined;
  searchCommunes(query: string, limit?: number): CommuneLike[];
  department(code: string): { code: string; name: string } | undefined;
  region(code: string): { code: string; name: string } | undefined;
  sectors(): { code: string; label: string; group: string }[];
  sectorGroups(): { code: string; label: string; sectors: string[] }[];
  /** CPV codes by the words of their label (forms let people choose codes by words). */
  searchCpv?(query: string, limit?: number): { code: string; code8: string; label: string }[];
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
  count?: number;
}

/** "Lyon (69123)": what the place field and its suggestions show; the INSEE code makes it unambiguous. */
export function communeLabel(commune: CommuneLike): string {
  return `${commune.name} (${commune.code})`;
}

/**
 * A place typed by a user: "Lyon (69123)" (a suggestion), an INSEE code, a postcode or a name.
 * Returns the commune, or an error message naming what was not understood. A name or postcode shared by
 * several communes resolves to the most populated one, which the page then states ("compris comme …").
 */
export function resolvePlace(raw: string, reference: ReferenceLookup): { commune?: CommuneLike; error?: string } {
  const text = raw.trim();
  if (!text) return {};
  const labelled = /\(([0-9][0-9AB][0-9]{3})\)\s*$/i.exec(text);
  if (labelled) {
    const commune = reference.commune(labelled[1].toUpperCase());
    if (commune) return { commune };
  }
  if (/^[0-9][0-9AB][0-9]{3}$/i.test(text)) {
    // A postcode beats an INSEE code that happens to exist (users type postcodes: 69004 is Lyon, not
    // Alix whose INSEE code it is); among communes sharing it, the reference ranks the most populated first.
    const byPostCode = reference.searchCommunes(text, 20).find((c) => c.postCodes.includes(text));
    const commune = byPostCode ?? reference.commune(text.toUpperCase());
    if (commune) return { commune };
  } else {
    const commune = reference.searchCommunes(text.replace(/\([^)]*\)\s*$/, ''), 1)[0];
    if (commune) return { commune };
  }
  return { error: `Commune introuvable : « ${text} ». Saisissez un nom de commune ou un code postal, puis choisissez dans la liste.` };
}

/** Kind choices; inclusive kinds only unless companies are asked for. Counts come from facets. */
export function kindOptions(counts: Record<string, number> | undefined, includeCompanies = true): Option[] {
  const kinds: readonly StructureKind[] = includeCompanies ? STRUCTURE_KINDS : INCLUSIVE_KINDS;
  return kinds.map((kind) => ({ value: kind, label: structureKindLabel(kind), ...(counts ? { count: counts[kind] ?? 0 } : {}) }));
}

export function prestationOptions(counts?: Record<string, number>): Option[] {
  return PRESTATION_TYPES.map((p) => ({ value: p, label: capitalise(prestationLabel(p)), ...(counts ? { count: counts[p] ?? 0 } : {}) }));
}

export interface SectorGroupOptions {
  code: string;
  label: string;
  options: Option[];
}

/** The taxonomy grouped by sector group, in the taxonomy's order, with facet counts when given. */
export function sectorGroupsWithOptions(reference: ReferenceLookup, counts?: Record<string, number>): SectorGroupOptions[] {
  const sectors = new Map(reference.sectors().map((s) => [s.code, s]));
  return reference.sectorGroups().map((group) => ({
    code: group.code,
    label: group.label,
    options: group.sectors
      .map((code) => sectors.get(code))
      .filter((s): s is { code: string; label: string; group: string } => !!s)
      .map((s) => ({ value: s.code, label: s.label, ...(counts ? { count: counts[s.code] ?? 0 } : {}) })),
  }));
}

/** A `<select>` with optgroups, labels carrying counts: "Nettoyage de locaux (12)". */
export function sectorSelectOptions(reference: ReferenceLookup, counts?: Record<string, number>) {
  return sectorGroupsWithOptions(reference, counts).map((group) => ({
    group: group.label,
    options: group.options.map((o) => ({ value: o.value, label: o.count !== undefined ? `${o.label} (${formatIntegerFr(o.count)})` : o.label })),
  }));
}

export function sectorLabel(reference: ReferenceLookup, code: string): string {
  return reference.sectors().find((s) => s.code === code)?.label ?? code;
}

/** The intervention area in words, e.g. "Dans un rayon de 50 km autour de Lyon". */
export function interventionAreaText(area: InterventionArea, reference: ReferenceLookup, communeName?: string | null): string {
  switch (area.type) {
    case 'national':
      return 'Toute la France';
    case 'radius':
      return `Dans un rayon de ${formatIntegerFr(area.radiusKm)} km autour de ${communeName ?? 'son siège'}`;
    case 'departments': {
      const names = area.codes.map((code) => {
        const department = reference.department(code);
        return department ? `${department.name} (${department.code})` : code;
      });
      return `${names.length > 1 ? 'Départements' : 'Département'} : ${names.join(', ')}`;
    }
    case 'regions': {
      const names = area.codes.map((code) => reference.region(code)?.name ?? code);
      return `${names.length > 1 ? 'Régions' : 'Région'} : ${names.join(', ')}`;
    }
  }
}

export interface PaginationModel {
  page: number;
  pageCount: number;
  first?: number;
  previous?: number;
  next?: number;
  last?: number;
  /** Page numbers to show, with null for an ellipsis. */
  items: (number | null)[];
}

/** DSFR pagination: first, previous, a window of pages around the current one, next, last. */
export function pagination(total: number, page: number, perPage: number, window = 2): PaginationModel {
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const current = Math.min(Math.max(1, page), pageCount);
  const pages = new Set<number>([1, pageCount]);
  for (let p = current - window; p <= current + window; p++) if (p >= 1 && p <= pageCount) pages.add(p);
  const sorted = [...pages].sort((a, b) => a - b);
  const items: (number | null)[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1] > 1) items.push(null);
    items.push(p);
  });
  return {
    page: current,
    pageCount,
    items,
    ...(current > 1 ? { first: 1, previous: current - 1 } : {}),
    ...(current < pageCount ? { next: current + 1, last: pageCount } : {}),
  };
}

export function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** Whole number parameter within bounds, else the fallback (page numbers in links people edit). */
export function boundedInt(raw: unknown, fallback: number, min: number, max: number): number {
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/**
 * French names of the score criteria: the candidates' from the domain (scoring.ts), plus the optimiser's own.
 * Pages translate every score key through `scoreCriterionLabel`, never printing a raw key.
 */
const SCORE_CRITERION_LABELS: Record<string, string> = {
  ...CANDIDATE_CRITERION_LABELS,
  openness: 'Ouverture à la co-traitance',
  cohesion: 'Cohésion du groupement',
  memberCost: 'Nombre de membres (coût de coordination)',
  insertion: 'Heures d’insertion couvertes',
};

export function scoreCriterionLabel(key: string): string {
  return SCORE_CRITERION_LABELS[key] ?? 'Autre critère';
}

/** A score breakdown as labelled lines, in the order given, for a « pourquoi ce score » list. */
export function scoreBreakdownLines(breakdown: Record<string, number> | null | undefined): { label: string; points: number }[] {
  return Object.entries(breakdown ?? {}).map(([key, points]) => ({ label: scoreCriterionLabel(key), points }));
}

const RULE_CODE = /\bV\d{1,2}\b/g;

/**
 * A domain message as users read it: without the internal rule codes (V13, « règle V7 »), keeping the
 * legal references (R2142-22, L2113-13). The codes stay available to experts through `ruleCodes`.
 */
export function withoutRuleCodes(message: string): string {
  return message
    .replace(/,?\s*règle V\d{1,2}\b/g, '')
    .replace(/\s*\(\s*V\d{1,2}(?:\s*,\s*V\d{1,2})*\s*\)/g, '')
    .replace(/\(([^()]*?)(?:\s*,\s*V\d{1,2})+\s*\)/g, '($1)')
    .replace(/\(\s*V\d{1,2}\s*,\s*([^()]*)\)/g, '($1)')
    .replace(/^V\d{1,2}\s*:\s*/, '')
    .replace(/\s+([.,;:])/g, (m, p: string) => (p === ':' || p === ';' ? ` ${p}` : p))
    .trim();
}

/** The rule codes a message cites (« V13 », « V18 »), for a details element meant for experts. */
export function ruleCodes(messages: string | string[]): string[] {
  const all = (Array.isArray(messages) ? messages : [messages]).flatMap((m) => m.match(RULE_CODE) ?? []);
  return [...new Set(all)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/**
 * Departments typed by name or number, « Rhône, Ain, 38 » → ["69", "01", "38"]; "69 – Rhône" and
 * "Rhône (69)" too. What is not recognised is kept as typed, for the service to refuse with its message.
 */
export function resolveDepartmentCodes(raw: string): string[] {
  const departments = loadDepartments();
  const byName = new Map(departments.map((d) => [foldText(d.name), d.code]));
  const codes = raw
    .split(/[,;\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const code = /^(2[AB]|\d{2,3})\b|\((2[AB]|\d{2,3})\)\s*$/i.exec(entry);
      const typed = (code?.[1] ?? code?.[2])?.toUpperCase();
      if (typed && departments.some((d) => d.code === typed)) return typed;
      return byName.get(foldText(entry.replace(/\([^)]*\)\s*$/, ''))) ?? entry;
    });
  return [...new Set(codes)];
}

/** Department codes as people read them: "Rhône (69), Ain (01)". */
export function departmentNames(codes: readonly string[]): string {
  const departments = loadDepartments();
  return codes.map((code) => {
    const department = departments.find((d) => d.code === code);
    return department ? `${department.name} (${code})` : code;
  }).join(', ');
}

/** "90910000 – Services de nettoyage": what the CPV suggestions show and what a chosen entry reads. */
export function cpvLabel(cpv: { code8: string; label: string }): string {
  return `${cpv.code8} – ${cpv.label}`;
}

/**
 * CPV codes typed as codes (« 90910000, 77310000-6 ») or chosen by words (« nettoyage de bureaux ;
 * espaces verts »): entries are separated by « ; » or line breaks (commas too when an entry holds codes).
 * An entry with a code gives its codes; an entry of words gives the best matching code, or an error.
 */
export function resolveCpvEntries(raw: string, reference: ReferenceLookup): { codes: string[]; errors: string[] } {
  const codes: string[] = [];
  const errors: string[] = [];
  for (const entry of raw.split(/[;\n]/).map((e) => e.trim()).filter(Boolean)) {
    const typed = entry.match(/\b\d{8}(?:-\d)?\b/g);
    if (typed) {
      codes.push(...typed);
      continue;
    }
    const found = reference.searchCpv?.(entry, 1)[0];
    if (found) codes.push(found.code8);
    else errors.push(`aucun code CPV ne correspond à « ${entry} » : tapez des mots de l’activité (ex. : nettoyage de bureaux) et choisissez dans la liste, ou un code à 8 chiffres`);
  }
  return { codes: [...new Set(codes)], errors };
}

/** The rules users meet, in words (domain-rules.md codes stay in the experts' details element). */
const RULE_NAMES: Record<string, string> = {
  MEMBERS_ACCEPTED: 'Acceptation des membres',
  TENDER_OPEN: 'Appel d’offres ouvert',
  V2: 'Un seul mandataire',
  V3: 'Un groupement par mandataire et par lot',
  V4: 'Offres multiples',
  V5: 'Mandataire solidaire',
  V6: 'Forme du groupement',
  V7: 'Répartition complète',
  V8: 'Capacités',
  V9: 'Composition figée',
  V10: 'Exclusion d’un membre',
  V11: 'Un représentant par candidat',
  V13: 'Lot réservé',
  V14: 'Sous-traitants d’un lot réservé',
  V16: 'Lot réservé à l’ESS',
  V18: 'Heures d’insertion',
  V19: 'Heures d’une association intermédiaire',
};

/** A rule in words for the page; the code itself only in the experts' details element. */
export function ruleName(rule: string): string {
  return RULE_NAMES[rule] ?? 'Règle du code de la commande publique';
}
