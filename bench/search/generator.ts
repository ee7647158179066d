// Deterministic catalogue for the search bench: structures on real communes drawn by population, with
// sectors, offers and descriptions from the product's taxonomy. Same seed, same structures, on any machine.
import { hasValidLuhnKey, type InterventionArea, type PrestationType, type StructureKind } from '@app/domain';
import { CommuneSampler, type ImportColumn, type ImportRecord, createRandom, type Random } from '@app/catalogue';
import { type CommuneView, type ReferenceIndex, SECTORS } from '@app/reference';

export const BENCH_SEED = 3003;
/** Columns the bench writes through the catalogue's bulk upsert (source "demo"). */
export const BENCH_COLUMNS: readonly ImportColumn[] = [
  'siren', 'name', 'brand', 'naf', 'address', 'post_code', 'city', 'commune_code', 'department', 'region', 'lat', 'lon',
  'intervention_area', 'intervention_area_is_default', 'sectors', 'prestation_types', 'description', 'offers', 'capacity',
  'contact', 'open_to_co_contracting', 'flags',
];

/** Roughly the register's mix, with the disability kinds a real catalogue adds. */
const KINDS: [StructureKind, number][] = [
  ['ACI', 34], ['EI', 24], ['AI', 11], ['ETTI', 8], ['GEIQ', 4], ['EA', 9], ['ESAT', 7], ['EITI', 1], ['EATT', 1], ['COMPANY', 1],
];
const PREFIXES = ['Atelier', 'Chantier', 'Association', 'Solidarité', 'Régie', 'Coop', 'Tremplin', 'Avenir', 'Horizon', 'Cap', 'Pôle', 'Passerelle', 'Relais', 'Entraide', 'Les Compagnons'];
const SUFFIXES = ['Insertion', 'Services', 'Solidaire', 'Emploi', 'Environnement', 'et Compagnie', 'Plus', ''];
const RADII = [15, 20, 30, 30, 50, 50, 50, 80, 100];

function withLuhnKey(partial: string): string {
  for (let digit = 0; digit <= 9; digit++) if (hasValidLuhnKey(`${partial}${digit}`)) return `${partial}${digit}`;
  throw new Error('unreachable');
}

/** Valid SIRETs in a range of their own ("98" + index), apart from the register and the demo catalogue ("99"). */
export function benchSiret(index: number): string {
  const siren = withLuhnKey(`98${String(index).padStart(6, '0')}`);
  return withLuhnKey(`${siren}0001`);
}

function weighted<T>(random: Random, items: [T, number][]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let target = random.next() * total;
  for (const [item, weight] of items) if ((target -= weight) < 0) return item;
  return items[items.length - 1][0];
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function prestationTypes(kind: StructureKind, random: Random): PrestationType[] {
  if (kind === 'AI' || kind === 'ETTI' || kind === 'GEIQ' || kind === 'EATT') return ['DISP'];
  if (kind === 'EA' || kind === 'ESAT') return random.chance(0.5) ? ['PREST', 'BUILD'] : ['PREST'];
  return random.chance(0.2) ? ['PREST', 'BUILD'] : ['PREST'];
}

function area(commune: CommuneView, random: Random): InterventionArea {
  const roll = random.next();
  if (roll < 0.7) return { type: 'radius', radiusKm: random.pick(RADII) };
  if (roll < 0.85) return { type: 'departments', codes: [commune.department] };
  if (roll < 0.95) return { type: 'regions', codes: [commune.region] };
  return { type: 'national' };
}

/** Rows `from` … `to - 1` of the bench catalogue (each row depends on the seed and its index only). */
export function generateBenchStructures(reference: ReferenceIndex, from: number, to: number, seed = BENCH_SEED): ImportRecord[] {
  const sampler = new CommuneSampler(reference);
  const sectors = SECTORS.filter((s) => reference.sector(s.code));
  const rows: ImportRecord[] = [];
  for (let index = from; index < to; index++) {
    const random = createRandom((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
    const kind = weighted(random, KINDS);
    const commune = sampler.draw(random);
    const main = random.pick(sectors);
    const chosen = [main];
    const sameGroup = sectors.filter((s) => s.group === main.group && s.code !== main.code);
    if (sameGroup.length && random.chance(0.5)) chosen.push(random.pick(sameGroup));
    if (random.chance(0.2)) chosen.push(random.pick(sectors));
    const codes = [...new Set(chosen.map((s) => s.code))];
    const theme = capitalise(random.pick(main.keywords.filter((k) => k.length > 3)) ?? main.label);
    const name =
      kind === 'ESAT'
        ? `ESAT ${random.pick(['Les Ateliers de', 'Le Pont de', 'La Source de', 'Les Iris de'])} ${commune.name}`
        : kind === 'EA'
          ? `EA ${theme} ${commune.name}`
          : kind === 'GEIQ'
            ? `GEIQ ${theme} ${reference.department(commune.department)?.name ?? commune.department}`
            : `${random.pick(PREFIXES)} ${theme} ${random.chance(0.5) ? commune.name : random.pick(SUFFIXES)}`.trim();
    const keywords = [...new Set(chosen.flatMap((s) => s.keywords))];
    const some = (n: number) => Array.from({ length: n }, () => random.pick(keywords));
    const lat = commune.location.lat + (random.next() - 0.5) * 0.02;
    const lon = commune.location.lon + (random.next() - 0.5) * 0.02;
    const siret = benchSiret(index);
    rows.push({
      siret,
      kind,
      siren: siret.slice(0, 9),
      name,
      brand: random.chance(0.15) ? `${theme} ${random.pick(SUFFIXES) || 'Solidaire'}` : null,
      naf: main.nafCodes[0] ?? null,
      address: `${random.int(1, 120)} rue de la République`,
      post_code: commune.postCodes[0] ?? null,
      city: commune.name,
      commune_code: commune.code,
      department: commune.department,
      region: commune.region,
      lat: Math.round(lat * 1e6) / 1e6,
      lon: Math.round(lon * 1e6) / 1e6,
      intervention_area: area(commune, random),
      intervention_area_is_default: false,
      sectors: codes.map((code) => ({ code, inferred: false })),
      prestation_types: prestationTypes(kind, random),
      description: `${chosen.map((s) => s.label).join(', ')}. ${capitalise(some(3).join(', '))} pour les collectivités et les entreprises ${random.chance(0.5) ? `de ${commune.name}` : 'du territoire'}${random.chance(0.3) ? ', avec des salariés en parcours d’insertion' : ''}.`,
      offers: some(random.int(1, 2)).map((k) => ({ title: capitalise(k) })),
      capacity: random.chance(0.8) ? { annualRevenueEur: Math.round(Math.exp(11 + random.next() * 4.5) / 1000) * 1000, employees: random.int(3, 150) } : {},
      contact: random.chance(0.5) ? { website: `https://structure-${index}.example.org` } : {},
      open_to_co_contracting: random.chance(0.4),
      flags: [],
    });
  }
  return rows;
}
