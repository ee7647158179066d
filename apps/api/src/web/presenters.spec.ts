import { CommuneLike, ReferenceLookup, interventionAreaText, pagination, resolvePlace, sectorGroupsWithOptions, boundedInt, ruleCodes, scoreBreakdownLines, scoreCriterionLabel, withoutRuleCodes, resolveDepartmentCodes, departmentNames } from './presenters';

const commune = (code: string, name: string, postCodes: string[], population: number, department = code.slice(0, 2)): CommuneLike => ({
  code,
  name,
  department,
  region: '84',
  postCodes,
  population,
  location: { lat: 45.7, lon: 4.8 },
});

const LYON = commune('69123', 'Lyon', ['69001', '69003', '69004'], 520_000);
const ALIX = commune('69004', 'Alix', ['69380'], 800);
const VILLEURBANNE = commune('69266', 'Villeurbanne', ['69100'], 150_000);
const SAINT_ETIENNE = commune('42218', 'Saint-Étienne', ['42000'], 170_000);

/** A tiny reference: ranked like the real one (exact code first, then by population). */
const reference: ReferenceLookup = {
  commune: (code) => [LYON, ALIX, VILLEURBANNE, SAINT_ETIENNE].find((c) => c.code === code),
  searchCommunes: (query) => {
    const all = [LYON, ALIX, VILLEURBANNE, SAINT_ETIENNE];
    if (/^\d+$/.test(query)) {
      return all
        .filter((c) => c.code === query || c.postCodes.some((p) => p.startsWith(query)))
        .sort((a, b) => Number(b.code === query) - Number(a.code === query) || (b.population ?? 0) - (a.population ?? 0));
    }
    const folded = query.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    return all.filter((c) => c.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().startsWith(folded));
  },
  department: (code) => ({ '69': { code: '69', name: 'Rhône' }, '01': { code: '01', name: 'Ain' } })[code],
  region: (code) => ({ '84': { code: '84', name: 'Auvergne-Rhône-Alpes' } })[code],
  sectors: () => [
    { code: 'nettoyage-locaux', label: 'Nettoyage de locaux', group: 'PROPRETE' },
    { code: 'entretien-espaces-verts', label: 'Entretien des espaces verts', group: 'ESPACES_VERTS' },
  ],
  sectorGroups: () => [
    { code: 'ESPACES_VERTS', label: 'Espaces verts', sectors: ['entretien-espaces-verts'] },
    { code: 'PROPRETE', label: 'Propreté', sectors: ['nettoyage-locaux'] },
  ],
};

describe('resolvePlace (the place typed by a user)', () => {
  it('reads a suggestion "Name (INSEE code)" exactly', () => {
    expect(resolvePlace('Lyon (69123)', reference).commune?.code).toBe('69123');
  });

  it('reads a postcode as the commune it serves, not the commune whose INSEE code it happens to be', () => {
    expect(resolvePlace('69004', reference).commune?.name).toBe('Lyon');
    expect(resolvePlace('69100', reference).commune?.name).toBe('Villeurbanne');
  });

  it('reads an INSEE code nobody uses as a postcode, and names accent-insensitively', () => {
    expect(resolvePlace('69266', reference).commune?.name).toBe('Villeurbanne');
    expect(resolvePlace('saint-etienne', reference).commune?.code).toBe('42218');
  });

  it('names what it could not understand, and accepts an empty field', () => {
    expect(resolvePlace('Atlantide', reference).error).toContain('Commune introuvable : « Atlantide »');
    expect(resolvePlace('  ', reference)).toEqual({});
  });
});

describe('intervention area in words', () => {
  it('says each kind of area the way users read it', () => {
    expect(interventionAreaText({ type: 'radius', radiusKm: 50 }, reference, 'Lyon')).toBe('Dans un rayon de 50 km autour de Lyon');
    expect(interventionAreaText({ type: 'departments', codes: ['69', '01'] }, reference)).toBe('Départements : Rhône (69), Ain (01)');
    expect(interventionAreaText({ type: 'departments', codes: ['69'] }, reference)).toBe('Département : Rhône (69)');
    expect(interventionAreaText({ type: 'regions', codes: ['84'] }, reference)).toBe('Région : Auvergne-Rhône-Alpes');
    expect(interventionAreaText({ type: 'national' }, reference)).toBe('Toute la France');
  });
});

describe('taxonomy options', () => {
  it('groups sectors by their group in the taxonomy order, with facet counts when given', () => {
    const groups = sectorGroupsWithOptions(reference, { 'nettoyage-locaux': 12 });
    expect(groups.map((g) => g.code)).toEqual(['ESPACES_VERTS', 'PROPRETE']);
    expect(groups[1].options).toEqual([{ value: 'nettoyage-locaux', label: 'Nettoyage de locaux', count: 12 }]);
    expect(groups[0].options[0].count).toBe(0);
  });
});

describe('pagination', () => {
  it('shows first, previous, a window around the page, next and last, with gaps', () => {
    const model = pagination(500, 10, 20);
    expect(model).toMatchObject({ page: 10, pageCount: 25, first: 1, previous: 9, next: 11, last: 25 });
    expect(model.items).toEqual([1, null, 8, 9, 10, 11, 12, null, 25]);
  });

  it('has no previous on the first page, no next on the last, one page for no result', () => {
    expect(pagination(45, 1, 20)).toMatchObject({ pageCount: 3, items: [1, 2, 3] });
    expect(pagination(45, 1, 20).previous).toBeUndefined();
    expect(pagination(45, 3, 20).next).toBeUndefined();
    expect(pagination(0, 1, 20)).toMatchObject({ pageCount: 1, items: [1] });
    expect(pagination(45, 99, 20).page).toBe(3);
  });

  it('accepts only sane page numbers from links', () => {
    expect(boundedInt('3', 1, 1, 100)).toBe(3);
    expect(boundedInt('0', 1, 1, 100)).toBe(1);
    expect(boundedInt('2e3', 1, 1, 100)).toBe(1);
    expect(boundedInt(undefined, 1, 1, 100)).toBe(1);
  });
});

describe('plain French on pages', () => {
  it('names every score criterion in French, never printing a raw key', () => {
    expect(scoreCriterionLabel('sectorFit')).toBe('Secteur d’activité');
    expect(scoreCriterionLabel('capacity')).toBe('Capacité');
    expect(scoreCriterionLabel('somethingNew')).toBe('Autre critère');
    expect(scoreBreakdownLines({ cohesion: 12.5, memberCost: -3 })).toEqual([
      { label: 'Cohésion du groupement', points: 12.5 },
      { label: 'Nombre de membres (coût de coordination)', points: -3 },
    ]);
  });

  it('takes the internal rule codes out of messages, keeping the legal references', () => {
    expect(withoutRuleCodes('Entreprise adaptée (EA) : éligible à un lot réservé aux EA, ESAT et SIAE (art. L2113-14), règle V13.')).toBe(
      'Entreprise adaptée (EA) : éligible à un lot réservé aux EA, ESAT et SIAE (art. L2113-14).',
    );
    expect(withoutRuleCodes('L’acheteur ne peut pas imposer de forme (R2142-22, V6).')).toBe('L’acheteur ne peut pas imposer de forme (R2142-22).');
    expect(withoutRuleCodes('Heures d’insertion : 300 h requises (V18).')).toBe('Heures d’insertion : 300 h requises.');
    expect(withoutRuleCodes('Lot 2 écarté (V13, fiche DAJ du 23/09/2015).')).toBe('Lot 2 écarté (fiche DAJ du 23/09/2015).');
    expect(ruleCodes(['(V18) et V6', 'règle V13'])).toEqual(['V6', 'V13', 'V18']);
  });
});

describe('departments by name', () => {
  it('reads names, numbers and « name (number) », keeps what it does not know for the service to refuse', () => {
    expect(resolveDepartmentCodes('Rhône, ain ; 38, Corse-du-Sud, Isère (38), Nulle-Part')).toEqual(['69', '01', '38', '2A', 'Nulle-Part']);
    expect(departmentNames(['69', '01'])).toBe('Rhône (69), Ain (01)');
  });
});
