import fc from 'fast-check';
import type { GroupMember, Grouping, LotSpec, TenderSpec } from '../grouping';
import type { GroupForm, StructureKind } from '../vocabulary';
import { checkGrouping, type GroupingCheckContext } from './grouping-rules';

// Lot 2 is the rule sheet's V17 building example: 1 M€, 50 % labour, 5 %, 30 €/h → 833 h.
const LOTS: LotSpec[] = [
  { number: 1, title: 'Nettoyage', estimatedAmountEur: 300_000, prestationType: 'PREST', reservation: 'NONE', sectors: ['NETTOYAGE_LOCAUX'], workPackages: [], insertionHoursRequired: 400 },
  {
    number: 2,
    title: 'Réhabilitation',
    estimatedAmountEur: 1_000_000,
    prestationType: 'PREST',
    reservation: 'NONE',
    sectors: ['PEINTURE', 'MACONNERIE'],
    workPackages: [
      { code: 'PEINT', title: 'Peinture', share: 0.7, sectors: ['PEINTURE'] },
      { code: 'MACON', title: 'Maçonnerie', share: 0.3, sectors: ['MACONNERIE'] },
    ],
    insertionHoursRequired: 833,
  },
  { number: 3, title: 'Espaces verts', estimatedAmountEur: 200_000, prestationType: 'PREST', reservation: 'L2113-13', sectors: ['ENTRETIEN_JARDINS'], workPackages: [], insertionHoursRequired: 0 },
  { number: 4, title: 'Intérim', estimatedAmountEur: 100_000, prestationType: 'DISP', reservation: 'NONE', sectors: ['INTERIM'], workPackages: [], insertionHoursRequired: 0 },
];

const TENDER: TenderSpec = {
  id: 'tender-1',
  executionCommune: { code: '93048', department: '93', region: '11', location: { lat: 48.865, lon: 2.455 } },
  mandataireSolidaireRequired: false,
  multipleBidsForbidden: false,
  lots: LOTS,
};

const NAMES: Record<string, string> = {
  c1: 'Bâtir Plus',
  e1: 'Peintures Solidaires',
  a1: 'Jardins du Cœur',
  ai1: 'Coup de Main',
  eiti1: 'Indépendants Solidaires',
  g1: 'GEIQ Propreté',
};
const CONTEXT: GroupingCheckContext = { members: Object.fromEntries(Object.entries(NAMES).map(([id, name]) => [id, { name }])) };

function member(structureId: string, kind: StructureKind, assignments: GroupMember['assignments'] = [], role: GroupMember['role'] = 'COTRAITANT'): GroupMember {
  return { structureId, kind, role, assignments };
}

/** Lot 2 split cleanly: the company does the masonry and leads, the EI paints. */
function buildingGroup(overrides: Partial<Grouping> = {}): Grouping {
  return {
    lots: [2],
    form: 'CONJOINT',
    mandataireSolidaire: true,
    members: [
      member('c1', 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: 1 }], 'MANDATAIRE'),
      member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 1 }]),
    ],
    ...overrides,
  };
}

const check = (grouping: Grouping, tender: TenderSpec = TENDER, context: GroupingCheckContext = CONTEXT) => checkGrouping(grouping, tender, context);
const rules = (items: { rule: string }[]) => items.map((item) => item.rule);

describe('checkGrouping', () => {
  it('accepts a clean conjoint group with a detailed split, and has nothing to warn about', () => {
    expect(check(buildingGroup())).toEqual({ violations: [], warnings: [] });
  });

  describe('V1 form', () => {
    it('V1: rejects an unknown form', () => {
      const { violations } = check(buildingGroup({ form: 'MIXTE' as GroupForm }));
      expect(violations).toEqual([expect.objectContaining({ rule: 'V1', field: 'form' })]);
      expect(violations[0].message).toMatch(/conjoint ou solidaire/);
    });

    it('V1: a conjoint group must say whether its mandataire is solidaire', () => {
      const { violations } = check(buildingGroup({ mandataireSolidaire: undefined as unknown as boolean }));
      expect(violations).toEqual([expect.objectContaining({ rule: 'V1', field: 'mandataireSolidaire' })]);
    });
  });

  describe('V2 mandataire and duplicate members', () => {
    it('V2: rejects a group without mandataire, citing the substantial defect', () => {
      const grouping = buildingGroup();
      grouping.members[0] = { ...grouping.members[0], role: 'COTRAITANT' };
      const { violations } = check(grouping);
      expect(violations).toEqual([expect.objectContaining({ rule: 'V2', field: 'mandataireStructureId' })]);
      expect(violations[0].message).toMatch(/vice substantiel/);
    });

    it('V2: rejects two mandataires and names them', () => {
      const grouping = buildingGroup();
      grouping.members[1] = { ...grouping.members[1], role: 'MANDATAIRE' };
      const { violations } = check(grouping);
      expect(rules(violations)).toEqual(['V2']);
      expect(violations[0].message).toContain('« Bâtir Plus » (COMPANY) et « Peintures Solidaires » (EI)');
    });

    it('V2: rejects a group with no member at all', () => {
      expect(rules(check(buildingGroup({ members: [] })).violations)).toContain('V2');
    });

    it('rejects a member listed twice', () => {
      const grouping = buildingGroup();
      grouping.members.push(member('e1', 'EI'));
      const { violations } = check(grouping);
      expect(violations).toEqual([expect.objectContaining({ rule: 'DUPLICATE_MEMBER', field: 'members[2]' })]);
    });
  });

  describe('V3 and V4 other bids', () => {
    const otherGroupLedByC1 = (lot: number) => ({ lot, mandataireStructureId: 'c1', memberStructureIds: ['c1', 'x9'] });

    it('V3: the mandataire may not lead another group on the same lot', () => {
      const { violations } = check(buildingGroup(), TENDER, { ...CONTEXT, otherBidsOfMembers: [otherGroupLedByC1(2)] });
      expect(violations).toEqual([expect.objectContaining({ rule: 'V3', field: 'mandataireStructureId' })]);
      expect(violations[0].message).toMatch(/lot 2/);
    });

    it('V3: leading groups on different lots is allowed (1 lot = 1 marché)', () => {
      expect(check(buildingGroup(), TENDER, { ...CONTEXT, otherBidsOfMembers: [otherGroupLedByC1(1)] }).violations).toEqual([]);
    });

    it('V3: a bid alone by the mandataire on the same lot is not a second group', () => {
      const alone = { lot: 2, mandataireStructureId: 'c1', memberStructureIds: ['c1'] };
      expect(check(buildingGroup(), TENDER, { ...CONTEXT, otherBidsOfMembers: [alone] }).violations).toEqual([]);
    });

    it('V4: when multiple bids are forbidden, a member may appear in only one bid per lot', () => {
      const forbidding = { ...TENDER, multipleBidsForbidden: true };
      const eiAlone = { lot: 2, mandataireStructureId: 'e1', memberStructureIds: ['e1'] };
      const { violations } = check(buildingGroup(), forbidding, { ...CONTEXT, otherBidsOfMembers: [eiAlone, eiAlone] });
      expect(violations).toEqual([expect.objectContaining({ rule: 'V4', field: 'members[1]' })]);
      expect(violations[0].message).toMatch(/interdit les offres multiples/);
      // Same bid on another lot, or multiple bids allowed: fine (TA Lyon 26/02/2025).
      expect(check(buildingGroup(), forbidding, { ...CONTEXT, otherBidsOfMembers: [{ ...eiAlone, lot: 1 }] }).violations).toEqual([]);
      expect(check(buildingGroup(), TENDER, { ...CONTEXT, otherBidsOfMembers: [eiAlone] }).violations).toEqual([]);
    });
  });

  describe('V5 mandataire solidaire and V6 form after award', () => {
    const requiring = { ...TENDER, mandataireSolidaireRequired: true };

    it('V5: a required mandataire solidaire rejects a conjoint group without one', () => {
      const { violations } = check(buildingGroup({ mandataireSolidaire: false }), requiring);
      expect(violations).toEqual([expect.objectContaining({ rule: 'V5', field: 'mandataireSolidaire' })]);
      expect(check(buildingGroup({ mandataireSolidaire: true }), requiring).violations).toEqual([]);
      expect(check(buildingGroup({ form: 'SOLIDAIRE', mandataireSolidaire: false }), requiring).violations).toEqual([]);
    });

    it('V6: a different form required after award is a warning, never a rejection', () => {
      const result = check(buildingGroup(), TENDER, { ...CONTEXT, requiredFormAfterAward: 'SOLIDAIRE' });
      expect(result.violations).toEqual([]);
      expect(result.warnings).toEqual([expect.objectContaining({ rule: 'V6' })]);
      expect(result.warnings[0].message).toMatch(/devra le devenir.*pas un motif de rejet/);
      expect(check(buildingGroup(), TENDER, { ...CONTEXT, requiredFormAfterAward: 'CONJOINT' }).warnings).toEqual([]);
    });
  });

  describe('V7 assignments', () => {
    it('V7: every work package must be fully shared out', () => {
      const grouping = buildingGroup();
      grouping.members[1] = member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 0.8 }]);
      const { violations } = check(grouping);
      expect(violations).toEqual([expect.objectContaining({ rule: 'V7', field: 'assignments' })]);
      expect(violations[0].message).toBe(
        'Lot 2, prestation « Peinture » : les parts des membres totalisent 80 % au lieu de 100 % ; tout le lot doit être réparti (V7).',
      );
    });

    it('V7: a lot of the grouping nobody takes is reported at 0 %', () => {
      const { violations } = check(buildingGroup({ lots: [2, 1] }));
      expect(violations.map((v) => v.message)).toEqual([expect.stringMatching(/^Lot 1 : les parts des membres totalisent 0 %/)]);
    });

    it('V7: tolerates rounding within 0.001', () => {
      const grouping = buildingGroup();
      grouping.members[0].assignments.push({ lot: 2, workPackage: 'PEINT', share: 0.3333 });
      grouping.members[1] = member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 0.6666 }]);
      expect(check(grouping).violations).toEqual([]);
    });

    it('V7: rejects assignments outside the grouping, to unknown or missing work packages, and invalid shares', () => {
      const grouping = buildingGroup();
      grouping.members[1] = member('e1', 'EI', [
        { lot: 2, workPackage: 'PEINT', share: 1 },
        { lot: 1, share: 0.5 }, // lot 1 is not in the grouping
        { lot: 2, workPackage: 'PLOMB', share: 0.1 }, // no such work package
        { lot: 2, share: 0.1 }, // lot 2 has work packages
        { lot: 2, workPackage: 'PEINT', share: -0.2 },
      ]);
      const { violations } = check(grouping);
      expect(violations.map((v) => v.field)).toEqual([
        'members[1].assignments[1]',
        'members[1].assignments[2]',
        'members[1].assignments[3]',
        'members[1].assignments[4]',
      ]);
      expect(violations.map((v) => v.message)).toEqual([
        expect.stringMatching(/lot 1, qui ne fait pas partie du groupement/),
        expect.stringMatching(/pas de prestation « PLOMB »/),
        expect.stringMatching(/préciser laquelle/),
        expect.stringMatching(/part invalide/),
      ]);
    });

    it('V7: rejects a work package on a lot that has none, lots missing from the tender, and no lot at all', () => {
      const onLot1 = { ...buildingGroup(), lots: [1] };
      onLot1.members = [member('c1', 'COMPANY', [{ lot: 1, workPackage: 'X', share: 1 }], 'MANDATAIRE')];
      expect(check(onLot1).violations.map((v) => v.message)).toEqual([
        expect.stringMatching(/n'est pas découpé en prestations/),
        expect.stringMatching(/^Lot 1 : les parts des membres totalisent 0 %/),
      ]);
      expect(check(buildingGroup({ lots: [2, 9] })).violations).toEqual([
        expect.objectContaining({ rule: 'V7', field: 'lots', message: "Le lot 9 n'existe pas dans ce marché (V7)." }),
      ]);
      expect(rules(check(buildingGroup({ lots: [] })).violations)).toContain('V7');
    });

    it('V7: in a conjoint group, a package shared between members warns that each may be liable for all', () => {
      const grouping = buildingGroup();
      grouping.members = [
        member('c1', 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: 1 }, { lot: 2, workPackage: 'PEINT', share: 0.5 }], 'MANDATAIRE'),
        member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 0.5 }]),
      ];
      const { violations, warnings } = check(grouping);
      expect(violations).toEqual([]);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V7' })]);
      expect(warnings[0].message).toMatch(/Peinture.*« Bâtir Plus » \(COMPANY\) et « Peintures Solidaires » \(EI\).*chaque membre est engagé pour l'ensemble/);
      expect(check({ ...grouping, form: 'SOLIDAIRE' }).warnings).toEqual([]);
    });

    it('V7: any valid split of a lot passes, and member amounts add up to the lot (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 999 }), (a, b) => {
          const painterShare = a / 1000;
          const grouping = buildingGroup();
          grouping.members = [
            member('c1', 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: b / 1000 }, { lot: 2, workPackage: 'PEINT', share: 1 - painterShare }], 'MANDATAIRE'),
            member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: painterShare }, { lot: 2, workPackage: 'MACON', share: 1 - b / 1000 }]),
          ];
          const result = checkGrouping({ ...grouping, form: 'SOLIDAIRE' }, TENDER, CONTEXT);
          expect(result.violations).toEqual([]);
        }),
      );
    });
  });

  describe('V13 reserved lots', () => {
    /** Lot 2 plus the L2113-13 reserved lot 3, which only the ACI performs. */
    function withReservedLot(kinds: Partial<Record<string, StructureKind>> = {}): Grouping {
      return {
        lots: [2, 3],
        form: 'CONJOINT',
        mandataireSolidaire: false,
        members: [
          member('c1', kinds.c1 ?? 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: 1 }], 'MANDATAIRE'),
          member('e1', 'EI', [{ lot: 2, workPackage: 'PEINT', share: 1 }]),
          member('a1', 'ACI', [{ lot: 3, share: 1 }]),
        ],
      };
    }

    it('V13: a company with no work on the reserved lot still makes the whole grouping ineligible (DAJ 2011)', () => {
      const { violations } = check(withReservedLot());
      expect(violations).toEqual([expect.objectContaining({ rule: 'V13', field: 'members[0]' })]);
      expect(violations[0].message).toMatch(/^Réservation L2113-13 \(lot 3\) : « Bâtir Plus » \(COMPANY\) ne peut pas faire partie du groupement\./);
      expect(violations[0].message).toMatch(/même sans part sur ce lot/);
    });

    it('V13: an EITI (UNVERIFIED eligibility) gets a warning, not a rejection', () => {
      const { violations, warnings } = check(withReservedLot({ c1: 'EITI' }));
      expect(violations).toEqual([]);
      expect(rules(warnings)).toEqual(['V13', 'V22']); // V22: the ACI's figures are unknown
      expect(warnings[0].message).toMatch(/^Réservation L2113-13 \(lot 3\) : éligibilité de « Bâtir Plus » \(EITI\) à vérifier\./);
      expect(warnings[0].message).toMatch(/L5132-4/);
    });

    it('V13: a group of SIAE only passes', () => {
      expect(check(withReservedLot({ c1: 'EI' })).violations).toEqual([]);
    });

    it('V16: on an ESS-reserved lot, every member gets an "à vérifier" warning and none is rejected', () => {
      const essTender = { ...TENDER, lots: LOTS.map((lot) => (lot.number === 3 ? { ...lot, reservation: 'L2113-15' as const } : lot)) };
      const { violations, warnings } = check(withReservedLot(), essTender);
      expect(violations).toEqual([]);
      expect(rules(warnings)).toEqual(['V16', 'V16', 'V16', 'V22']);
    });
  });

  describe('V8 capacity', () => {
    it('V8: a solidaire group is assessed on its cumulated revenue and names members without figures', () => {
      const grouping = buildingGroup({ form: 'SOLIDAIRE' });
      grouping.members[0].annualRevenueEur = 600_000;
      const { warnings } = check(grouping);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V8' })]);
      expect(warnings[0].message).toMatch(/cumulé des membres de 600 k€ \(chiffre d'affaires inconnu pour « Peintures Solidaires » \(EI\)\) pour 1 M€ de lots/);
      const context = { members: { ...CONTEXT.members, e1: { name: 'Peintures Solidaires', annualRevenueEur: 500_000 } } };
      expect(check(grouping, TENDER, context).warnings).toEqual([]);
    });

    it('V8: in a conjoint group each member is compared with its own share', () => {
      const grouping = buildingGroup({ mandataireSolidaire: false });
      grouping.members[0].annualRevenueEur = 2_000_000;
      grouping.members[1].annualRevenueEur = 400_000; // paints 700 k€
      const { warnings } = check(grouping);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V8' })]);
      expect(warnings[0].message).toMatch(/« Peintures Solidaires » \(EI\) réalise un chiffre d'affaires de 400 k€ pour une part de 700 k€/);
    });

    it('V8: a mandataire solidaire smaller than the contract is warned about the risk it carries', () => {
      const grouping = buildingGroup({ mandataireSolidaire: true });
      grouping.members[0].annualRevenueEur = 500_000; // masonry 300 k€ ≤ revenue, but liable for 1 M€
      const { warnings } = check(grouping);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V8' })]);
      expect(warnings[0].message).toMatch(/^Mandataire solidaire : « Bâtir Plus » \(COMPANY\) répond de la défaillance/);
    });
  });

  describe('V18, V19, V20, V21, V22 insertion and kinds', () => {
    it('V18: hours the members cannot cover are flagged for direct hiring or staff provision', () => {
      const grouping: Grouping = {
        lots: [1],
        form: 'SOLIDAIRE',
        mandataireSolidaire: false,
        members: [member('c1', 'COMPANY', [{ lot: 1, share: 0.5 }], 'MANDATAIRE'), member('eiti1', 'EITI', [{ lot: 1, share: 0.5 }])],
      };
      const { warnings } = check(grouping);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V18' })]);
      expect(warnings[0].message).toMatch(/^Heures d'insertion : 0 h couvertes par les membres sur 400 h demandées/);
    });

    it('V19: an AI supplying more than 480 h must plan several workers', () => {
      const grouping = buildingGroup();
      grouping.members = [
        member('c1', 'COMPANY', [{ lot: 2, workPackage: 'MACON', share: 1 }, { lot: 2, workPackage: 'PEINT', share: 1 }], 'MANDATAIRE'),
        member('ai1', 'AI'),
      ];
      const { violations, warnings } = check(grouping);
      expect(violations).toEqual([]);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V19' })]);
      expect(warnings[0].message).toMatch(/« Coup de Main » \(AI\) : 833 h d'insertion.*480 h sur 24 mois.*au moins 2 salariés/);
    });

    it('V20: a GEIQ only provides staff to its member firms', () => {
      const grouping = buildingGroup();
      grouping.members.push(member('g1', 'GEIQ'));
      expect(check(grouping).warnings).toEqual([expect.objectContaining({ rule: 'V20', message: expect.stringMatching(/adhérentes du GEIQ/) })]);
    });

    it('V21: an AI performing a service lot is warned; on a staff-provision lot it is not', () => {
      const onService: Grouping = {
        lots: [1],
        form: 'SOLIDAIRE',
        mandataireSolidaire: false,
        members: [member('c1', 'COMPANY', [{ lot: 1, share: 0.6 }], 'MANDATAIRE'), member('ai1', 'AI', [{ lot: 1, share: 0.4 }])],
      };
      const { warnings } = check(onService);
      expect(rules(warnings)).toEqual(['V21']);
      expect(warnings[0].message).toMatch(/« Coup de Main » \(AI\) exécute une part du lot 1 \(prestation de service\)/);
      const onDisp: Grouping = {
        ...onService,
        lots: [4],
        members: [member('c1', 'COMPANY', [{ lot: 4, share: 0.6 }], 'MANDATAIRE'), member('ai1', 'AI', [{ lot: 4, share: 0.4 }])],
      };
      expect(check(onDisp).warnings).toEqual([]);
    });

    it('V22: an ACI whose receipts would exceed 30 % of its charges is warned; 50 % with derogation', () => {
      const grouping: Grouping = {
        lots: [3],
        form: 'SOLIDAIRE',
        mandataireSolidaire: false,
        members: [member('e1', 'EI', [{ lot: 3, share: 0.5 }], 'MANDATAIRE'), member('a1', 'ACI', [{ lot: 3, share: 0.5 }])],
      };
      const facts = (extra: object): GroupingCheckContext => ({
        members: { ...CONTEXT.members, a1: { name: 'Jardins du Cœur', commercialReceiptsShare: 0.25, activityChargesEur: 400_000, ...extra } },
      });
      // 100 k€ of receipts in one year on 400 k€ of charges: 25 % + 25 % = 50 %.
      const over = check(grouping, TENDER, facts({}));
      expect(over.warnings).toEqual([expect.objectContaining({ rule: 'V22' })]);
      expect(over.warnings[0].message).toBe(
        "« Jardins du Cœur » (ACI), pour une part de 100 k€ : ses recettes commerciales atteindraient environ 50 % de ses charges d'activité, au-delà du plafond de 30 % (50 % avec dérogation du préfet) (V22, D5132-34).",
      );
      expect(check(grouping, TENDER, facts({ commercialReceiptsDerogation: true })).warnings).toEqual([]);
      // Over four years the same share is 25 k€ a year: 31,25 % → still above 30 %; over 8 years 28 %: fine.
      expect(rules(check(grouping, TENDER, { ...facts({}), durationMonths: 48 }).warnings)).toEqual(['V22']);
      expect(check(grouping, TENDER, { ...facts({}), durationMonths: 96 }).warnings).toEqual([]);
    });

    it('V22: without the ACI figures, a reminder is shown', () => {
      const grouping: Grouping = {
        lots: [3],
        form: 'SOLIDAIRE',
        mandataireSolidaire: false,
        members: [member('e1', 'EI', [{ lot: 3, share: 0.5 }], 'MANDATAIRE'), member('a1', 'ACI', [{ lot: 3, share: 0.5 }])],
      };
      const { warnings } = check(grouping);
      expect(warnings).toEqual([expect.objectContaining({ rule: 'V22' })]);
      expect(warnings[0].message).toMatch(/vérifier que ses recettes commerciales restent sous 30 % de ses charges d'activité \(50 % avec dérogation du préfet\) ; ses chiffres ne sont pas renseignés/);
    });
  });
});
