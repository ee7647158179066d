import { fixtureReference } from './testing/reference-fixture';
import { areaProblems, capacityProblems, structureFieldProblems } from './structure-rules';

const reference = fixtureReference();

describe('structure rules (shared by the API and services)', () => {
  it('checks the intervention area per type', () => {
    expect(areaProblems({ type: 'radius', radiusKm: 50 }, reference)).toEqual([]);
    expect(areaProblems({ type: 'radius', radiusKm: 0 }, reference)).toEqual([{ field: 'interventionArea.radiusKm', message: expect.any(String) }]);
    expect(areaProblems({ type: 'radius', radiusKm: 1001 }, reference)[0].field).toBe('interventionArea.radiusKm');
    expect(areaProblems({ type: 'departments', codes: ['93', '69'] }, reference)).toEqual([]);
    expect(areaProblems({ type: 'departments', codes: ['93', '11'] }, reference)[0].message).toContain('11');
    expect(areaProblems({ type: 'regions', codes: ['11'] }, reference)).toEqual([]);
    expect(areaProblems({ type: 'regions', codes: [] }, reference)[0].field).toBe('interventionArea.codes');
    expect(areaProblems({ type: 'national' }, reference)).toEqual([]);
    expect(areaProblems({ type: 'planet' }, reference)[0].field).toBe('interventionArea.type');
  });

  it('refuses negative or non-numeric capacities, naming each field', () => {
    expect(capacityProblems({ employees: 3, annualRevenueEur: 0 })).toEqual([]);
    expect(capacityProblems({ employees: -1, annualInsertionHours: Number.NaN }).map((p) => p.field)).toEqual(['capacity.employees', 'capacity.annualInsertionHours']);
  });

  it('lists unknown communes, sectors, kinds and nulls on required fields', () => {
    const problems = structureFieldProblems({ communeCode: '99999', sectors: ['nettoyage-locaux', 'jonglerie'], kind: 'SCOP' as never }, reference);
    expect(problems.map((p) => p.field)).toEqual(['kind', 'communeCode', 'sectors']);
    expect(problems[2].message).toContain('jonglerie');
    expect(structureFieldProblems({ name: null as never, sectors: null as never }, reference).map((p) => p.field)).toEqual(['name', 'sectors']);
    expect(structureFieldProblems({ communeCode: '93063', sectors: ['nettoyage-locaux'] }, reference)).toEqual([]);
  });
});
