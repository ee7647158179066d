// Structures for search tests, written the way the catalogue writes them: the row and its outbox entry in
// one transaction. Locations, departments and regions come from the reference communes.
import type { DataSource } from 'typeorm';
import type { InterventionArea, PrestationType, StructureKind } from '@app/domain';
import { StructureEntity, enqueueStructureIndexing } from '@app/persistence';
import { ReferenceIndex } from '@app/reference';

export interface StructureFixture {
  key: string;
  name: string;
  kind: StructureKind;
  /** INSEE code; null = a register row without location. */
  commune: string | null;
  sectors: string[];
  prestationTypes?: PrestationType[];
  area?: InterventionArea;
  brand?: string;
  description?: string;
  offers?: { title: string; description?: string }[];
  openToCoContracting?: boolean;
  annualRevenueEur?: number;
  website?: string;
  delisted?: boolean;
}

let siretCounter = 0;
/** 14 digits, unique within the run (the database does not check the Luhn key). */
export function fixtureSiret(): string {
  siretCounter += 1;
  return `9${String(process.pid % 100000).padStart(5, '0')}${String(siretCounter).padStart(8, '0')}`;
}

export function fixtureEntity(dataSource: DataSource, fixture: StructureFixture): StructureEntity {
  const commune = fixture.commune ? ReferenceIndex.shared().commune(fixture.commune) : undefined;
  if (fixture.commune && !commune) throw new Error(`unknown commune ${fixture.commune}`);
  const siret = fixtureSiret();
  return dataSource.getRepository(StructureEntity).create({
    siret,
    siren: siret.slice(0, 9),
    name: fixture.name,
    brand: fixture.brand ?? null,
    kind: fixture.kind,
    communeCode: commune?.code ?? null,
    city: commune?.name ?? null,
    department: commune?.department ?? null,
    region: commune?.region ?? null,
    lat: commune?.location.lat ?? null,
    lon: commune?.location.lon ?? null,
    interventionArea: fixture.area ?? { type: 'radius', radiusKm: 50 },
    sectors: fixture.sectors.map((code) => ({ code, inferred: false })),
    prestationTypes: fixture.prestationTypes ?? ['PREST'],
    description: fixture.description ?? null,
    offers: fixture.offers ?? [],
    capacity: fixture.annualRevenueEur !== undefined ? { annualRevenueEur: fixture.annualRevenueEur } : {},
    contact: fixture.website ? { website: fixture.website } : {},
    openToCoContracting: fixture.openToCoContracting ?? false,
    source: 'self',
    delistedAt: fixture.delisted ? new Date() : null,
  });
}

/** Inserts the fixtures and their outbox rows in one transaction; returns the saved rows by key. */
export async function insertStructures(dataSource: DataSource, fixtures: StructureFixture[]): Promise<Record<string, StructureEntity>> {
  return dataSource.transaction(async (manager) => {
    const saved: Record<string, StructureEntity> = {};
    for (const fixture of fixtures) saved[fixture.key] = await manager.save(fixtureEntity(dataSource, fixture));
    await enqueueStructureIndexing(manager, Object.values(saved).map((s) => s.id));
    return saved;
  });
}

/** The catalogue used by the search contract suite: a small France of inclusive suppliers. */
export const SEARCH_FIXTURES: StructureFixture[] = [
  {
    key: 'lyonClean', name: 'Lyon Propreté Insertion', kind: 'EI', commune: '69383', sectors: ['nettoyage-locaux'],
    area: { type: 'radius', radiusKm: 30 }, description: "Nettoyage de bureaux, d'écoles et de gymnases", openToCoContracting: true,
    annualRevenueEur: 800_000, website: 'https://lyon-proprete.example.org',
  },
  {
    key: 'villeurbanneClean', name: "Net'Services Villeurbanne", kind: 'ACI', commune: '69266', sectors: ['nettoyage-locaux', 'nettoyage-vitres'],
    area: { type: 'radius', radiusKm: 20 }, offers: [{ title: 'Entretien des locaux', description: 'Ménage quotidien des bureaux' }],
    annualRevenueEur: 150_000,
  },
  {
    key: 'marseilleClean', name: 'Marseille Nettoyage Solidaire', kind: 'EI', commune: '13055', sectors: ['nettoyage-locaux'],
    description: 'Nettoyage de locaux professionnels et de parties communes', openToCoContracting: true, annualRevenueEur: 2_000_000,
  },
  {
    key: 'greenRhone', name: 'Jardins du Rhône', kind: 'ACI', commune: '69259', sectors: ['entretien-espaces-verts', 'elagage-abattage'],
    area: { type: 'departments', codes: ['69', '01'] }, description: 'Entretien des espaces verts, tonte et élagage pour les collectivités',
    annualRevenueEur: 400_000,
  },
  {
    key: 'bikes', name: 'Atelier Vélo Solidaire', brand: 'Cyclo Recup', kind: 'EI', commune: '38185', sectors: ['reparation-velos'],
    prestationTypes: ['BUILD', 'PREST'], area: { type: 'national' }, openToCoContracting: true,
  },
  {
    key: 'interim', name: 'Intérim Insertion Loire', kind: 'ETTI', commune: '42218', sectors: ['interim-insertion'],
    prestationTypes: ['DISP'], area: { type: 'regions', codes: ['84'] }, annualRevenueEur: 3_500_000,
  },
  {
    key: 'caterer', name: 'Saveurs Partagées', kind: 'EI', commune: '75056', sectors: ['traiteur'], area: { type: 'radius', radiusKm: 10 },
    description: 'Traiteur solidaire : buffets, plateaux repas et cocktails', openToCoContracting: true, annualRevenueEur: 1_200_000,
  },
  {
    key: 'company', name: 'Dupont Nettoyage SAS', kind: 'COMPANY', commune: '69381', sectors: ['nettoyage-locaux'], annualRevenueEur: 9_000_000,
  },
  { key: 'delisted', name: 'Ancienne Propreté Lyon', kind: 'EI', commune: '69382', sectors: ['nettoyage-locaux'], delisted: true },
  {
    key: 'esat', name: "ESAT Les Ateliers de l'Ouest", kind: 'ESAT', commune: '44109', sectors: ['blanchisserie', 'conditionnement'],
    prestationTypes: ['PREST', 'BUILD'], area: { type: 'radius', radiusKm: 80 }, description: 'Blanchisserie industrielle et conditionnement à façon',
  },
  {
    key: 'odd', name: `O'Brien & Fils "Nettoyage" 100% _test_ \\ ; DROP`, kind: 'EA', commune: '59350', sectors: ['nettoyage-locaux'],
    description: 'Entreprise adaptée de propreté',
  },
  { key: 'nowhere', name: 'Propreté Sans Adresse', kind: 'AI', commune: null, sectors: ['nettoyage-locaux'], prestationTypes: ['DISP'] },
];
