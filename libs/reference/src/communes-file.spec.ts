import { loadDepartments, loadRegions } from './administrative';
import { type CommuneRecord, readCommunes } from './communes-file';

const WITHOUT_CENTRE = ['15031', '15035', '15047', '15171', '60694', '85165', '85212'];

describe('readCommunes', () => {
  let communes: CommuneRecord[];
  const byCode = new Map<string, CommuneRecord>();

  beforeAll(async () => {
    communes = [];
    for await (const commune of readCommunes()) communes.push(commune);
    for (const commune of communes) byCode.set(commune.code, commune);
  }, 60_000);

  it('streams every commune and municipal arrondissement once', () => {
    expect(communes).toHaveLength(35014);
    expect(byCode.size).toBe(35014);
    expect(communes.filter((c) => c.type === 'arrondissement-municipal')).toHaveLength(45);
  });

  it('parses Lyon with its centre, postcodes and population', () => {
    const lyon = byCode.get('69123')!;
    expect(lyon).toMatchObject({ name: 'Lyon', type: 'commune-actuelle', department: '69', region: '84' });
    expect(lyon.location!.lat).toBeCloseTo(45.758, 2);
    expect(lyon.location!.lon).toBeCloseTo(4.835, 2);
    expect(lyon.postCodes).toEqual(['69001', '69002', '69003', '69004', '69005', '69006', '69007', '69008', '69009']);
    expect(lyon.population).toBeGreaterThan(500000);
    expect(byCode.get('2A004')?.department).toBe('2A');
  });

  it("gives the 7 communes without a centre their department chef-lieu's centre", () => {
    const chefLieuOf = new Map(loadDepartments().map((d) => [d.code, d.chefLieu]));
    for (const code of WITHOUT_CENTRE) {
      const commune = byCode.get(code)!;
      const chefLieu = byCode.get(chefLieuOf.get(commune.department)!)!;
      expect(commune.location).not.toBeNull();
      expect(commune.location).toEqual(chefLieu.location);
    }
    // 85165 comes before its chef-lieu 85191 (La Roche-sur-Yon) in the file.
    expect(byCode.get('85191')!.name).toBe('La Roche-sur-Yon');
  });

  it('leaves no commune without a location, and keeps locations and postcodes well formed', () => {
    expect(communes.filter((c) => c.location === null).map((c) => c.code)).toEqual([]);
    expect(communes.filter((c) => Math.abs(c.location!.lat) > 90 || Math.abs(c.location!.lon) > 180).map((c) => c.code)).toEqual([]);
    expect(communes.filter((c) => !c.postCodes.every((p) => /^\d{5}$/.test(p))).map((c) => c.code)).toEqual([]);
  });

  it('knows the department and region of every commune', () => {
    const departments = new Set(loadDepartments().map((d) => d.code));
    const regions = new Set(loadRegions().map((r) => r.code));
    expect(communes.filter((c) => !departments.has(c.department) || !regions.has(c.region)).map((c) => c.code)).toEqual([]);
  });
});

describe('departments and regions', () => {
  it('loads the 101 departments and the 8 overseas collectivities, each with its region', () => {
    const departments = loadDepartments();
    expect(departments).toHaveLength(109);
    expect(departments.filter((d) => d.zone !== 'com')).toHaveLength(101);
    expect(departments.find((d) => d.code === '69')).toEqual({ code: '69', name: 'Rhône', region: '84', chefLieu: '69123', zone: 'metro' });
    expect(departments.find((d) => d.code === '974')).toMatchObject({ name: 'La Réunion', region: '04', zone: 'drom' });
    const regionCodes = new Set(loadRegions().map((r) => r.code));
    for (const department of departments) expect(regionCodes.has(department.region)).toBe(true);
  });

  it('loads the 18 regions (and the collectivities as their own regions)', () => {
    const regions = loadRegions();
    expect(regions.filter((r) => r.zone !== 'com')).toHaveLength(18);
    expect(regions).toHaveLength(26);
    expect(regions.find((r) => r.code === '84')?.name).toBe('Auvergne-Rhône-Alpes');
  });
});
