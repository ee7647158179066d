// Demo catalogue: generated EA / ESAT (and optionally ordinary companies) on real communes, because the
// register has no real disability-sector list. Always `source: "demo"`, deterministic for a given seed, and
// structure i is the same whatever the count (raising DEMO_STRUCTURES only adds structures).
import type { DataSource } from 'typeorm';
import { InterventionArea, PrestationType, StructureKind, hasValidLuhnKey } from '@app/domain';
import { enqueueStructureIndexing } from '@app/persistence';
import type { CommuneView, ReferenceIndex } from '@app/reference';
import { ProgressReporter, SILENT_PROGRESS } from './progress';
import { Random, createRandom } from './prng';
import { ImportColumn, ImportRecord, PLACED_STRUCTURE_COLUMNS, upsertImportedStructures } from './register-importer';

export const DEFAULT_DEMO_SEED = 2020;

/**
 * Demo SIRENs are "99" + a 6-digit index + a Luhn key: valid SIRETs in a range INSEE has not reached
 * (the register has none), so they cannot collide with real structures.
 */
export const DEMO_SIREN_PREFIX = '99';
export const MAX_DEMO_STRUCTURES = 1_000_000;

export interface DemoOptions {
  count: number;
  seed?: number;
  /** Share of ordinary companies (kind COMPANY) among the generated structures; 0 by default. */
  companyShare?: number;
}

interface Profile {
  theme: string;
  sectors: string[];
  offers: string[];
  prestationTypes: PrestationType[];
}

// What EA and ESAT really do (Réseau Gesat's usual activities), mapped to our taxonomy.
const DISABILITY_PROFILES: Profile[] = [
  { theme: 'Espaces Verts', sectors: ['entretien-espaces-verts', 'elagage-abattage', 'creation-paysagere'], offers: ['Tonte et débroussaillage', 'Taille de haies', 'Entretien de parcs et jardins'], prestationTypes: ['PREST'] },
  { theme: 'Propreté', sectors: ['nettoyage-locaux', 'nettoyage-vitres', 'entretien-parties-communes'], offers: ['Nettoyage de bureaux', 'Lavage de vitres', 'Entretien des parties communes'], prestationTypes: ['PREST'] },
  { theme: 'Blanchisserie', sectors: ['blanchisserie', 'repassage-pressing'], offers: ['Blanchisserie du linge plat', 'Entretien des vêtements de travail'], prestationTypes: ['PREST'] },
  { theme: 'Restauration', sectors: ['restauration-collective', 'traiteur', 'portage-livraison-repas'], offers: ['Plateaux-repas et buffets', 'Restauration d’entreprise'], prestationTypes: ['PREST', 'BUILD'] },
  { theme: 'Conditionnement', sectors: ['conditionnement', 'logistique-entreposage', 'routage-mise-sous-pli'], offers: ['Conditionnement à façon', 'Mise sous pli et routage', 'Stockage et préparation de commandes'], prestationTypes: ['PREST'] },
  { theme: 'Numérique', sectors: ['saisie-donnees', 'numerisation-archivage', 'reconditionnement-informatique'], offers: ['Numérisation d’archives', 'Saisie de données', 'Reconditionnement de postes informatiques'], prestationTypes: ['PREST'] },
  { theme: 'Imprimerie', sectors: ['imprimerie', 'reprographie', 'faconnage-reliure'], offers: ['Impression offset et numérique', 'Reliure et façonnage'], prestationTypes: ['PREST', 'BUILD'] },
  { theme: 'Sous-traitance industrielle', sectors: ['sous-traitance-industrielle', 'cablage-electronique'], offers: ['Assemblage de sous-ensembles', 'Câblage de faisceaux'], prestationTypes: ['BUILD'] },
  { theme: 'Bois', sectors: ['menuiserie-ebenisterie', 'palettes-emballages-bois', 'fabrication-mobilier'], offers: ['Fabrication de palettes', 'Mobilier sur mesure'], prestationTypes: ['BUILD'] },
  { theme: 'Maraîchage', sectors: ['maraichage', 'horticulture-pepiniere', 'paniers-bio'], offers: ['Légumes de saison', 'Plants et fleurs'], prestationTypes: ['BUILD'] },
  { theme: 'Accueil', sectors: ['centre-appels', 'accueil-hotesses'], offers: ['Accueil téléphonique', 'Standard externalisé'], prestationTypes: ['PREST'] },
  { theme: 'Couture', sectors: ['couture-confection', 'retouche-reparation-textile'], offers: ['Confection de vêtements de travail', 'Retouches'], prestationTypes: ['BUILD'] },
  { theme: 'Recyclage', sectors: ['tri-dechets', 'collecte-papiers-destruction', 'reemploi-materiaux'], offers: ['Destruction confidentielle de documents', 'Tri de déchets de bureau'], prestationTypes: ['PREST'] },
];

// Ordinary companies that answer tenders with inclusive partners.
const COMPANY_PROFILES: Profile[] = [
  { theme: 'Bâtiment', sectors: ['renovation-batiment', 'peinture', 'platrerie-cloisons'], offers: ['Rénovation de locaux', 'Peinture intérieure'], prestationTypes: ['PREST'] },
  { theme: 'Électricité', sectors: ['electricite', 'plomberie-chauffage'], offers: ['Installations électriques', 'Maintenance CVC'], prestationTypes: ['PREST'] },
  { theme: 'Nettoyage', sectors: ['nettoyage-locaux', 'nettoyage-industriel'], offers: ['Nettoyage tertiaire', 'Nettoyage industriel'], prestationTypes: ['PREST'] },
  { theme: 'Transports', sectors: ['transport-marchandises', 'demenagement'], offers: ['Messagerie régionale', 'Déménagements de bureaux'], prestationTypes: ['PREST'] },
  { theme: 'Informatique', sectors: ['developpement-web', 'assistance-informatique'], offers: ['Développement d’applications', 'Infogérance'], prestationTypes: ['PREST'] },
  { theme: 'Restauration', sectors: ['restauration-collective'], offers: ['Gestion de restaurants collectifs'], prestationTypes: ['PREST'] },
  { theme: 'Paysage', sectors: ['creation-paysagere', 'entretien-espaces-verts'], offers: ['Aménagements paysagers'], prestationTypes: ['PREST'] },
];

const ESAT_NAMES = ['ESAT Les Ateliers de {commune}', 'ESAT {theme} de {commune}', 'ESAT Le Pont de {commune}', 'ESAT Les Tilleuls', 'ESAT La Source', 'ESAT Les Iris', 'ESAT de {commune}'];
const EA_NAMES = ['EA {theme} {commune}', '{commune} {theme} Adaptée', 'Entreprise adaptée Horizon {theme}', 'EA Cap {theme}', 'EA Les Compagnons de {commune}', 'Solidaires {theme}'];
const COMPANY_NAMES = ['{surname} {theme}', '{surname} et Fils', 'Groupe {surname}', '{commune} {theme} Services', '{surname} {theme} SAS'];
const SURNAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Mercier'];
const STREETS = ['rue de la République', 'avenue Jean Jaurès', 'rue Victor Hugo', 'rue des Artisans', 'zone d’activités des Prés', 'rue de l’Industrie', 'boulevard Pasteur', 'chemin des Vignes'];

export function demoSiret(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_DEMO_STRUCTURES) throw new RangeError(`demo index out of range: ${index}`);
  const siren = withLuhnKey(`${DEMO_SIREN_PREFIX}${String(index).padStart(6, '0')}`);
  return withLuhnKey(`${siren}0001`);
}

/** Appends the digit that makes the whole string pass the Luhn check. */
function withLuhnKey(partial: string): string {
  for (let digit = 0; digit <= 9; digit++) if (hasValidLuhnKey(`${partial}${digit}`)) return `${partial}${digit}`;
  throw new Error('unreachable: one Luhn digit always fits');
}

/** Cumulative population weights, to draw communes as people live (Paris more often than a hamlet). */
export class CommuneSampler {
  private readonly communes: CommuneView[];
  private readonly cumulative: number[];

  constructor(reference: ReferenceIndex) {
    // Arrondissements would count Paris, Lyon and Marseille twice: whole communes only.
    this.communes = reference.allCommunes.filter((c) => c.type === 'commune-actuelle' && (c.population ?? 0) > 0);
    let total = 0;
    this.cumulative = this.communes.map((c) => (total += c.population!));
  }

  draw(random: Random): CommuneView {
    const target = random.next() * this.cumulative[this.cumulative.length - 1];
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle] > target) high = middle;
      else low = middle + 1;
    }
    return this.communes[low];
  }
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
}

/** Mixes the seed and the index so each structure has its own stream (independent of the count). */
function structureSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/** Pure: the `count` first demo structures for this seed, as rows for the importer's upsert. */
export function generateDemoStructures(reference: ReferenceIndex, options: DemoOptions): ImportRecord[] {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const companyShare = options.companyShare ?? 0;
  const sampler = new CommuneSampler(reference);
  const known = (profile: Profile): Profile => ({ ...profile, sectors: profile.sectors.filter((code) => reference.sector(code)) });
  const disability = DISABILITY_PROFILES.map(known).filter((p) => p.sectors.length);
  const companies = COMPANY_PROFILES.map(known).filter((p) => p.sectors.length);
  const rows: ImportRecord[] = [];
  for (let index = 0; index < options.count; index++) {
    const random = createRandom(structureSeed(seed, index));
    const kind: StructureKind = random.chance(companyShare) ? 'COMPANY' : random.chance(0.55) ? 'EA' : 'ESAT';
    const profile = random.pick(kind === 'COMPANY' ? companies : disability);
    const commune = sampler.draw(random);
    const template = random.pick(kind === 'ESAT' ? ESAT_NAMES : kind === 'EA' ? EA_NAMES : COMPANY_NAMES);
    const name = fill(template, { commune: commune.name, theme: profile.theme, surname: random.pick(SURNAMES) });
    const sectors = profile.sectors.filter((_, i) => i === 0 || random.chance(0.6));
    const employees = kind === 'COMPANY' ? random.int(10, 400) : random.int(12, 140);
    // EA: at least 55 % of disabled workers (domain rules §2); ESAT: almost all of its workers.
    const insertionEmployees = kind === 'COMPANY' ? 0 : Math.round(employees * (kind === 'EA' ? 0.55 + random.next() * 0.35 : 0.85 + random.next() * 0.1));
    const revenuePerEmployee = kind === 'COMPANY' ? random.int(70, 160) : random.int(25, 60);
    const area: InterventionArea = random.chance(0.6)
      ? { type: 'radius', radiusKm: random.pick([20, 30, 50, 80, 100]) }
      : random.chance(0.75)
        ? { type: 'departments', codes: [commune.department] }
        : { type: 'regions', codes: [commune.region] };
    const site = slug(name);
    const sectorLabels = sectors.map((code) => reference.sector(code)!.label.toLowerCase()).join(', ');
    const what = kind === 'ESAT' ? 'Établissement et service d’aide par le travail' : kind === 'EA' ? 'Entreprise adaptée' : 'Entreprise';
    rows.push({
      siret: demoSiret(index),
      kind,
      siren: demoSiret(index).slice(0, 9),
      name,
      brand: null,
      naf: reference.sector(sectors[0])!.nafCodes[0] ?? null,
      address: `${random.int(1, 120)} ${random.pick(STREETS)}`,
      post_code: commune.postCodes[0] ?? null,
      city: commune.name,
      commune_code: commune.code,
      department: commune.department,
      region: commune.region,
      // Within ~2 km of the commune centre, so structures of one town do not sit on one point.
      lat: Number((commune.location.lat + (random.next() - 0.5) * 0.03).toFixed(6)),
      lon: Number((commune.location.lon + (random.next() - 0.5) * 0.04).toFixed(6)),
      intervention_area: area,
      intervention_area_is_default: false,
      sectors: sectors.map((code) => ({ code, inferred: false })),
      prestation_types: profile.prestationTypes,
      description: `${what} de démonstration à ${commune.name} : ${employees} salariés${insertionEmployees ? `, dont ${insertionEmployees} travailleurs en situation de handicap` : ''}. Activités : ${sectorLabels}.`,
      offers: profile.offers.filter((_, i) => i === 0 || random.chance(0.7)).map((title) => ({ title })),
      client_references: random.chance(0.5) ? [{ name: `Mairie de ${commune.name}`, year: random.int(2018, 2025) }] : [],
      capacity: {
        annualRevenueEur: employees * revenuePerEmployee * 1000,
        employees,
        ...(kind === 'COMPANY' ? {} : { insertionEmployees, annualInsertionHours: insertionEmployees * random.int(900, 1500) }),
      },
      labels: [],
      networks: kind === 'COMPANY' ? [] : random.chance(0.5) ? ['Réseau Gesat'] : [],
      // Reserved documentation domain (RFC 2606): clearly not a real contact.
      contact: { email: `contact@${site}.example`, website: `https://${site}.example` },
      open_to_co_contracting: random.chance(0.7),
      flags: [],
    });
  }
  return rows;
}

const DEMO_COLUMNS: readonly ImportColumn[] = [
  ...PLACED_STRUCTURE_COLUMNS,
  'description',
  'offers',
  'client_references',
  'capacity',
  'labels',
  'networks',
  'contact',
  'open_to_co_contracting',
  'flags',
];

export interface DemoSummary {
  count: number;
  seed: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  ms: number;
}

export class DemoGenerator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceIndex,
  ) {}

  /** Idempotent: a second run with the same options changes nothing. */
  async generate(options: DemoOptions, progress: ProgressReporter = SILENT_PROGRESS): Promise<DemoSummary> {
    const started = Date.now();
    const seed = options.seed ?? DEFAULT_DEMO_SEED;
    const rows = generateDemoStructures(this.reference, { ...options, seed });
    const summary: DemoSummary = { count: rows.length, seed, inserted: 0, updated: 0, unchanged: 0, skipped: 0, ms: 0 };
    progress.start(rows.length);
    try {
      await this.dataSource.transaction(async (manager) => {
        for (let offset = 0; offset < rows.length; offset += 1000) {
          const batch = rows.slice(offset, offset + 1000);
          const result = await upsertImportedStructures(manager, 'demo', DEMO_COLUMNS, batch);
          summary.inserted += result.inserted.length;
          summary.updated += result.updated.length;
          summary.skipped += result.skipped;
          await enqueueStructureIndexing(manager, [...result.inserted, ...result.updated]);
          progress.advance(batch.length);
        }
      });
    } finally {
      progress.stop();
    }
    summary.unchanged = rows.length - summary.inserted - summary.updated - summary.skipped;
    summary.ms = Date.now() - started;
    return summary;
  }
}
