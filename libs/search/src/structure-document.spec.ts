import type { StructureEntity } from '@app/persistence';
import { DocumentReference, buildStructureDocument, documentArea, weightedText } from './structure-document';

const reference: DocumentReference = {
  sector: (code) => (code === 'nettoyage-locaux' ? { label: 'Nettoyage de locaux', group: 'PROPRETE', keywords: ['nettoyage', 'nettoyage de bureaux'] } : undefined),
  sectorGroup: (code) => (code === 'PROPRETE' ? { label: 'Propreté et hygiène' } : undefined),
  communeName: (code) => (code === '69383' ? 'Lyon 3e Arrondissement' : undefined),
  departmentName: (code) => (code === '69' ? 'Rhône' : undefined),
  regionName: (code) => (code === '84' ? 'Auvergne-Rhône-Alpes' : undefined),
};

const structure = (overrides: Partial<StructureEntity> = {}): StructureEntity =>
  ({
    id: 'b6d6c1a4-0000-4000-8000-000000000001', siret: '80746931700018', siren: '807469317', name: 'Élan Propreté', brand: ' ', kind: 'EI',
    communeCode: '69383', city: 'LYON', department: '69', region: '84', lat: 45.76, lon: 4.85,
    interventionArea: { type: 'radius', radiusKm: 30 }, sectors: [{ code: 'nettoyage-locaux', inferred: true }, { code: 'inconnu', inferred: true }],
    prestationTypes: ['PREST'], description: 'Nettoyage de bureaux', offers: [{ title: 'Vitres', description: 'Lavage' }],
    capacity: { annualRevenueEur: 500000 }, contact: { website: 'https://elan.example.org' }, openToCoContracting: true, delistedAt: null,
    ...overrides,
  }) as StructureEntity;

describe('buildStructureDocument', () => {
  it('carries display fields, taxonomy labels, group labels, keywords and place names', () => {
    const doc = buildStructureDocument(structure(), reference)!;
    expect(doc).toMatchObject({
      name: 'Élan Propreté', brand: null, nameSort: 'elan proprete', inclusive: true, communeName: 'Lyon 3e Arrondissement', departmentName: 'Rhône',
      regionName: 'Auvergne-Rhône-Alpes', sectors: ['nettoyage-locaux', 'inconnu'], sectorLabels: ['Nettoyage de locaux'],
      sectorGroups: ['Propreté et hygiène'], sectorKeywords: ['nettoyage', 'nettoyage de bureaux'], offerTitles: ['Vitres'],
      offerDescriptions: ['Lavage'], annualRevenueEur: 500000, website: 'https://elan.example.org', location: { lat: 45.76, lon: 4.85 },
      area: { type: 'radius', radiusKm: 30, departments: [], regions: [] },
    });
  });

  it('leaves delisted structures out, and never lists COMPANY as inclusive', () => {
    expect(buildStructureDocument(structure({ delistedAt: new Date() }), reference)).toBeNull();
    expect(buildStructureDocument(structure({ kind: 'COMPANY' }), reference)!.inclusive).toBe(false);
  });

  it('has no location without coordinates, and falls back to the register city for the commune name', () => {
    const doc = buildStructureDocument(structure({ lat: null, lon: null, communeCode: null }), reference)!;
    expect(doc.location).toBeNull();
    expect(doc.communeName).toBe('LYON');
  });

  it('normalises intervention areas the way areaCovers reads them', () => {
    expect(documentArea({ type: 'radius', radiusKm: 0 })).toEqual({ type: 'radius', radiusKm: 50, departments: [], regions: [] });
    expect(documentArea({ type: 'departments', codes: ['1', '2a', '01'] })).toEqual({ type: 'departments', radiusKm: null, departments: ['01', '2A'], regions: [] });
    expect(documentArea({ type: 'regions', codes: ['84'] }).regions).toEqual(['84']);
    expect(documentArea({ type: 'national' }).type).toBe('national');
  });

  it('weights name and brand over sectors and place, over groups and keywords, over the description', () => {
    const text = weightedText(buildStructureDocument(structure({ brand: 'Élan' }), reference)!);
    expect(text.A).toBe('Élan Propreté Élan');
    expect(text.B).toContain('Nettoyage de locaux');
    expect(text.B).toContain('Lyon 3e Arrondissement');
    expect(text.C).toBe('proprete et hygiene nettoyage de bureaux vitres'); // each word once
    expect(text.D).toContain('rhone');
  });
});
