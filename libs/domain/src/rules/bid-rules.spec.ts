import type { LotSpec, TenderSpec } from '../grouping';
import { bidAssignmentProblems, bidGrouping, checkBid, otherBidsByLot, type BidMemberShape, type BidShape } from './bid-rules';

const LOTS: LotSpec[] = [
  { number: 1, title: 'Nettoyage', estimatedAmountEur: 300_000, prestationType: 'PREST', reservation: 'NONE', sectors: [], workPackages: [], insertionHoursRequired: 0 },
  {
    number: 2,
    title: 'Réhabilitation',
    estimatedAmountEur: 1_000_000,
    prestationType: 'PREST',
    reservation: 'NONE',
    sectors: [],
    workPackages: [
      { code: 'PEINT', title: 'Peinture', share: 0.7, sectors: [] },
      { code: 'MACON', title: 'Maçonnerie', share: 0.3, sectors: [] },
    ],
    insertionHoursRequired: 0,
  },
  { number: 3, title: 'Espaces verts', estimatedAmountEur: 200_000, prestationType: 'PREST', reservation: 'L2113-13', sectors: [], workPackages: [], insertionHoursRequired: 0 },
];

const tender = (overrides: Partial<TenderSpec> = {}): TenderSpec => ({
  id: 't1',
  executionCommune: { code: '93048', department: '93', region: '11', location: { lat: 48.865, lon: 2.455 } },
  mandataireSolidaireRequired: false,
  multipleBidsForbidden: false,
  lots: LOTS,
  ...overrides,
});

const member = (structureId: string, kind: BidMemberShape['kind'], status: BidMemberShape['status'], assignments: BidMemberShape['assignments'] = []): BidMemberShape => ({
  structureId,
  kind,
  status,
  assignments,
});

/** Lot 2: the company leads and does the masonry, the EI paints; an ESAT declined. */
function bid(overrides: Partial<BidShape> = {}): BidShape {
  return {
    lots: [2],
    form: 'CONJOINT',
    mandataireSolidaire: true,
    mandataireStructureId: 'c1',
    members: [
      member('c1', 'COMPANY', 'accepted', [{ lot: 2, workPackage: 'MACON', share: 1 }]),
      member('e1', 'EI', 'accepted', [{ lot: 2, workPackage: 'PEINT', share: 1 }]),
      member('x1', 'ESAT', 'declined'),
    ],
    ...overrides,
  };
}

const rules = (items: { rule: string }[]) => items.map((item) => item.rule);

describe('bidGrouping', () => {
  it('keeps active members only, with the designated mandataire and each member’s assignments', () => {
    expect(bidGrouping(bid())).toEqual({
      lots: [2],
      form: 'CONJOINT',
      mandataireSolidaire: true,
      members: [
        { structureId: 'c1', kind: 'COMPANY', role: 'MANDATAIRE', assignments: [{ lot: 2, workPackage: 'MACON', share: 1 }] },
        { structureId: 'e1', kind: 'EI', role: 'COTRAITANT', assignments: [{ lot: 2, workPackage: 'PEINT', share: 1 }] },
      ],
    });
  });

  it('has no mandataire when the designated one is not an active member', () => {
    expect(bidGrouping(bid({ mandataireStructureId: 'x1' })).members.every((m) => m.role === 'COTRAITANT')).toBe(true);
  });
});

describe('otherBidsByLot', () => {
  it('expands each bid into one participation per lot', () => {
    expect(otherBidsByLot([{ lots: [1, 2], mandataireStructureId: 'c1', memberStructureIds: ['c1', 'e1'] }])).toEqual([
      { lot: 1, mandataireStructureId: 'c1', memberStructureIds: ['c1', 'e1'] },
      { lot: 2, mandataireStructureId: 'c1', memberStructureIds: ['c1', 'e1'] },
    ]);
  });
});

describe('checkBid', () => {
  it('passes a complete bid whose members all accepted; a declined member does not count', () => {
    expect(checkBid(bid(), tender())).toEqual({ violations: [], warnings: [] });
  });

  it('names every member that has not accepted yet', () => {
    const pending = bid();
    pending.members[1] = { ...pending.members[1], status: 'invited' };
    const { violations } = checkBid(pending, tender(), { members: { e1: { name: 'Peintures Solidaires' } } });
    expect(violations).toEqual([expect.objectContaining({ rule: 'MEMBERS_ACCEPTED', field: 'members[1]' })]);
    expect(violations[0].message).toContain('Peintures Solidaires');
  });

  it('V2: no mandataire when none is designated', () => {
    expect(rules(checkBid(bid({ mandataireStructureId: null }), tender()).violations)).toContain('V2');
  });

  it('V3: the mandataire already leads another submitted group on the same lot; other lots are fine', () => {
    const other = { lots: [2], mandataireStructureId: 'c1', memberStructureIds: ['c1', 'z9'] };
    expect(rules(checkBid(bid(), tender(), { otherBids: [other] }).violations)).toEqual(['V3']);
    expect(checkBid(bid(), tender(), { otherBids: [{ ...other, lots: [1] }] }).violations).toEqual([]);
  });

  it('V4: a member bidding elsewhere on the lot is refused only when the tender forbids multiple bids', () => {
    const other = { lots: [2], mandataireStructureId: 'z9', memberStructureIds: ['z9', 'e1'] };
    expect(checkBid(bid(), tender(), { otherBids: [other] }).violations).toEqual([]);
    const { violations } = checkBid(bid(), tender({ multipleBidsForbidden: true }), { otherBids: [other] });
    expect(violations).toEqual([expect.objectContaining({ rule: 'V4', field: 'members[1]' })]);
  });

  it('V5: a required mandataire solidaire', () => {
    expect(rules(checkBid(bid({ mandataireSolidaire: false }), tender({ mandataireSolidaireRequired: true })).violations)).toEqual(['V5']);
  });

  it('V7: a lot not fully shared out', () => {
    const partial = bid();
    partial.members[1] = { ...partial.members[1], assignments: [{ lot: 2, workPackage: 'PEINT', share: 0.5 }] };
    expect(rules(checkBid(partial, tender()).violations)).toEqual(['V7']);
  });

  it('V13: a company may not be part of a group answering a reserved lot, even without work on it', () => {
    const reserved = bid({ lots: [2, 3] });
    reserved.members[1] = { ...reserved.members[1], assignments: [...reserved.members[1].assignments, { lot: 3, share: 1 }] };
    expect(rules(checkBid(reserved, tender()).violations)).toEqual(['V13']);
  });

  it('warns without blocking: a conjoint lot shared between members, uncertain eligibility (EITI)', () => {
    const shared = bid({ lots: [3], mandataireStructureId: 'e1' });
    shared.members = [member('e1', 'EI', 'accepted', [{ lot: 3, share: 0.5 }]), member('t1', 'EITI', 'accepted', [{ lot: 3, share: 0.5 }])];
    const { violations, warnings } = checkBid(shared, tender());
    expect(violations).toEqual([]);
    expect(rules(warnings)).toEqual(expect.arrayContaining(['V7', 'V13']));
  });
});

describe('bidAssignmentProblems', () => {
  const scope = { lots: [1, 2], tenderLots: LOTS, memberIds: ['c1', 'e1'] };

  it('accepts a partial split while forming', () => {
    expect(bidAssignmentProblems([{ structureId: 'c1', lot: 1, share: 0.4 }, { structureId: 'e1', lot: 2, workPackage: 'PEINT', share: 1 }], scope)).toEqual([]);
  });

  it('names each faulty field', () => {
    const problems = bidAssignmentProblems(
      [
        { structureId: 'zz', lot: 1, share: 0.5 }, // not a member
        { structureId: 'c1', lot: 3, share: 0.5 }, // lot outside the bid
        { structureId: 'c1', lot: 2, share: 0.5 }, // work package missing
        { structureId: 'c1', lot: 1, workPackage: 'PEINT', share: 0.5 }, // lot 1 has no work packages
        { structureId: 'e1', lot: 2, workPackage: 'NOPE', share: 0.5 }, // unknown work package
        { structureId: 'e1', lot: 1, share: 0 }, // share out of (0, 1]
        { structureId: 'e1', lot: 1, share: 1.5 },
      ],
      scope,
    );
    expect(problems.map((p) => p.field)).toEqual([
      'assignments[0].structureId',
      'assignments[1].lot',
      'assignments[2].workPackage',
      'assignments[3].workPackage',
      'assignments[4].workPackage',
      'assignments[5].share',
      'assignments[6].share',
    ]);
  });

  it('refuses a member twice on one unit, and a lot shared beyond 100 %', () => {
    const problems = bidAssignmentProblems(
      [
        { structureId: 'c1', lot: 1, share: 0.6 },
        { structureId: 'c1', lot: 1, share: 0.1 },
        { structureId: 'e1', lot: 1, share: 0.6 },
      ],
      scope,
    );
    expect(problems).toEqual([
      { field: 'assignments[1]', message: expect.stringContaining('déjà une part') },
      { field: 'assignments', message: expect.stringContaining('au-delà de 100 %') },
    ]);
  });
});
