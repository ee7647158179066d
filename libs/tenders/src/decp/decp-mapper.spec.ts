// DECP record mapping (pure): CPV and date repairs, places by type, accent repair, 2019 and 2022 formats.
import { ReferenceIndex } from '@app/reference';
import type { ReferenceLookup } from '../reference-lookup';
import { DecpMapper, recordFingerprint, recordKey, resolveCpv, resolveDate } from './decp-mapper';
import { detectFormat } from './decp-record';
import { parseDecp } from './decp-reader';
import { RepairVocabulary, repairText } from './encoding-repair';
import { PlaceResolver } from './place-resolver';

let reference: ReferenceLookup;

beforeAll(async () => {
  reference = (await ReferenceIndex.load()) as unknown as ReferenceLookup;
});

describe('resolveCpv', () => {
  it('accepts a code with or without its check digit, and verifies the digit', () => {
    expect(resolveCpv('77310000', reference)).toEqual({ code: '77310000-6', flags: [] });
    expect(resolveCpv('77310000-6', reference)).toEqual({ code: '77310000-6', flags: [] });
    expect(resolveCpv('773100006', reference)).toEqual({ code: '77310000-6', flags: [] });
    expect(resolveCpv('77310000-1', reference)).toEqual({ code: '77310000-6', flags: ['CPV_CHECK_DIGIT_MISMATCH'] });
  });

  it('restores a leading zero lost by a numeric field', () => {
    expect(resolveCpv('9132100', reference).code).toMatch(/^09132100-\d$/);
    expect(resolveCpv(9132100, reference).flags).toEqual(['CPV_REPAIRED']);
    expect(resolveCpv('031210005', reference).code).toBe('03121000-5');
  });

  it('flags what it cannot read', () => {
    expect(resolveCpv(null, reference)).toEqual({ code: null, flags: ['CPV_MISSING'] });
    expect(resolveCpv('0', reference)).toEqual({ code: null, flags: ['CPV_INVALID'] });
    expect(resolveCpv('22222222', reference)).toEqual({ code: null, flags: ['CPV_UNKNOWN'] });
  });
});

describe('resolveDate', () => {
  it('keeps the calendar day as written, offsets included', () => {
    expect(resolveDate('2018-10-17')).toBe('2018-10-17');
    expect(resolveDate('2018-10-17+02:00')).toBe('2018-10-17');
    expect(resolveDate('2018-11-26T23:30:00-01:00')).toBe('2018-11-26');
  });

  it('refuses impossible or missing dates', () => {
    expect(resolveDate('2018-02-30')).toBeNull();
    expect(resolveDate(null)).toBeNull();
    expect(resolveDate('26/11/2018')).toBeNull();
  });
});

describe('repairText', () => {
  const vocabulary = new RepairVocabulary();
  vocabulary.addText("Communauté d'agglomération — marché réservé, aménagement, société, Rhône");

  it('repairs each damaged word with the most frequent known word, keeping capitals', () => {
    expect(repairText('Communaut� d’agglom�ration', vocabulary)).toEqual({ text: 'Communauté d’agglomération', repaired: true, unrepaired: [] });
    expect(repairText('MARCH� R�SERV�', vocabulary).text).toBe('MARCHÉ RÉSERVÉ');
    expect(repairText('Clichy � Paris, N�18M238', vocabulary).text).toBe('Clichy à Paris, N°18M238');
  });

  it('says which words it could not repair', () => {
    expect(repairText('z�bre du Rh�ne', vocabulary)).toEqual({ text: 'z�bre du Rhône', repaired: false, unrepaired: ['z�bre'] });
  });

  it('ignores damaged texts when learning', () => {
    const fresh = new RepairVocabulary();
    fresh.addText('Soci�t�');
    expect(fresh.size).toBe(0);
  });
});

describe('PlaceResolver', () => {
  let places: PlaceResolver;
  beforeAll(() => {
    places = new PlaceResolver(reference);
  });

  it('reads a postcode as the commune named, else the most populous', () => {
    expect(places.resolve({ code: '59130', typeCode: 'Code postal', nom: 'Lambersart' })).toMatchObject({ communeCode: '59328', precision: 'commune', flags: [] });
    expect(places.resolve({ code: '69003', typeCode: 'Code postal', nom: 'Lyon' })).toMatchObject({ communeCode: '69123', department: '69', region: '84' });
  });

  it('reads INSEE commune, department, region and arrondissement codes', () => {
    expect(places.resolve({ code: '2A004', typeCode: 'Code commune' })).toMatchObject({ communeCode: '2A004', precision: 'commune' });
    const department = places.resolve({ code: '75', typeCode: 'Code département', nom: 'Paris' });
    expect(department).toMatchObject({ communeCode: null, department: '75', region: '11', precision: 'department' });
    expect(department.location?.lat).toBeCloseTo(48.86, 1);
    expect(places.resolve({ code: '84', typeCode: 'Code région' })).toMatchObject({ region: '84', precision: 'region' });
    expect(places.resolve({ code: '82', typeCode: 'Code région' })).toMatchObject({ region: '84', flags: ['PLACE_OLD_REGION_CODE'] });
    expect(places.resolve({ code: '651', typeCode: 'Code arrondissement' })).toMatchObject({ department: '65', flags: ['PLACE_APPROXIMATE'] });
  });

  it('tries a code under the other types when it does not fit its own, and says so', () => {
    expect(places.resolve({ code: '60000', typeCode: 'Code département' })).toMatchObject({ communeCode: '60057', flags: ['PLACE_TYPE_MISMATCH'] });
    expect(places.resolve({ code: '66', typeCode: 'Code postal' })).toMatchObject({ department: '66', flags: ['PLACE_TYPE_MISMATCH'] });
    // A CEDEX postcode: approached by its department.
    expect(places.resolve({ code: '13637', typeCode: 'Code postal', nom: 'Arles' })).toMatchObject({ department: '13', precision: 'department', flags: ['PLACE_APPROXIMATE'] });
  });

  it('knows France without a point, and flags foreign or missing places', () => {
    expect(places.resolve({ code: 'FR', typeCode: 'Code pays' })).toMatchObject({ precision: 'country', location: null, flags: [] });
    expect(places.resolve({ code: 'DE', typeCode: 'Code pays' }).flags).toEqual(['PLACE_FOREIGN']);
    expect(places.resolve(null).flags).toEqual(['PLACE_MISSING']);
  });
});

describe('DecpMapper', () => {
  const record2019 = {
    source: 'marches-publics.info',
    id: '201820180020100',
    acheteur: { id: '21590328700013', nom: 'Commune de Lambersart' },
    nature: 'Accord-cadre',
    objet: 'Entretien des espaces verts et du patrimoine arboré',
    codeCPV: '77211500',
    procedure: "Appel d'offres ouvert",
    lieuExecution: { code: '59130', typeCode: 'Code postal', nom: 'Lambersart' },
    dureeMois: 12,
    dateNotification: '2018-07-28+02:00',
    montant: 1200000,
    formePrix: 'Révisable',
    titulaires: [
      { id: '482 425 832 00011', typeIdentifiant: 'SIRET', denominationSociale: 'NORENVERT' },
      { id: 'FR21483209383', typeIdentifiant: 'TVA', denominationSociale: 'Autre SA' },
    ],
  };

  it('maps a 2019 record to a one-lot closed contract with its holders', () => {
    const mapper = new DecpMapper(reference, new RepairVocabulary());
    const contract = mapper.map(record2019, recordKey(record2019)!);
    expect(contract).toMatchObject({
      source: 'decp-2019',
      externalId: '21590328700013/201820180020100',
      title: 'Entretien des espaces verts et du patrimoine arboré',
      buyer: { name: 'Commune de Lambersart', kind: 'public', siret: '21590328700013' },
      cpvCodes: ['77211500-7'],
      durationMonths: 12,
      notifiedOn: '2018-07-28',
      amountEur: 1_200_000,
      prestationType: 'PREST',
      reservation: 'NONE',
      socialClause: null,
      flags: [],
    });
    expect(contract.sectors).toContain('elagage-abattage');
    expect(contract.place).toMatchObject({ communeCode: '59328', precision: 'commune' });
    expect(contract.holders).toEqual([
      { identifier: '482 425 832 00011', identifierType: 'SIRET', siret: '48242583200011', name: 'NORENVERT', flags: [] },
      { identifier: 'FR21483209383', identifierType: 'TVA', siret: null, name: 'Autre SA', flags: [] },
    ]);
  });

  it('flags what is missing instead of dropping the record', () => {
    const mapper = new DecpMapper(reference, new RepairVocabulary());
    const contract = mapper.map({ id: 'X', acheteur: null, codeCPV: null, lieuExecution: null, titulaires: [], montant: 0, dureeMois: 0 }, 'sans-acheteur/X');
    expect(contract.flags).toEqual(expect.arrayContaining(['BUYER_MISSING', 'TITLE_MISSING', 'CPV_MISSING', 'PLACE_MISSING', 'DATE_MISSING', 'AMOUNT_MISSING', 'DURATION_MISSING', 'NO_HOLDERS']));
    expect(contract.reasons).toContain('aucun titulaire');
    expect(contract).toMatchObject({ title: '(objet non renseigné)', amountEur: null, durationMonths: null, cpvCodes: [] });
  });

  it('repairs damaged accents with what it learned from intact records', () => {
    const mapper = new DecpMapper(reference, new RepairVocabulary());
    mapper.learn({ objet: 'Prestations juridiques pour la société, droit de l’aménagement' });
    const contract = mapper.map({ ...record2019, objet: "Droit de l'am�nagement", acheteur: { id: '83455372900015', nom: 'Soci�t� de livraison' }, encodingDamaged: true }, 'k');
    expect(contract.title).toBe("Droit de l'aménagement");
    expect(contract.buyer.name).toBe('Société de livraison');
    expect(contract.flags).toContain('ENCODING_REPAIRED');
  });

  it('maps the 2022 format: typed holders, social considerations, grouping type', () => {
    const record = {
      id: '2024-EV-001',
      acheteur: { id: '21690123100011' },
      nature: 'Marché',
      objet: 'Nettoyage des locaux',
      codeCPV: '90911200',
      lieuExecution: { code: '69123', typeCode: 'Code commune' },
      dureeMois: 24,
      dateNotification: '2024-04-15',
      montant: 300000,
      typeGroupementOperateurs: 'Conjoint',
      titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '48242583200011' } }, { titulaire: { typeIdentifiant: 'SIRET', id: '48242583200012' } }],
      considerationsSociales: { considerationSociale: ['Marché réservé', 'Critère social'] },
    };
    expect(detectFormat(record)).toBe('decp-2022');
    expect(detectFormat(record2019)).toBe('decp-2019');
    const contract = new DecpMapper(reference, new RepairVocabulary()).map(record, recordKey(record)!);
    expect(contract).toMatchObject({ source: 'decp-2022', groupingType: 'Conjoint', socialClause: { type: 'AWARD_CRITERION' }, reservation: 'NONE' });
    expect(contract.details).toMatchObject({ reserved: true, considerationsSociales: ['Marché réservé', 'Critère social'] });
    expect(contract.holders.map((h) => [h.siret, h.flags])).toEqual([
      ['48242583200011', []],
      ['48242583200012', ['INVALID_SIRET']],
    ]);
    expect(contract.flags).toContain('HOLDER_INVALID_SIRET');
    expect(contract.prestationType).toBe('PREST');
  });

  it('reads staff provision and supplies from the CPV', () => {
    const mapper = new DecpMapper(reference, new RepairVocabulary());
    expect(mapper.map({ ...record2019, codeCPV: '79620000' }, 'k').prestationType).toBe('DISP');
    expect(mapper.map({ ...record2019, codeCPV: '30192000' }, 'k').prestationType).toBe('BUILD');
  });
});

describe('record identity and files', () => {
  it('keys a record by buyer and id, and fingerprints its content whatever the key order', () => {
    expect(recordKey({ id: ' 12 ', acheteur: { id: '2159' } })).toBe('2159/12');
    expect(recordKey({ id: '12' })).toBe('sans-acheteur/12');
    expect(recordKey({ acheteur: { id: '2159' } })).toBeNull();
    expect(recordFingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(recordFingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(recordFingerprint({ a: 1 })).not.toBe(recordFingerprint({ a: 2 }));
  });

  it('reads NDJSON line by line and reports unreadable lines', () => {
    const read = parseDecp('{"id":"1"}\n\nnot json\n[1]\n{"id":"2"}\n');
    expect(read.records.map((r) => [r.line, r.record.id])).toEqual([[1, '1'], [5, '2']]);
    expect(read.unreadable.map((u) => u.line)).toEqual([3, 4]);
  });

  it('reads a 2022 JSON document', () => {
    const read = parseDecp(JSON.stringify({ marches: { marche: [{ id: 'a' }, { id: 'b' }] } }));
    expect(read.records.map((r) => r.record.id)).toEqual(['a', 'b']);
    expect(read.unreadable).toEqual([]);
  });
});
