import fc from 'fast-check';
import {
  DEFAULT_HOURLY_COST_EUR,
  DEFAULT_INSERTION_RATE,
  DEFAULT_LABOUR_SHARE,
  insertionHours,
  LABOUR_SHARE_BY_GROUP,
  labourShareForGroup,
} from './insertion-hours';

const TAXONOMY_GROUPS = [
  'ESPACES_VERTS', 'PROPRETE', 'BTP_SECOND_OEUVRE', 'BTP_GROS_OEUVRE', 'RESTAURATION', 'BLANCHISSERIE',
  'COLLECTE_RECYCLAGE', 'LOGISTIQUE', 'TRANSPORT', 'NUMERIQUE', 'IMPRIMERIE', 'TEXTILE', 'AGRICULTURE', 'BOIS',
  'MOBILITE', 'RELATION_CLIENT', 'EVENEMENTIEL', 'MISE_A_DISPOSITION', 'SERVICES_PERSONNE', 'SECURITE',
  'INDUSTRIE', 'COMMERCE', 'FORMATION_INSERTION', 'MAINTENANCE_MULTISERVICES', 'ENVIRONNEMENT',
];

describe('insertionHours (V17)', () => {
  it('V17 MEF Sud 77 example: 1 M€ × 50 % × 5 % ÷ 30 €/h = 833 h (all defaults)', () => {
    expect(insertionHours({ amountEur: 1_000_000 })).toEqual({
      hours: 833,
      computed: true,
      labourShare: 0.5,
      insertionRate: 0.05,
      hourlyCostEur: 30,
    });
  });

  it('V17 MDE Alès example: 1.5 M€ × 70 % × 10 % ÷ 30 €/h = 3 500 h', () => {
    expect(insertionHours({ amountEur: 1_500_000, labourShare: 0.7, insertionRate: 0.1 }).hours).toBe(3500);
  });

  it('V17: the hours written in the CCAP always win, even 0', () => {
    expect(insertionHours({ amountEur: 1_000_000, givenHours: 1200 })).toMatchObject({ hours: 1200, computed: false });
    expect(insertionHours({ amountEur: 1_000_000, givenHours: 0 })).toMatchObject({ hours: 0, computed: false });
    expect(insertionHours({ amountEur: 1_000_000, givenHours: 99.6 }).hours).toBe(100);
  });

  it('V17: the sector group gives r_MO (cleaning 80 % → 1 M€ gives 1 333 h), an explicit labourShare beats it', () => {
    expect(insertionHours({ amountEur: 1_000_000, sectorGroup: 'PROPRETE' })).toMatchObject({ hours: 1333, labourShare: 0.8 });
    expect(insertionHours({ amountEur: 1_000_000, sectorGroup: 'PROPRETE', labourShare: 0.2 }).hours).toBe(333);
    expect(insertionHours({ amountEur: 1_000_000, sectorGroup: 'UNKNOWN_GROUP' }).labourShare).toBe(DEFAULT_LABOUR_SHARE);
  });

  it('V17: a 25 €/h hourly cost (low end of the facilitateurs range) gives more hours', () => {
    expect(insertionHours({ amountEur: 1_000_000, hourlyCostEur: 25 }).hours).toBe(1000);
  });

  it('rejects out-of-range parameters instead of computing nonsense', () => {
    expect(() => insertionHours({ amountEur: -1 })).toThrow(RangeError);
    expect(() => insertionHours({ amountEur: 1, labourShare: 70 })).toThrow(RangeError);
    expect(() => insertionHours({ amountEur: 1, insertionRate: -0.1 })).toThrow(RangeError);
    expect(() => insertionHours({ amountEur: 1, hourlyCostEur: 0 })).toThrow(RangeError);
    expect(() => insertionHours({ amountEur: 1, givenHours: Number.NaN })).toThrow(RangeError);
  });

  it('is a whole number that grows with the amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 50_000_000 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lowHours = insertionHours({ amountEur: low }).hours;
        expect(Number.isInteger(lowHours)).toBe(true);
        expect(lowHours).toBeLessThanOrEqual(insertionHours({ amountEur: high }).hours);
      }),
    );
  });
});

describe('LABOUR_SHARE_BY_GROUP (V17)', () => {
  it('has a labour share between 0 and 1 for exactly the taxonomy groups', () => {
    expect(Object.keys(LABOUR_SHARE_BY_GROUP).sort()).toEqual([...TAXONOMY_GROUPS].sort());
    for (const share of Object.values(LABOUR_SHARE_BY_GROUP)) {
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(1);
    }
  });

  it('uses the sourced values: painting 70 %, masonry 50 %, cleaning 80 %', () => {
    expect(labourShareForGroup('BTP_SECOND_OEUVRE')).toBe(0.7);
    expect(labourShareForGroup('BTP_GROS_OEUVRE')).toBe(0.5);
    expect(labourShareForGroup('PROPRETE')).toBe(0.8);
    expect(labourShareForGroup()).toBe(0.5);
  });

  it('defaults are t = 5 % and c = 30 €/h', () => {
    expect(DEFAULT_INSERTION_RATE).toBe(0.05);
    expect(DEFAULT_HOURLY_COST_EUR).toBe(30);
  });
});
