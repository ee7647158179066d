import { SECTORS, SECTOR_GROUPS } from '../taxonomy/sectors';
import { sectorsForCpvCode } from '../taxonomy/crosswalk';
import { ReferenceIndex, ReferenceSources } from '.';

type Commune = ReferenceSources['communes'][number];
const commune = (code: string, name: string, department: string, postCodes: string[], population: number | null, type = 'commune-actuelle'): Commune => ({
  code,
  name,
  type,
  department,
  region: '84',
  postCodes,
  population,
  location: { lat: 45, lon: 4 },
});

const index = new ReferenceIndex({
  communes: [
    commune('42218', 'Saint-Étienne', '42', ['42000', '42100'], 173_000),
    commune('42207', 'Saint-Étienne-le-Molard', '42', ['42130'], 1_000),
    commune('73249', 'Saint-Étienne-de-Cuines', '73', ['73130'], 1_300),
    commune('69123', 'Lyon', '69', ['69001', '69002'], 520_000),
    commune('69381', 'Lyon 1er Arrondissement', '69', ['69001'], 30_000, 'arrondissement-municipal'),
    commune('01173', 'Fontaines-sur-Saône', '01', ['69270'], 7_000),
    commune('38185', 'Grenoble', '38', ['38000'], 158_000),
    commune('26001', 'Albon', '26', ['26140'], 2_000),
    commune('07001', 'Albon-d’Ardèche', '07', ['07190'], 100),
    commune('05001', 'Abriès-Ristolas', '05', ['05460'], 380),
    commune('05002', 'Saint-Étienne', '05', ['05000'], 10),
  ],
  departments: [{ code: '01', name: 'Ain', region: '84' }, { code: '2A', name: 'Corse-du-Sud', region: '94' }],
  regions: [{ code: '84', name: 'Auvergne-Rhône-Alpes' }, { code: '01', name: 'Guadeloupe' }],
  cpv: [
    { code: '77310000-6', code8: '77310000', label: "Réalisation et entretien d'espaces verts" },
    { code: '90910000-9', code8: '90910000', label: 'Services de nettoyage' },
  ],
  sectors: SECTORS,
  groups: SECTOR_GROUPS,
  sectorsForCpvCode,
});

const names = (query: string, limit?: number) => index.searchCommunes(query, limit).map((c) => c.name);

describe('ReferenceIndex', () => {
  describe('searchCommunes', () => {
    it('ignores accents and case, ranks the exact name first, then by population', () => {
      expect(names('saint etienne')).toEqual(['Saint-Étienne', 'Saint-Étienne', 'Saint-Étienne-de-Cuines', 'Saint-Étienne-le-Molard']);
      expect(names('SAINT-ÉTIENNE', 1)).toEqual(['Saint-Étienne']);
      expect(index.searchCommunes('saint etienne', 1)[0].code).toBe('42218'); // the big one among equal names
    });

    it('understands the usual abbreviation "St"', () => {
      expect(index.searchCommunes('st etienne', 1)[0].code).toBe('42218');
    });

    it('puts a name prefix before a word inside the name, and a word before a mere substring', () => {
      expect(names('albon')).toEqual(['Albon', 'Albon-d’Ardèche']);
      expect(names('lyon')).toEqual(['Lyon', 'Lyon 1er Arrondissement']);
      expect(names('saone')).toEqual(['Fontaines-sur-Saône']);
      expect(names('ries')).toEqual(['Abriès-Ristolas']); // substring only
    });

    it('searches postcodes by prefix when the query is digits, and INSEE codes exactly', () => {
      expect(names('69001')).toEqual(['Lyon', 'Lyon 1er Arrondissement']);
      expect(names('690')).toEqual(['Lyon', 'Lyon 1er Arrondissement']);
      expect(names('69')).toEqual(['Lyon', 'Lyon 1er Arrondissement', 'Fontaines-sur-Saône']);
      expect(index.searchCommunes('38185')[0].name).toBe('Grenoble');
    });

    it('caps the number of results and ignores empty queries', () => {
      expect(names('e', 2)).toHaveLength(2);
      expect(names('   ')).toEqual([]);
      expect(index.matchCommunes('e').length).toBeGreaterThan(2);
    });
  });

  it('resolves a register town within its department, only when unambiguous', () => {
    expect(index.resolveCommune('ST ETIENNE', '42')?.code).toBe('42218');
    expect(index.resolveCommune('Saint-Étienne Cedex 1', '05')?.code).toBe('05002');
    expect(index.resolveCommune('Saint-Étienne', '69')).toBeUndefined();
    expect(index.resolveCommune('Lyon', null)).toBeUndefined();
  });

  it('finds CPV codes with or without their check digit, never with a wrong one', () => {
    expect(index.cpv('77310000')).toMatchObject({ code: '77310000-6', sectors: expect.arrayContaining(['entretien-espaces-verts']) });
    expect(index.cpv('77310000-6')?.code).toBe('77310000-6');
    expect(index.cpv('773100006')?.code).toBe('77310000-6');
    expect(index.cpv('77310000-1')).toBeUndefined();
    expect(index.cpv('7731')).toBeUndefined();
  });

  it('normalises department and region codes ("1" → "01", "2a" → "2A")', () => {
    expect(index.department('1')?.name).toBe('Ain');
    expect(index.department('2a')?.name).toBe('Corse-du-Sud');
    expect(index.region('1')?.name).toBe('Guadeloupe');
    expect(index.region('99')).toBeUndefined();
  });

  it('groups every sector of the taxonomy under its group', () => {
    const grouped = index.sectorGroups().flatMap((g) => g.sectors);
    expect(grouped.sort()).toEqual(SECTORS.map((s) => s.code).sort());
    expect(index.sector('nettoyage-locaux')?.group).toBe('PROPRETE');
  });
});
