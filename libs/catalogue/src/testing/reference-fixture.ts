// A small, hand-made reference for unit tests (no files read): real codes, real taxonomy.
import { ReferenceIndex, ReferenceSources, SECTORS, SECTOR_GROUPS, sectorsForCpvCode } from '@app/reference';

type Commune = ReferenceSources['communes'][number];

const commune = (code: string, name: string, department: string, region: string, postCodes: string[], population: number, lat: number, lon: number): Commune => ({
  code,
  name,
  type: 'commune-actuelle',
  department,
  region,
  postCodes,
  population,
  location: { lat, lon },
});

export const FIXTURE_COMMUNES: Commune[] = [
  commune('93063', 'Romainville', '93', '11', ['93230'], 30_000, 48.8846, 2.4349),
  commune('93048', 'Montreuil', '93', '11', ['93100'], 111_000, 48.8634, 2.4485),
  commune('18197', 'Saint-Amand-Montrond', '18', '24', ['18200'], 9_600, 46.7228, 2.5049),
  commune('67482', 'Strasbourg', '67', '44', ['67000', '67100', '67200'], 290_000, 48.5691, 7.7621),
  commune('69123', 'Lyon', '69', '84', ['69001', '69002'], 520_000, 45.758, 4.835),
];

export function fixtureReference(communes: Commune[] = FIXTURE_COMMUNES): ReferenceIndex {
  return new ReferenceIndex({
    communes,
    departments: [
      { code: '18', name: 'Cher', region: '24' },
      { code: '67', name: 'Bas-Rhin', region: '44' },
      { code: '69', name: 'Rhône', region: '84' },
      { code: '93', name: 'Seine-Saint-Denis', region: '11' },
    ],
    regions: [
      { code: '11', name: 'Île-de-France' },
      { code: '24', name: 'Centre-Val de Loire' },
      { code: '44', name: 'Grand Est' },
      { code: '84', name: 'Auvergne-Rhône-Alpes' },
    ],
    cpv: [],
    sectors: SECTORS,
    groups: SECTOR_GROUPS,
    sectorsForCpvCode,
  });
}
