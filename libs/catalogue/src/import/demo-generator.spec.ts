import { isValidSiret } from '@app/domain';
import { FIXTURE_COMMUNES, fixtureReference } from '../testing/reference-fixture';
import { DEMO_SIREN_PREFIX, demoSiret, generateDemoStructures } from './demo-generator';

const reference = fixtureReference();

describe('generateDemoStructures', () => {
  it('is deterministic: the same seed gives the same catalogue, another seed another one', () => {
    const a = generateDemoStructures(reference, { count: 50, seed: 7 });
    const b = generateDemoStructures(reference, { count: 50, seed: 7 });
    const c = generateDemoStructures(reference, { count: 50, seed: 8 });
    expect(b).toEqual(a);
    expect(c.map((s) => s.name)).not.toEqual(a.map((s) => s.name));
  });

  it('gives structure i the same content whatever the count (raising the count only adds structures)', () => {
    const small = generateDemoStructures(reference, { count: 10, seed: 7 });
    const large = generateDemoStructures(reference, { count: 40, seed: 7 });
    expect(large.slice(0, 10)).toEqual(small);
  });

  it('uses valid, unique SIRETs in the reserved 99… range that the register never uses', () => {
    const rows = generateDemoStructures(reference, { count: 300 });
    const sirets = rows.map((r) => r.siret);
    expect(new Set(sirets).size).toBe(300);
    for (const siret of sirets) {
      expect(isValidSiret(siret)).toBe(true);
      expect(siret.startsWith(DEMO_SIREN_PREFIX)).toBe(true);
    }
    expect(demoSiret(0)).toBe(rows[0].siret);
    expect(() => demoSiret(1_000_000)).toThrow(RangeError);
  });

  it('generates EA and ESAT only by default, companies when asked, with realistic capacities', () => {
    const rows = generateDemoStructures(reference, { count: 200 });
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['EA', 'ESAT']));
    for (const row of rows) {
      const capacity = row.capacity as { employees: number; insertionEmployees: number; annualRevenueEur: number };
      // EA: at least 55 % disabled workers (domain rules §2).
      expect(capacity.insertionEmployees / capacity.employees).toBeGreaterThanOrEqual(row.kind === 'EA' ? 0.54 : 0.84);
      expect(capacity.annualRevenueEur).toBeGreaterThan(0);
      expect((row.sectors as { inferred: boolean }[]).every((s) => s.inferred === false)).toBe(true);
      expect((row.sectors as { code: string }[]).every((s) => reference.sector(s.code))).toBe(true);
    }
    const mixed = generateDemoStructures(reference, { count: 200, companyShare: 0.3 });
    const companies = mixed.filter((r) => r.kind === 'COMPANY').length;
    expect(companies).toBeGreaterThan(30);
    expect(companies).toBeLessThan(90);
  });

  it('places structures on real communes, weighted by population', () => {
    const rows = generateDemoStructures(reference, { count: 2000 });
    const codes = new Set(FIXTURE_COMMUNES.map((c) => c.code));
    expect(rows.every((r) => codes.has(r.commune_code as string))).toBe(true);
    const share = (code: string) => rows.filter((r) => r.commune_code === code).length / rows.length;
    const population = (code: string) => FIXTURE_COMMUNES.find((c) => c.code === code)!.population!;
    const total = FIXTURE_COMMUNES.reduce((sum, c) => sum + c.population!, 0);
    expect(share('69123')).toBeCloseTo(population('69123') / total, 1); // Lyon, ~54 %
    expect(share('18197')).toBeLessThan(0.03); // Saint-Amand-Montrond, ~1 %
    // Each structure sits near its commune's centre and its department and region are the commune's.
    for (const row of rows.slice(0, 50)) {
      const commune = FIXTURE_COMMUNES.find((c) => c.code === row.commune_code)!;
      expect(Math.abs((row.lat as number) - commune.location.lat)).toBeLessThan(0.02);
      expect(row.department).toBe(commune.department);
      expect(row.region).toBe(commune.region);
    }
  });
});
