// The search page's GET form → the SearchQuery of libs/search (the same query the JSON API builds), the
// filters to repeat in pagination links, and the API parameters of the export links. Pure.
import { PRESTATION_TYPES, PrestationType, STRUCTURE_KINDS, StructureKind } from '@app/domain';
import type { FieldError } from '@app/common';
import { MAX_QUERY_LENGTH, MAX_RADIUS_KM, SEARCH_SORTS, SearchQuery, SearchSort, searchQuery } from '@app/search';
import { FormBody, checked, list, text } from './forms';
import { CommuneLike, ReferenceLookup, boundedInt, communeLabel, resolvePlace } from './presenters';

export const SEARCH_PER_PAGE = 20;
/** Radii offered in the place filter; "" means "structures whose intervention area covers the place". */
export const SEARCH_RADII = [5, 10, 20, 30, 50, 100, 200];

export interface SearchFormValues {
  q: string;
  kinds: string[];
  sectors: string[];
  prestationTypes: string[];
  commune: string;
  radiusKm: string;
  openToCoContracting: boolean;
  includeCompanies: boolean;
  /** false once the user asked to search a town typed in the text as words, not as the place. */
  placeFromText: boolean;
  sort: string;
  page: number;
}

export interface ParsedSearchForm {
  values: SearchFormValues;
  errors: FieldError[];
  /** Undefined when the form has errors: nothing is searched. */
  query?: SearchQuery;
  place?: CommuneLike;
  /** The filters as page links repeat them (pagination, facet links). */
  linkParams: Record<string, string | string[] | undefined>;
  /** The same filters as the JSON API names them (export links). */
  apiParams: Record<string, string | string[] | undefined>;
}

export function parseSearchForm(input: FormBody, reference: ReferenceLookup): ParsedSearchForm {
  const values: SearchFormValues = {
    q: text(input, 'q'),
    kinds: list(input, 'kinds'),
    sectors: list(input, 'sectors'),
    prestationTypes: list(input, 'prestationTypes'),
    commune: text(input, 'commune'),
    radiusKm: text(input, 'radiusKm'),
    openToCoContracting: checked(input, 'openToCoContracting'),
    includeCompanies: checked(input, 'includeCompanies'),
    placeFromText: text(input, 'placeFromText') !== 'false',
    sort: text(input, 'sort') || 'relevance',
    page: boundedInt(text(input, 'page'), 1, 1, 10_000),
  };
  const errors: FieldError[] = [];
  if (values.q.length > MAX_QUERY_LENGTH) errors.push({ field: 'q', message: `${MAX_QUERY_LENGTH} caractères au plus` });
  const unknownKinds = values.kinds.filter((k) => !STRUCTURE_KINDS.includes(k as StructureKind));
  if (unknownKinds.length) errors.push({ field: 'kinds', message: `Type de structure inconnu : ${unknownKinds.join(', ')}` });
  const knownSectors = new Set(reference.sectors().map((s) => s.code));
  const unknownSectors = values.sectors.filter((s) => !knownSectors.has(s));
  if (unknownSectors.length) errors.push({ field: 'sectors', message: `Secteur inconnu : ${unknownSectors.join(', ')}` });
  const unknownPrestations = values.prestationTypes.filter((p) => !PRESTATION_TYPES.includes(p as PrestationType));
  if (unknownPrestations.length) errors.push({ field: 'prestationTypes', message: `Type de prestation inconnu : ${unknownPrestations.join(', ')}` });

  let radiusKm: number | undefined;
  if (values.radiusKm) {
    radiusKm = Number(values.radiusKm);
    if (!Number.isFinite(radiusKm) || radiusKm <= 0 || radiusKm > MAX_RADIUS_KM) {
      errors.push({ field: 'radiusKm', message: `Le rayon doit être compris entre 1 et ${MAX_RADIUS_KM} km` });
      radiusKm = undefined;
    }
  }
  const resolved = resolvePlace(values.commune, reference);
  if (resolved.error) errors.push({ field: 'commune', message: resolved.error });
  if (radiusKm !== undefined && !resolved.commune && !resolved.error) {
    errors.push({ field: 'commune', message: 'Indiquez une commune pour chercher dans un rayon' });
  }
  if (!(SEARCH_SORTS as readonly string[]).includes(values.sort)) errors.push({ field: 'sort', message: 'Tri inconnu' });
  else if (values.sort === 'distance' && !resolved.commune && !resolved.error) {
    errors.push({ field: 'sort', message: 'Le tri par distance nécessite une commune' });
  }
  // Companies are never inclusive suppliers: asking for the COMPANY kind means including them.
  const includeCompanies = values.includeCompanies || values.kinds.includes('COMPANY');

  const place = resolved.commune;
  const placeRef = place && { code: place.code, name: place.name, department: place.department, region: place.region, location: place.location };
  const linkParams = {
    q: values.q || undefined,
    kinds: values.kinds,
    sectors: values.sectors,
    prestationTypes: values.prestationTypes,
    commune: place ? communeLabel(place) : values.commune || undefined,
    radiusKm: values.radiusKm || undefined,
    openToCoContracting: values.openToCoContracting ? 'on' : undefined,
    includeCompanies: values.includeCompanies ? 'on' : undefined,
    placeFromText: values.placeFromText ? undefined : 'false',
    sort: values.sort !== 'relevance' ? values.sort : undefined,
  };
  const apiParams = {
    q: values.q || undefined,
    kinds: values.kinds,
    sectors: values.sectors,
    prestationTypes: values.prestationTypes,
    ...(place ? (radiusKm !== undefined ? { near: place.code, radiusKm: String(radiusKm) } : { servesCommune: place.code }) : {}),
    openToCoContracting: values.openToCoContracting ? 'true' : undefined,
    inclusiveOnly: includeCompanies ? 'false' : undefined,
    placeFromText: values.placeFromText ? undefined : 'false',
    sort: values.sort !== 'relevance' ? values.sort : undefined,
  };
  if (errors.length) return { values, errors, place, linkParams, apiParams };

  const query = searchQuery({
    ...(values.q ? { q: values.q } : {}),
    ...(values.kinds.length ? { kinds: values.kinds as StructureKind[] } : {}),
    ...(values.sectors.length ? { sectors: values.sectors } : {}),
    ...(values.prestationTypes.length ? { prestationTypes: values.prestationTypes as PrestationType[] } : {}),
    // A radius asks where structures are; no radius asks who intervenes at the place (their declared area).
    ...(placeRef ? (radiusKm !== undefined ? { near: placeRef, radiusKm } : { servesCommune: placeRef }) : {}),
    ...(values.openToCoContracting ? { openToCoContracting: true } : {}),
    inclusiveOnly: !includeCompanies,
    placeFromText: values.placeFromText,
    sort: values.sort as SearchSort,
    page: values.page,
    perPage: SEARCH_PER_PAGE,
    facets: ['kind', 'sector', 'prestationType'],
  });
  return { values, errors, query, place, linkParams, apiParams };
}
