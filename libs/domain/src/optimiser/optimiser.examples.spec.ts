// Worked examples (docs/domain-rules §2, §3): a tender with a lot reserved L2113-13 and an open lot
// with insertion hours, answered from an ordinary company or from an EI.
import type { Highs } from 'highs';
import type { TenderSpec } from '../grouping';
import { defaultLots } from './default-lots';
import { greedyBaseline } from './greedy';
import { optimiseGroupings } from './optimise';
import { loadHighsSolver } from './solver';
import type { OptimiserCandidate, OptimiserInput } from './types';

const LYON = { lat: 45.758, lon: 4.835 };
const VILLEURBANNE = { lat: 45.7719, lon: 4.8902 };
const VENISSIEUX = { lat: 45.6975, lon: 4.8867 };
const GRENOBLE = { lat: 45.1885, lon: 5.7245 };

const tender: TenderSpec = {
  id: 'tender-lyon-2026',
  executionCommune: { code: '69123', department: '69', region: '84', location: LYON },
  mandataireSolidaireRequired: true,
  multipleBidsForbidden: true,
  lots: [
    {
      number: 1,
      title: 'Nettoyage des locaux',
      estimatedAmountEur: 400_000,
      prestationType: 'PREST',
      reservation: 'NONE',
      sectors: ['nettoyage'],
      workPackages: [
        { code: 'VITR', title: 'Vitrerie', share: 0.3, sectors: ['nettoyage'] },
        { code: 'SOLS', title: 'Sols et surfaces', share: 0.7, sectors: ['nettoyage'] },
      ],
      insertionHoursRequired: 667,
    },
    {
      number: 2,
      title: 'Entretien des espaces verts',
      estimatedAmountEur: 120_000,
      prestationType: 'PREST',
      reservation: 'L2113-13',
      sectors: ['espaces-verts'],
      workPackages: [],
      insertionHoursRequired: 0,
    },
  ],
};

function candidate(overrides: Partial<OptimiserCandidate> & Pick<OptimiserCandidate, 'structureId' | 'name' | 'kind'>): OptimiserCandidate {
  return {
    siret: '00000000000000',
    location: LYON,
    servesExecutionPlace: true,
    sectors: [],
    lotScores: {},
    openToCoContracting: true,
    ...overrides,
  };
}

const catalogue: OptimiserCandidate[] = [
  candidate({ structureId: 'propre-rhone', name: 'Propreté Rhône', kind: 'COMPANY', location: VILLEURBANNE, sectors: ['nettoyage'], lotScores: { 1: 85 }, annualRevenueEur: 5_000_000 }),
  candidate({
    structureId: 'net-insertion',
    name: 'Net’Insertion',
    kind: 'EI',
    location: VENISSIEUX,
    sectors: ['nettoyage', 'espaces-verts'],
    lotScores: { 1: 75, 2: 55 },
    workPackageScores: { '1:VITR': 92 },
    annualRevenueEur: 900_000,
  }),
  candidate({ structureId: 'jardins-gerland', name: 'Les Jardins de Gerland', kind: 'ACI', sectors: ['espaces-verts'], lotScores: { 2: 95 }, annualRevenueEur: 300_000, commercialReceiptsShare: 0.35 }),
  candidate({ structureId: 'intermed', name: 'Intermed Lyon', kind: 'AI', location: VILLEURBANNE, sectors: ['nettoyage'], lotScores: {} }),
  candidate({ structureId: 'geiq-proprete', name: 'GEIQ Propreté', kind: 'GEIQ', sectors: ['nettoyage'], lotScores: { 1: 70 } }),
  candidate({ structureId: 'eiti-coop', name: 'Coop’Indépendants', kind: 'EITI', sectors: ['espaces-verts'], lotScores: { 2: 60 } }),
  candidate({ structureId: 'ei-grenoble', name: 'Alpes Insertion', kind: 'EI', location: GRENOBLE, servesExecutionPlace: false, lotScores: { 1: 99, 2: 99 } }),
];

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighsSolver();
});

describe('defaultLots', () => {
  it('leaves a reserved lot out for an ineligible anchor and says why', () => {
    const result = defaultLots(tender, { kind: 'COMPANY', name: 'Propreté Rhône' });
    expect(result.lots).toEqual([1]);
    expect(result.explanations).toHaveLength(1);
    expect(result.explanations[0]).toMatch(/^Lot 2 écarté : réservé L2113-13/);
    expect(result.explanations[0]).toContain('V13');
  });

  it('keeps every lot without an anchor or for an eligible anchor', () => {
    expect(defaultLots(tender).lots).toEqual([1, 2]);
    expect(defaultLots(tender, { kind: 'EI', name: 'Net’Insertion' }).lots).toEqual([1, 2]);
    expect(defaultLots(tender, { kind: 'EITI', name: 'Coop' }).lots).toEqual([1, 2]); // uncertain → kept, warned
  });
});

describe('optimiseGroupings — examples', () => {
  const base: OptimiserInput = { tender, candidates: catalogue };

  it('anchor COMPANY: the reserved lot is left out of the default lots, with an explanation', async () => {
    const result = await optimiseGroupings({ ...base, anchorStructureId: 'propre-rhone' }, highs);
    expect(result.lots).toEqual([1]);
    const leftOut = result.explanations.find((e) => e.startsWith('Lot 2 écarté : réservé L2113-13'));
    expect(leftOut).toContain('Propreté Rhône');
    expect(leftOut).toContain('V13');
    expect(result.proposals.length).toBeGreaterThan(0);
    for (const proposal of result.proposals) {
      expect(proposal.lots).toEqual([1]);
      expect(proposal.members.map((m) => m.structureId)).toContain('propre-rhone');
      expect(proposal.explanations.some((e) => e.startsWith('Mandataire : '))).toBe(true);
      expect(proposal.warnings.some((w) => w.includes('V4'))).toBe(true); // multiple bids forbidden
    }
    // The best grouping pairs the company with the EI specialist of the windows, which carries the clause.
    const [best] = result.proposals;
    expect(best.members.map((m) => m.structureId).sort()).toEqual(['net-insertion', 'propre-rhone']);
    expect(best.insertion).toEqual({ requiredHours: 667, coveredHours: 667 });
    expect(best.explanations).toContain(
      'Lot 1 : prestation « Vitrerie » confiée à l’EI Net’Insertion (100 %) ; prestation « Sols et surfaces » confiée à l’entreprise Propreté Rhône (100 %).',
    );
  });

  it('solidaire: the requesting company always performs part of the work, never a 0 € / 0 h member', async () => {
    // A weak anchor (low fit, far from the others' quality): left to itself, the model would give it nothing.
    const weakAnchor = catalogue.map((c) => (c.structureId === 'propre-rhone' ? { ...c, lotScores: { 1: 5 } } : c));
    const result = await optimiseGroupings({ ...base, candidates: weakAnchor, anchorStructureId: 'propre-rhone', forms: ['SOLIDAIRE'], topK: 5 }, highs);
    expect(result.proposals.length).toBeGreaterThan(0);
    for (const proposal of result.proposals) {
      const anchor = proposal.members.find((m) => m.structureId === 'propre-rhone')!;
      expect(anchor.estimatedAmountEur).toBeGreaterThanOrEqual(0.25 * 0.3 * 400_000 - 1); // a quarter of the smallest package at least
      expect(proposal.explanations[0]).toContain('L’entreprise Propreté Rhône, qui demande ces propositions, y réalise donc toujours une part des travaux');
    }
    const greedy = greedyBaseline({ ...base, candidates: weakAnchor, anchorStructureId: 'propre-rhone', forms: ['SOLIDAIRE'] });
    if (greedy) expect(greedy.members.find((m) => m.structureId === 'propre-rhone')!.estimatedAmountEur).toBeGreaterThan(0);
  });

  it('openness to co-contracting: a declared "no" excludes, a register row its owner never updated is proposed with a warning', async () => {
    const withOpenness = (openToCoContracting: OptimiserCandidate['openToCoContracting']) =>
      catalogue.map((c) => (c.structureId === 'net-insertion' ? { ...c, openToCoContracting } : c));
    const closed = await optimiseGroupings({ ...base, candidates: withOpenness(false), anchorStructureId: 'propre-rhone' }, highs);
    for (const proposal of closed.proposals) expect(proposal.members.map((m) => m.structureId)).not.toContain('net-insertion');

    const undeclared = await optimiseGroupings({ ...base, candidates: withOpenness('undeclared'), anchorStructureId: 'propre-rhone' }, highs);
    const [best] = undeclared.proposals;
    expect(best.members.map((m) => m.structureId)).toContain('net-insertion');
    expect(best.warnings).toContain(
      'L’EI Net’Insertion n’a pas encore déclaré son ouverture à la cotraitance (fiche issue du registre, pas encore mise à jour par la structure) : à contacter avant de constituer le groupement.',
    );
  });

  it('anchor COMPANY asking for the reserved lot explicitly: no grouping, and the run says why', async () => {
    const result = await optimiseGroupings({ ...base, lots: [1, 2], anchorStructureId: 'propre-rhone' }, highs);
    expect(result.proposals).toEqual([]);
    expect(result.explanations.some((e) => e.includes('réservé L2113-13') && e.includes('V13'))).toBe(true);
  });

  it('anchor EI: lawful proposals on both lots, the reserved lot given to eligible structures only', async () => {
    const result = await optimiseGroupings({ ...base, anchorStructureId: 'net-insertion' }, highs);
    expect(result.lots).toEqual([1, 2]);
    expect(result.proposals.length).toBe(5);
    for (const proposal of result.proposals) {
      const kinds = proposal.members.map((m) => m.kind);
      expect(proposal.members.map((m) => m.structureId)).toContain('net-insertion');
      expect(kinds).not.toContain('COMPANY');
      expect(kinds).not.toContain('GEIQ');
      expect(proposal.mandataireSolidaire).toBe(true); // V5: required by the buyer
      expect(proposal.members.filter((m) => m.role === 'MANDATAIRE').map((m) => m.structureId)).toEqual(['net-insertion']);
    }
    const [best] = result.proposals;
    expect(best.explanations.some((e) => e.startsWith('Lot 2 réservé L2113-13 : confié à l’ACI Les Jardins de Gerland (100 %)'))).toBe(true);
    expect(best.warnings.some((w) => w.includes('recettes commerciales') && w.includes('V22'))).toBe(true);
    const withEiti = result.proposals.find((p) => p.members.some((m) => m.kind === 'EITI'));
    expect(withEiti?.warnings.some((w) => w.startsWith('Éligibilité incertaine de l’EITI'))).toBe(true);
    const conjoint = result.proposals.find((p) => p.form === 'CONJOINT');
    expect(conjoint?.warnings.some((w) => w.includes('V6'))).toBe(true);
  });

  it('an ACI whose declared kind no admin confirmed is kept off reserved-lot groupings, and the run says so (item 8)', async () => {
    const unverified = catalogue.map((c) => (c.structureId === 'jardins-gerland' ? { ...c, kindVerified: false } : c));
    const result = await optimiseGroupings({ ...base, candidates: unverified, anchorStructureId: 'net-insertion' }, highs);
    expect(result.proposals.length).toBeGreaterThan(0);
    for (const proposal of result.proposals) expect(proposal.members.map((m) => m.structureId)).not.toContain('jardins-gerland');
    expect(result.explanations).toContain(
      '1 candidate(s) écartée(s) des lots réservés : structure(s) non vérifiée(s), dont le type déclaré n’a pas encore été confirmé par un administrateur (V13).',
    );
    // Without a reserved lot, an unconfirmed kind is no reason to leave a structure out.
    const lotOne = await optimiseGroupings({ ...base, candidates: unverified.map((c) => (c.structureId === 'net-insertion' ? { ...c, kindVerified: false } : c)), lots: [1], anchorStructureId: 'propre-rhone' }, highs);
    expect(lotOne.proposals[0].members.map((m) => m.structureId)).toContain('net-insertion');
  });

  it('anchor AI on a service lot: staff provider, never performer nor mandataire (V21, V19)', async () => {
    const result = await optimiseGroupings({ ...base, anchorStructureId: 'intermed', forms: ['CONJOINT'] }, highs);
    expect(result.proposals.length).toBeGreaterThan(0);
    for (const proposal of result.proposals) {
      const ai = proposal.members.find((m) => m.structureId === 'intermed');
      expect(ai?.assignments).toEqual([]);
      expect(ai?.role).toBe('COTRAITANT');
      expect(proposal.explanations.some((e) => e.startsWith('L’AI Intermed Lyon : mise à disposition de personnel'))).toBe(true);
      expect(proposal.warnings.some((w) => w.includes('480 h') && w.includes('V19'))).toBe(true);
    }
  });

  it('the anchor does not serve the place: no grouping, with an explanation', async () => {
    const result = await optimiseGroupings({ ...base, anchorStructureId: 'ei-grenoble' }, highs);
    expect(result.proposals).toEqual([]);
    expect(result.explanations.some((e) => e.includes('n’intervient pas sur le lieu d’exécution'))).toBe(true);
  });

  it('the greedy baseline is lawful and never better than the MIP', async () => {
    const input = { ...base, anchorStructureId: 'net-insertion' };
    const greedy = greedyBaseline(input);
    const result = await optimiseGroupings(input, highs);
    expect(greedy).not.toBeNull();
    expect(greedy?.members.map((m) => m.structureId)).toContain('net-insertion');
    expect(greedy?.objective ?? Infinity).toBeLessThanOrEqual(result.proposals[0].objective + 1e-9);
  });
});

describe('optimiseGroupings — forms', () => {
  const oneLot: TenderSpec = {
    ...tender,
    mandataireSolidaireRequired: false,
    multipleBidsForbidden: false,
    lots: [{ number: 1, title: 'Nettoyage', estimatedAmountEur: 300_000, prestationType: 'PREST', reservation: 'NONE', sectors: ['nettoyage'], workPackages: [], insertionHoursRequired: 500 }],
  };
  const candidates = [
    candidate({ structureId: 'big', name: 'Grand Nettoyage', kind: 'COMPANY', sectors: ['nettoyage'], lotScores: { 1: 95 }, annualRevenueEur: 10_000_000 }),
    candidate({ structureId: 'ei', name: 'Net’Insertion', kind: 'EI', sectors: ['nettoyage'], lotScores: { 1: 60 }, annualRevenueEur: 400_000 }),
  ];

  it('SOLIDAIRE pools shares: the EI takes just the share that carries the insertion hours (V18)', async () => {
    const result = await optimiseGroupings({ tender: oneLot, candidates }, highs);
    const [solidaire] = result.proposals;
    expect(solidaire.form).toBe('SOLIDAIRE');
    const ei = solidaire.members.find((m) => m.structureId === 'ei');
    // EI hours = share × 300 000 € × 50 % ÷ 30 €/h ≥ 500 h ⇔ share ≥ 10 %
    expect(ei?.assignments[0].share).toBeCloseTo(0.1, 6);
    expect(solidaire.insertion.coveredHours).toBeCloseTo(500, 0);
    expect(solidaire.members.find((m) => m.role === 'MANDATAIRE')?.structureId).toBe('big');
    expect(solidaire.explanations).toContain('Lot 1 : réparti entre l’entreprise Grand Nettoyage (90 %) et l’EI Net’Insertion (10 %).');
  });

  it('CONJOINT needs work for every member: an undivided lot cannot be split, the run says so', async () => {
    const result = await optimiseGroupings({ tender: oneLot, candidates, forms: ['CONJOINT'] }, highs);
    expect(result.proposals).toEqual([]);
    expect(result.explanations.some((e) => e.startsWith('Aucun groupement conjoint possible'))).toBe(true);
  });

  it('CONJOINT without a required mandataire solidaire: mandataireSolidaire is false (V5 not triggered)', async () => {
    const split: TenderSpec = {
      ...oneLot,
      lots: [{ ...oneLot.lots[0], workPackages: [
        { code: 'A', title: 'Bureaux', share: 0.5, sectors: ['nettoyage'] },
        { code: 'B', title: 'Vitrerie', share: 0.5, sectors: ['nettoyage'] },
      ] }],
    };
    const result = await optimiseGroupings({ tender: split, candidates, forms: ['CONJOINT'] }, highs);
    expect(result.proposals).toHaveLength(1);
    expect(result.proposals[0].mandataireSolidaire).toBe(false);
    expect(result.proposals[0].members.every((m) => m.assignments.length === 1 && m.assignments[0].share === 1)).toBe(true);
  });

  it('uncovered insertion hours are a warning, never a reason to drop the grouping (V18)', async () => {
    const companies = [
      candidates[0],
      candidate({ structureId: 'other', name: 'Autre Propreté', kind: 'COMPANY', sectors: ['nettoyage'], lotScores: { 1: 80 }, annualRevenueEur: 2_000_000 }),
    ];
    const result = await optimiseGroupings({ tender: oneLot, candidates: companies, forms: ['SOLIDAIRE'] }, highs);
    expect(result.proposals).toHaveLength(1);
    expect(result.proposals[0].insertion).toEqual({ requiredHours: 500, coveredHours: 0 });
    expect(result.proposals[0].warnings.some((w) => w.startsWith('Heures d’insertion du lot 1 non entièrement couvertes'))).toBe(true);
  });
});
