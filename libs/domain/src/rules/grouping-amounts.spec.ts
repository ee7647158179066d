import fc from 'fast-check';
import type { GroupMember, Grouping, LotSpec, TenderSpec } from '../grouping';
import type { StructureKind } from '../vocabulary';
import { countsForInsertion, insertionCoverage, memberAmounts, memberLotShare } from './grouping-amounts';

const PAINTING_LOT: LotSpec = {
  number: 2,
  estimatedAmountEur: 1_000_000,
  prestationType: 'PREST',
  reservation: 'NONE',
  sectors: [],
  workPackages: [
    { code: 'PEINT', share: 0.7, sectors: [] },
    { code: 'MACON', share: 0.3, sectors: [] },
  ],
  insertionHoursRequired: 833, // V17 worked example
};
const CLEANING_LOT: LotSpec = {
  number: 1,
  estimatedAmountEur: 300_000,
  prestationType: 'PREST',
  reservation: 'NONE',
  sectors: [],
  workPackages: [],
  insertionHoursRequired: 400,
};
const TENDER: TenderSpec = {
  id: 't',
  executionCommune: { code: '93048', department: '93', region: '11', location: { lat: 48.865, lon: 2.455 } },
  mandataireSolidaireRequired: false,
  multipleBidsForbidden: false,
  lots: [CLEANING_LOT, PAINTING_LOT],
};

const member = (structureId: string, kind: StructureKind, assignments: GroupMember['assignments'] = []): GroupMember => ({
  structureId,
  kind,
  role: structureId === 'c1' ? 'MANDATAIRE' : 'COTRAITANT',
  assignments,
});
const grouping = (lots: number[], members: GroupMember[]): Grouping => ({ lots, form: 'CONJOINT', mandataireSolidaire: false, members });

describe('memberLotShare and memberAmounts', () => {
  it('weights work-package shares by the package share of the lot', () => {
    const painter = member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 0.5 }, { lot: 2, workPackage: 'MACON', share: 1 }]);
    expect(memberLotShare(painter, PAINTING_LOT)).toBeCloseTo(0.65);
    expect(memberLotShare(painter, CLEANING_LOT)).toBe(0);
  });

  it('ignores invalid assignments (reported by checkGrouping under V7)', () => {
    const odd = member('e1', 'EI', [{ lot: 2, share: 1 }, { lot: 2, workPackage: 'NOPE', share: 1 }, { lot: 1, workPackage: 'X', share: 1 }]);
    expect(memberLotShare(odd, PAINTING_LOT)).toBe(0);
    expect(memberLotShare(odd, CLEANING_LOT)).toBe(0);
  });

  it('gives each member its estimated amount in euros over the grouping lots only', () => {
    const g = grouping([1, 2], [
      member('c1', 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: 1 }, { lot: 1, share: 0.25 }]),
      member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 1 }, { lot: 1, share: 0.75 }]),
    ]);
    expect(memberAmounts(g, TENDER)).toEqual({ c1: 375_000, e1: 925_000 });
    expect(memberAmounts({ ...g, lots: [2] }, TENDER)).toEqual({ c1: 300_000, e1: 700_000 });
  });

  it('amounts of a fully shared lot add up to the lot amount (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (share) => {
        const g = grouping([1], [member('c1', 'COMPANY', [{ lot: 1, share }]), member('e1', 'EI', [{ lot: 1, share: 1 - share }])]);
        const amounts = memberAmounts(g, TENDER);
        expect(amounts.c1 + amounts.e1).toBeCloseTo(300_000, 1);
      }),
    );
  });
});

describe('insertionCoverage (V18)', () => {
  it('V18: only EI/ACI/EA/ESAT (cotraitance) and AI/ETTI/GEIQ/EATT (staff provision) count', () => {
    const counted = (['EI', 'ACI', 'AI', 'ETTI', 'EITI', 'GEIQ', 'EA', 'EATT', 'ESAT', 'COMPANY'] as const).filter(countsForInsertion);
    expect(counted).toEqual(['EI', 'ACI', 'AI', 'ETTI', 'GEIQ', 'EA', 'EATT', 'ESAT']);
  });

  it('V18: an EI painting 70 % of the V17 example lot performs far more than the 833 h asked, capped at 833 h', () => {
    const g = grouping([2], [member('c1', 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: 1 }]), member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 1 }])]);
    // 700 000 € × 50 % ÷ 30 €/h ≈ 11 667 labour hours.
    expect(insertionCoverage(g, TENDER)).toEqual({ requiredHours: 833, coveredHours: 833, byMember: { c1: 0, e1: 833 } });
  });

  it('V18: a small inclusive share covers part of the hours, in proportion to its labour hours', () => {
    // 1 % of the cleaning lot: 3 000 € × 50 % ÷ 30 €/h = 50 h out of 400 h.
    const g = grouping([1], [member('c1', 'COMPANY', [{ lot: 1, share: 0.99 }]), member('e1', 'ACI', [{ lot: 1, share: 0.01 }])]);
    expect(insertionCoverage(g, TENDER)).toEqual({ requiredHours: 400, coveredHours: 50, byMember: { c1: 0, e1: 50 } });
    expect(insertionCoverage(g, TENDER, { labourShare: 0.8, hourlyCostEur: 20 }).coveredHours).toBe(120);
  });

  it('V18: a staff provider covers what performers leave, split equally; COMPANY and EITI cover nothing', () => {
    const g = grouping([1, 2], [
      member('c1', 'COMPANY', [{ lot: 1, share: 0.99 }, { lot: 2, workPackage: 'PEINT', share: 1 }, { lot: 2, workPackage: 'MACON', share: 1 }]),
      member('e1', 'EI', [{ lot: 1, share: 0.01 }]),
      member('ai1', 'AI'),
      member('t1', 'ETTI'),
      member('x1', 'EITI'),
    ]);
    expect(insertionCoverage(g, TENDER)).toEqual({
      requiredHours: 1233,
      coveredHours: 1233,
      byMember: { c1: 0, e1: 50, ai1: 592, t1: 592, x1: 0 }, // (350 + 833) / 2 each, rounded
    });
  });

  it('never covers more than required, and nothing without inclusive members (property)', () => {
    const kinds = fc.constantFrom<StructureKind>('EI', 'ACI', 'AI', 'ETTI', 'EITI', 'GEIQ', 'EA', 'EATT', 'ESAT', 'COMPANY');
    fc.assert(
      fc.property(kinds, kinds, fc.double({ min: 0.001, max: 0.999, noNaN: true }), (kindA, kindB, share) => {
        const g = grouping([1], [member('c1', kindA, [{ lot: 1, share }]), member('e1', kindB, [{ lot: 1, share: 1 - share }])]);
        const { requiredHours, coveredHours } = insertionCoverage(g, TENDER);
        expect(coveredHours).toBeLessThanOrEqual(requiredHours);
        if (!countsForInsertion(kindA) && !countsForInsertion(kindB)) expect(coveredHours).toBe(0);
      }),
    );
  });
});
