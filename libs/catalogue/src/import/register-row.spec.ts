import { inferSectors } from '@app/reference';
import { fixtureReference } from '../testing/reference-fixture';
import { ImportedStructure, RegisterRow, RowMappingContext, inferPrestationTypes, mapRegisterRow } from './register-row';

const context: RowMappingContext = { reference: fixtureReference(), inferSectors: (input) => inferSectors(input).map((s) => s.code) };

const BALUCHON: RegisterRow = {
  siret: '80746931700018',
  name: 'BALUCHON A TABLE CITOYENS',
  brand: 'Baluchon-À table citoyens',
  kind: 'EI',
  naf: '5621Z',
  address: 'Rue Madeleine Odru',
  post_code: '93230',
  city: 'Romainville',
  department: '93',
  code_insee: '93063',
  lat: '48.88053',
  lon: '2.431955',
  website: 'http://www.baluchon.fr',
};

function map(row: Partial<RegisterRow>): ImportedStructure {
  const result = mapRegisterRow({ ...BALUCHON, ...row }, context);
  if (!result.ok) throw new Error(result.reason);
  return result.structure;
}

describe('mapRegisterRow (SIAE register 2020 → structure)', () => {
  it('maps a clean row: register facts, commune data, 50 km default area, inferred sectors, no flags', () => {
    const structure = map({});
    expect(structure).toMatchObject({
      siret: '80746931700018',
      siren: '807469317',
      name: 'BALUCHON A TABLE CITOYENS',
      brand: 'Baluchon-À table citoyens',
      kind: 'EI',
      naf: '5621Z',
      post_code: '93230',
      commune_code: '93063',
      department: '93',
      region: '11',
      lat: 48.88053,
      lon: 2.431955,
      intervention_area: { type: 'radius', radiusKm: 50 },
      intervention_area_is_default: true,
      prestation_types: ['PREST'],
      contact: { website: 'http://www.baluchon.fr' },
      open_to_co_contracting: false,
      flags: [],
    });
    expect(structure.sectors.length).toBeGreaterThan(0);
    expect(structure.sectors.every((s) => s.inferred)).toBe(true);
  });

  it('keeps a row whose SIRET fails the Luhn check, flagged, with the SIREN of its first 9 digits', () => {
    const structure = map({ siret: '12345678901234', name: 'GEIQ Vertigo Films', kind: 'GEIQ' });
    expect(structure.flags).toEqual(['INVALID_SIRET']);
    expect(structure.siren).toBe('123456789');
  });

  it('places a row without coordinates at its commune centre and flags it', () => {
    const structure = map({ lat: '', lon: '' });
    expect(structure.flags).toEqual(['MISSING_LOCATION']);
    expect({ lat: structure.lat, lon: structure.lon }).toEqual({ lat: 48.8846, lon: 2.4349 });
  });

  it('finds the commune from town and department when the INSEE code is missing (abbreviations, CEDEX)', () => {
    const structure = map({ code_insee: '', city: 'ST AMAND MONTROND', department: '18', post_code: '18200', lat: '', lon: '' });
    expect(structure).toMatchObject({ commune_code: '18197', department: '18', region: '24', flags: ['MISSING_LOCATION'] });
    expect(map({ code_insee: '', city: 'Strasbourg Cedex 2', department: '67' }).commune_code).toBe('67482');
  });

  it('flags an unknown commune and keeps the register department; without coordinates the location stays empty', () => {
    const structure = map({ code_insee: '99999', city: 'Nulle-Part', department: '69', lat: '', lon: '' });
    expect(structure).toMatchObject({ commune_code: null, department: '69', region: '84', lat: null, lon: null });
    expect(structure.flags).toEqual(['UNKNOWN_COMMUNE', 'MISSING_LOCATION']);
    // The same town name in another department is not a match.
    expect(map({ code_insee: '', city: 'Strasbourg', department: '69' }).flags).toContain('UNKNOWN_COMMUNE');
  });

  it('ignores coordinates that are not numbers or out of range', () => {
    expect(map({ lat: 'abc' }).flags).toContain('MISSING_LOCATION');
    expect(map({ lat: '148.9' }).flags).toContain('MISSING_LOCATION');
  });

  it('normalises NAF codes and infers prestation types from the kind (V21)', () => {
    expect(map({ naf: '4779z' }).naf).toBe('4779Z');
    expect(map({ naf: '' }).naf).toBeNull();
    expect(inferPrestationTypes('AI')).toEqual(['DISP']);
    expect(inferPrestationTypes('ETTI')).toEqual(['DISP']);
    expect(inferPrestationTypes('GEIQ')).toEqual(['DISP']);
    expect(inferPrestationTypes('ACI')).toEqual(['PREST']);
    expect(inferPrestationTypes('EA')).toEqual(['PREST']);
    expect(map({ kind: 'etti' }).prestation_types).toEqual(['DISP']);
  });

  it('infers sectors from the name when the NAF code is generic', () => {
    const structure = map({ name: 'JARDINS DE COCAGNE', brand: '', naf: '8899B' });
    expect(structure.sectors.map((s) => s.code)).toContain('maraichage');
  });

  it('rejects only what cannot be a structure at all: unknown kind, unreadable SIRET', () => {
    expect(mapRegisterRow({ ...BALUCHON, kind: 'SCOP' }, context)).toEqual({ ok: false, reason: expect.stringContaining('SCOP') });
    expect(mapRegisterRow({ ...BALUCHON, siret: '8074693170' }, context)).toEqual({ ok: false, reason: expect.stringContaining('SIRET') });
    // Spaces inside the SIRET are not an error.
    expect(map({ siret: '807 469 317 00018' }).siret).toBe('80746931700018');
  });
});
