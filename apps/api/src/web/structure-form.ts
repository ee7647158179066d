// The structure offer form: a StructureView → the form's values (edit page), and the posted form → the
// values to show again plus the plain body of the catalogue contract ("Structure body"), validated
// afterwards with the API's own DTO. Pure.
import type { FieldError } from '@app/common';
import type { InterventionArea } from '@app/domain';
import { FormBody, checked, compact, group, indexedGroups, list, numberField, optionalText, renameErrorFields, text } from './forms';
import { ReferenceLookup, communeLabel, departmentNames, resolveDepartmentCodes, resolvePlace } from './presenters';

/** Empty rows offered after the filled ones (offers, references), so nothing needs JavaScript. */
export const EXTRA_ROWS = 2;

export interface StructureFormValues {
  siret: string;
  name: string;
  brand: string;
  kind: string;
  naf: string;
  address: string;
  postCode: string;
  commune: string;
  areaType: string;
  radiusKm: string;
  departments: string;
  regions: string[];
  sectors: string[];
  prestationTypes: string[];
  description: string;
  offers: { title: string; description: string }[];
  clientReferences: { name: string; year: string }[];
  capacity: { annualRevenueEur: string; employees: string; insertionEmployees: string; annualInsertionHours: string };
  labels: string;
  networks: string;
  contact: { email: string; phone: string; website: string };
  openToCoContracting: boolean;
}

/** The parts of a StructureView the form edits. */
export interface EditableStructure {
  siret: string;
  name: string;
  brand: string | null;
  kind: string;
  naf: string | null;
  address: string | null;
  postCode: string | null;
  communeCode: string | null;
  interventionArea: InterventionArea;
  sectors: string[];
  prestationTypes: string[];
  description: string | null;
  offers: { title: string; description?: string }[];
  clientReferences: { name: string; year?: number }[];
  capacity: { annualRevenueEur?: number; employees?: number; insertionEmployees?: number; annualInsertionHours?: number };
  labels: string[];
  networks: string[];
  contact: { email?: string; phone?: string; website?: string };
  openToCoContracting: boolean;
}

const numberText = (value: number | undefined) => (value === undefined || value === null ? '' : String(value));

function withExtraRows<T>(rows: T[], blank: () => T): T[] {
  return [...rows, ...Array.from({ length: EXTRA_ROWS }, blank)];
}

export function emptyStructureValues(): StructureFormValues {
  return {
    siret: '',
    name: '',
    brand: '',
    kind: '',
    naf: '',
    address: '',
    postCode: '',
    commune: '',
    areaType: 'radius',
    radiusKm: '50',
    departments: '',
    regions: [],
    sectors: [],
    prestationTypes: [],
    description: '',
    offers: withExtraRows([], () => ({ title: '', description: '' })),
    clientReferences: withExtraRows([], () => ({ name: '', year: '' })),
    capacity: { annualRevenueEur: '', employees: '', insertionEmployees: '', annualInsertionHours: '' },
    labels: '',
    networks: '',
    contact: { email: '', phone: '', website: '' },
    openToCoContracting: false,
  };
}

export function structureFormValues(structure: EditableStructure, reference: ReferenceLookup): StructureFormValues {
  const commune = structure.communeCode ? reference.commune(structure.communeCode) : undefined;
  const area = structure.interventionArea;
  return {
    siret: structure.siret,
    name: structure.name,
    brand: structure.brand ?? '',
    kind: structure.kind,
    naf: structure.naf ?? '',
    address: structure.address ?? '',
    postCode: structure.postCode ?? '',
    commune: commune ? communeLabel(commune) : '',
    areaType: area.type,
    radiusKm: area.type === 'radius' ? String(area.radiusKm) : '50',
    departments: area.type === 'departments' ? departmentNames(area.codes) : '',
    regions: area.type === 'regions' ? [...area.codes] : [],
    sectors: [...structure.sectors],
    prestationTypes: [...structure.prestationTypes],
    description: structure.description ?? '',
    offers: withExtraRows(structure.offers.map((o) => ({ title: o.title, description: o.description ?? '' })), () => ({ title: '', description: '' })),
    clientReferences: withExtraRows(structure.clientReferences.map((r) => ({ name: r.name, year: numberText(r.year) })), () => ({ name: '', year: '' })),
    capacity: {
      annualRevenueEur: numberText(structure.capacity.annualRevenueEur),
      employees: numberText(structure.capacity.employees),
      insertionEmployees: numberText(structure.capacity.insertionEmployees),
      annualInsertionHours: numberText(structure.capacity.annualInsertionHours),
    },
    labels: structure.labels.join(', '),
    networks: structure.networks.join(', '),
    contact: { email: structure.contact.email ?? '', phone: structure.contact.phone ?? '', website: structure.contact.website ?? '' },
    openToCoContracting: structure.openToCoContracting,
  };
}

/** "a, b; c" or one per line → ["a", "b", "c"]. */
export function splitList(raw: string): string[] {
  return [...new Set(raw.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
}

export interface ParsedStructureForm {
  values: StructureFormValues;
  /** The contract body (create: every field; update: every field but the SIRET, blanks as null to clear). */
  body: Record<string, unknown>;
  /** Problems found before the DTO runs (a place that names no commune). */
  errors: FieldError[];
}

export function parseStructureForm(input: FormBody, mode: 'create' | 'update', reference: ReferenceLookup): ParsedStructureForm {
  const area = group(input, 'interventionArea');
  const capacity = group(input, 'capacity');
  const contact = group(input, 'contact');
  const offers = indexedGroups(input, 'offers').map((o) => ({ title: text(o, 'title'), description: text(o, 'description') }));
  const references = indexedGroups(input, 'clientReferences').map((r) => ({ name: text(r, 'name'), year: text(r, 'year') }));
  const values: StructureFormValues = {
    siret: text(input, 'siret'),
    name: text(input, 'name'),
    brand: text(input, 'brand'),
    kind: text(input, 'kind'),
    naf: text(input, 'naf'),
    address: text(input, 'address'),
    postCode: text(input, 'postCode'),
    commune: text(input, 'commune'),
    areaType: text(area, 'type') || 'radius',
    radiusKm: text(area, 'radiusKm'),
    departments: text(area, 'departments'),
    regions: list(area, 'regions'),
    sectors: list(input, 'sectors'),
    prestationTypes: list(input, 'prestationTypes'),
    description: text(input, 'description'),
    offers: [],
    clientReferences: [],
    capacity: {
      annualRevenueEur: text(capacity, 'annualRevenueEur'),
      employees: text(capacity, 'employees'),
      insertionEmployees: text(capacity, 'insertionEmployees'),
      annualInsertionHours: text(capacity, 'annualInsertionHours'),
    },
    labels: text(input, 'labels'),
    networks: text(input, 'networks'),
    contact: { email: text(contact, 'email'), phone: text(contact, 'phone'), website: text(contact, 'website') },
    openToCoContracting: checked(input, 'openToCoContracting'),
  };
  // Rows left blank are ignored; a half-filled row is sent so the DTO names its missing part.
  const filledOffers = offers.filter((o) => o.title || o.description);
  const filledReferences = references.filter((r) => r.name || r.year);
  values.offers = withExtraRows(filledOffers, () => ({ title: '', description: '' }));
  values.clientReferences = withExtraRows(filledReferences, () => ({ name: '', year: '' }));

  const errors: FieldError[] = [];
  const place = resolvePlace(values.commune, reference);
  if (place.error) errors.push({ field: 'commune', message: place.error });
  if (!values.commune) errors.push({ field: 'commune', message: 'Indiquez la commune du siège' });
  if (place.commune) values.commune = communeLabel(place.commune);

  // PATCH semantics: null clears an optional text; on creation a blank field is simply left out.
  const blank = mode === 'update' ? null : undefined;
  const optional = (source: FormBody, key: string) => optionalText(source, key) ?? blank;
  const yearOf = (raw: string) => (raw ? (/^\d{4}$/.test(raw) ? Number(raw) : Number.NaN) : undefined);

  let interventionArea: Record<string, unknown>;
  switch (values.areaType) {
    case 'national':
      interventionArea = { type: 'national' };
      break;
    case 'departments':
      interventionArea = { type: 'departments', codes: resolveDepartmentCodes(values.departments) };
      break;
    case 'regions':
      interventionArea = { type: 'regions', codes: values.regions };
      break;
    case 'radius':
      interventionArea = { type: 'radius', radiusKm: numberField(area, 'radiusKm') ?? Number.NaN };
      break;
    default:
      interventionArea = { type: values.areaType };
  }

  const body = compact({
    ...(mode === 'create' ? { siret: values.siret } : {}),
    name: values.name,
    brand: optional(input, 'brand'),
    kind: values.kind || undefined,
    naf: optional(input, 'naf'),
    address: optional(input, 'address'),
    postCode: optional(input, 'postCode'),
    // Unresolved places are caught above; the DTO still checks the code it gets.
    communeCode: place.commune?.code ?? (values.commune || undefined),
    interventionArea,
    sectors: values.sectors,
    prestationTypes: values.prestationTypes,
    description: optional(input, 'description'),
    offers: filledOffers.map((o) => compact({ title: o.title, description: o.description || undefined })),
    clientReferences: filledReferences.map((r) => compact({ name: r.name, year: yearOf(r.year) })),
    capacity: compact({
      annualRevenueEur: numberField(capacity, 'annualRevenueEur'),
      employees: numberField(capacity, 'employees'),
      insertionEmployees: numberField(capacity, 'insertionEmployees'),
      annualInsertionHours: numberField(capacity, 'annualInsertionHours'),
    }),
    labels: splitList(values.labels),
    networks: splitList(values.networks),
    contact: compact({ email: values.contact.email || undefined, phone: values.contact.phone || undefined, website: values.contact.website || undefined }),
    openToCoContracting: values.openToCoContracting,
  });
  return { values, body, errors };
}

/**
 * Puts the API's error paths on the form's inputs: the commune text field, and the area codes on the
 * departments field or the regions checkboxes depending on the chosen type.
 */
export function structureErrorsOnForm(errors: FieldError[], areaType: string): FieldError[] {
  const codesField = areaType === 'regions' ? 'interventionArea.regions' : 'interventionArea.departments';
  return renameErrorFields(errors, { communeCode: 'commune', 'interventionArea.codes': codesField, 'interventionArea.type': 'interventionArea.type' });
}

/** Labels of the error summary. */
export const STRUCTURE_FIELD_LABELS: Record<string, string> = {
  siret: 'SIRET',
  name: 'Raison sociale',
  brand: 'Nom commercial',
  kind: 'Type de structure',
  naf: 'Code NAF',
  address: 'Adresse',
  postCode: 'Code postal',
  commune: 'Commune du siège',
  'interventionArea.type': 'Zone d’intervention',
  'interventionArea.radiusKm': 'Rayon d’intervention',
  'interventionArea.departments': 'Départements d’intervention',
  'interventionArea.regions': 'Régions d’intervention',
  sectors: 'Secteurs d’activité',
  prestationTypes: 'Types de prestation',
  description: 'Présentation',
  'offers[].title': 'Prestation {1} – intitulé',
  'offers[].description': 'Prestation {1} – description',
  'clientReferences[].name': 'Référence {1} – client',
  'clientReferences[].year': 'Référence {1} – année',
  'capacity.annualRevenueEur': 'Chiffre d’affaires annuel',
  'capacity.employees': 'Nombre de salariés',
  'capacity.insertionEmployees': 'Salariés en parcours',
  'capacity.annualInsertionHours': 'Heures d’insertion par an',
  labels: 'Labels et certifications',
  networks: 'Réseaux',
  'contact.email': 'E-mail de contact',
  'contact.phone': 'Téléphone',
  'contact.website': 'Site web',
  openToCoContracting: 'Ouverture à la co-traitance',
};
