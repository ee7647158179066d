import { combine, meiliFilters, quote } from './meili-filters';
import { searchQuery } from '../search-query';

const lyon = { code: '69123', name: 'Lyon', department: '69', region: '84', location: { lat: 45.758, lon: 4.835 } };

describe('Meilisearch filter expressions', () => {
  it('quotes and escapes every string, so values can never become filter syntax', () => {
    expect(quote('EI')).toBe('"EI"');
    expect(quote('a" OR inclusive = false OR kind = "x')).toBe('"a\\" OR inclusive = false OR kind = \\"x"');
    expect(quote('back\\slash')).toBe('"back\\\\slash"');
  });

  it('puts facet filters apart from the shared ones (facet counts ignore their own filter)', () => {
    const filters = meiliFilters(
      searchQuery({ kinds: ['EI', 'ACI'], sectors: ['nettoyage-locaux'], regions: ['84'], openToCoContracting: true, minAnnualRevenueEur: 100000 }),
      [],
    );
    expect(filters.facet).toEqual({ kind: 'kind IN ["EI", "ACI"]', sector: 'sectors IN ["nettoyage-locaux"]' });
    expect(filters.common).toEqual(['inclusive = true', 'region IN ["84"]', 'openToCoContracting = true', 'annualRevenueEur >= 100000']);
  });

  it('expresses servesCommune as national, listed department or region, or one geo radius per radius value', () => {
    const { common } = meiliFilters(searchQuery({ servesCommune: lyon, inclusiveOnly: false }), [50, 30]);
    expect(common).toHaveLength(1);
    expect(common[0]).toContain('areaType = "national"');
    expect(common[0]).toContain('areaDepartments = "69"');
    expect(common[0]).toContain('areaRegions = "84"');
    expect(common[0]).toMatch(/\(areaRadiusKm = 50 AND _geoRadius\(45\.758, 4\.835, 49\d{3}\.\d*\)\)/);
    expect(common[0]).toMatch(/areaRadiusKm = 30 AND _geoRadius/);
  });

  it('filters near + radiusKm with _geoRadius in metres', () => {
    const { common } = meiliFilters(searchQuery({ near: lyon, radiusKm: 10, inclusiveOnly: false }), []);
    expect(common[0]).toMatch(/^_geoRadius\(45\.758, 4\.835, 99\d\d(\.\d+)?\)$/);
  });

  it('combines parts with AND, each in parentheses', () => {
    expect(combine([])).toBeUndefined();
    expect(combine(['a = 1', 'b = 2 OR c = 3'])).toBe('(a = 1) AND (b = 2 OR c = 3)');
  });
});
