import fc from 'fast-check';
import { CANDIDATE_MODEL } from './candidate-model';
import {
  CANDIDATE_CRITERION_LABELS,
  CANDIDATE_FEATURES,
  candidateFeatures,
  candidateUtility,
  groupingMemberScore,
  kindFamilyOf,
  lotAnnualAmountEur,
  nearnessValue,
  nearRankValue,
  pastContractsValue,
  scoreCandidate,
  scoreOfUtility,
  textWords,
  type CandidateModel,
  type CandidateScoringInput,
  type ScoringStructure,
  type SectorInfo,
} from './scoring';
import { STRUCTURE_KINDS } from './vocabulary';

const CATALOGUE: Record<string, SectorInfo> = {
  'entretien-espaces-verts': { label: 'Entretien des espaces verts', group: 'ESPACES_VERTS' },
  'elagage': { label: 'Élagage', group: 'ESPACES_VERTS' },
  'nettoyage-locaux': { label: 'Nettoyage de locaux', group: 'PROPRETE' },
  'insertion-qualification': { label: 'Insertion et qualification', group: 'FORMATION_INSERTION', generic: true },
};

const GREEN_LOT = {
  sectors: ['entretien-espaces-verts'],
  cpvCodes: ['77310000'],
  prestationType: 'PREST' as const,
  reservation: 'NONE' as const,
  estimatedAmountEur: 400_000,
  durationMonths: 48, // 100 k€ a year
  words: textWords('Entretien des espaces verts de la commune'),
};

/** A register ACI 0.2 km from the place, in the same commune, known only by its NAF code ("insertion"). */
const NEARBY_ACI: ScoringStructure = {
  kind: 'ACI',
  sectors: [{ code: 'insertion-qualification', inferred: true }],
  prestationTypes: [],
  distanceKm: 0.2,
  distanceRank: 1,
  communeCode: '69266',
  department: '69',
  words: textWords('ASSOC JARDINS DE LA MARE'),
};

const input = (structure: Partial<ScoringStructure> = {}, extra: Partial<CandidateScoringInput> = {}): CandidateScoringInput => ({
  lot: GREEN_LOT,
  structure: { ...NEARBY_ACI, ...structure },
  place: { communeCode: '69266', department: '69' },
  pastContracts: { similarNearby: 0, sameBuyer: 0 },
  sectorCatalogue: CATALOGUE,
  ...extra,
});

describe('scoreCandidate (fitted model)', () => {
  it('explains a real holder near the place in French, criterion by criterion', () => {
    const result = scoreCandidate(input());
    expect(result.reasons).toEqual([
      'Métier précis non renseigné (seulement « insertion ») : à vérifier',
      "À 0,2 km du lieu d'exécution (la plus proche)",
      "Située dans la commune du lieu d'exécution",
      "Atelier et chantier d'insertion (ACI) : type habituel pour l’entretien d’espaces verts",
      "Chiffre d'affaires non renseigné",
    ]);
    expect(Object.keys(result.breakdown)).toEqual(['sectorFit', 'distance', 'territory', 'kindFit', 'textMatch', 'pastContracts', 'capacity']);
    expect(Object.values(result.breakdown).reduce((a, b) => a + b, 0)).toBeCloseTo(result.score, 6);
  });

  it('labels every criterion in French', () => {
    const { breakdown } = scoreCandidate(input());
    for (const key of Object.keys(breakdown)) expect(CANDIDATE_CRITERION_LABELS[key as keyof typeof CANDIDATE_CRITERION_LABELS]).toMatch(/^[A-ZÉ]/);
  });

  it('separates nearby structures: 0.2 km ranks clearly above 14 km (log scale)', () => {
    const near = scoreCandidate(input({ distanceKm: 0.2, distanceRank: 1 })).score;
    const far = scoreCandidate(input({ distanceKm: 14, distanceRank: 30, communeCode: '69123' })).score;
    expect(near - far).toBeGreaterThan(10);
    expect(nearnessValue(0)).toBe(1);
    expect(nearnessValue(500)).toBe(0);
    expect(nearRankValue(1)).toBe(1);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 800, noNaN: true }), fc.double({ min: 0, max: 800, noNaN: true }), (a, b) => {
        expect(nearnessValue(Math.min(a, b))).toBeGreaterThanOrEqual(nearnessValue(Math.max(a, b)));
      }),
    );
  });

  it('sector levels are ordered: declared > inferred > neighbouring > unknown trade > none', () => {
    const points = (sectors: ScoringStructure['sectors']) => scoreCandidate(input({ sectors })).breakdown.sectorFit;
    const declared = points([{ code: 'entretien-espaces-verts', inferred: false }]);
    const inferred = points([{ code: 'entretien-espaces-verts', inferred: true }]);
    const neighbour = points([{ code: 'elagage', inferred: true }]);
    const unknown = points([]);
    const none = points([{ code: 'nettoyage-locaux', inferred: true }]);
    expect(declared).toBeGreaterThan(inferred);
    expect(inferred).toBeGreaterThan(neighbour);
    expect(neighbour).toBeGreaterThanOrEqual(unknown);
    expect(unknown).toBeGreaterThanOrEqual(none);
  });

  it('unknown is neutral: never below a known weak value', () => {
    const model = CANDIDATE_MODEL;
    for (const f of CANDIDATE_FEATURES) {
      expect(model.unknown[f]).toBeGreaterThanOrEqual(0);
      expect(model.unknown[f]).toBeLessThanOrEqual(1);
    }
    const unknownRevenue = scoreCandidate(input({ annualRevenueEur: undefined })).breakdown.capacity;
    const noRevenue = scoreCandidate(input({ annualRevenueEur: 0 })).breakdown.capacity;
    const enough = scoreCandidate(input({ annualRevenueEur: 150_000 })).breakdown.capacity;
    expect(unknownRevenue).toBeGreaterThan(noRevenue);
    expect(enough).toBeGreaterThan(unknownRevenue);
    const unknownDistance = scoreCandidate(input({ distanceKm: null, distanceRank: undefined }));
    expect(unknownDistance.reasons).toContain("Distance au lieu d'exécution inconnue");
    expect(unknownDistance.breakdown.distance).toBeGreaterThan(scoreCandidate(input({ distanceKm: 480, distanceRank: 999 })).breakdown.distance);
  });

  it('openness to co-contracting does not count for a buyer; it counts in the grouping score', () => {
    expect(scoreCandidate(input({ openToCoContracting: true })).score).toBe(scoreCandidate(input({ openToCoContracting: false })).score);
    expect(groupingMemberScore(80, true)).toBeGreaterThan(groupingMemberScore(80, 'undeclared'));
    expect(groupingMemberScore(80, 'undeclared')).toBeGreaterThan(groupingMemberScore(80, false));
    expect(groupingMemberScore(100, true)).toBe(100);
    expect(groupingMemberScore(0, false)).toBe(0);
  });

  it('a default radius exceeded ranks lower and says the radius is a guess', () => {
    const beyond = scoreCandidate(input({ beyondGuessedRadiusKm: 50, distanceKm: 60, distanceRank: 40 }));
    const inside = scoreCandidate(input({ distanceKm: 60, distanceRank: 40 }));
    expect(beyond.score).toBeLessThanOrEqual(inside.score);
    expect(beyond.reasons).toContain('Au-delà de son rayon d’intervention par défaut (50 km, une estimation de l’import) : zone à confirmer');
  });

  it('kind prior per CPV family; past contracts and text give readable reasons', () => {
    expect(kindFamilyOf(['79620000'])?.usualKinds).toContain('AI');
    expect(kindFamilyOf(['45112710'])?.label).toBe('l’entretien d’espaces verts');
    expect(kindFamilyOf(['45262000'])?.label).toBe('les travaux du bâtiment');
    expect(scoreCandidate(input({ kind: 'ETTI' })).reasons).toContain("Entreprise de travail temporaire d'insertion (ETTI) : type peu habituel pour l’entretien d’espaces verts");
    const withEvidence = scoreCandidate(input({ words: textWords('Les espaces verts du Rhône') }, { pastContracts: { similarNearby: 2, withinKm: 30, sameBuyer: 1 } }));
    expect(withEvidence.reasons).toContain('A remporté 2 marchés similaires à moins de 30 km');
    expect(withEvidence.reasons).toContain('A déjà remporté un marché de cet acheteur');
    expect(withEvidence.reasons).toContain('Son nom ou sa présentation reprend 2 mots de l’objet du marché');
    expect([0, 1, 2, 3].map(pastContractsValue)).toEqual([0, 0.5, 0.75, 0.875]);
    expect(textWords('Entretien des Espaces verts — Élagage')).toEqual(['entretien', 'espace', 'vert', 'elagage']);
  });

  it('capacity compares annual revenue with the lot amount per year', () => {
    expect(lotAnnualAmountEur(GREEN_LOT)).toBe(100_000);
    expect(lotAnnualAmountEur({ estimatedAmountEur: 90_000 })).toBe(90_000);
    expect(scoreCandidate(input({ annualRevenueEur: 1_200_000 })).reasons).toContain('Capacité : CA 1,2 M€ pour un lot de 100 k€/an');
  });

  it('V13: on a reserved lot the eligibility reason is shown, not scored', () => {
    const reserved = { ...GREEN_LOT, reservation: 'L2113-13' as const };
    const eiti = scoreCandidate(input({ kind: 'EITI' }, { lot: reserved }));
    expect(eiti.reasons.at(-1)).toMatch(/^Éligibilité à vérifier — EITI/);
  });

  it('the score is the utility rescaled: same order, within 0–100, deterministic (property)', () => {
    const structure = fc.record({
      kind: fc.constantFrom(...STRUCTURE_KINDS),
      sectors: fc.array(fc.record({ code: fc.constantFrom(...Object.keys(CATALOGUE)), inferred: fc.boolean() }), { maxLength: 3 }),
      prestationTypes: fc.subarray(['PREST', 'DISP', 'BUILD'] as const),
      annualRevenueEur: fc.option(fc.integer({ min: 0, max: 50_000_000 }), { nil: undefined }),
      distanceKm: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
      distanceRank: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
      communeCode: fc.constantFrom('69266', '69123', null),
      department: fc.constantFrom('69', '01', null),
    });
    fc.assert(
      fc.property(structure, structure, fc.nat(5), (a, b, similarNearby) => {
        const of = (s: typeof a): CandidateScoringInput => ({ ...input(s), pastContracts: { similarNearby } });
        const first = scoreCandidate(of(a));
        expect(first.score).toBeGreaterThanOrEqual(0);
        expect(first.score).toBeLessThanOrEqual(100);
        expect(scoreCandidate(of(a))).toEqual(first);
        const ua = candidateUtility(candidateFeatures(of(a), false).values);
        const ub = candidateUtility(candidateFeatures(of(b), false).values);
        if (ua > ub) expect(scoreOfUtility(ua)).toBeGreaterThan(scoreOfUtility(ub));
        expect(Math.abs(scoreOfUtility(ua) - first.score)).toBeLessThan(0.5);
      }),
    );
  });

  it('a model with a negative weight still keeps points within 0–100', () => {
    const model: CandidateModel = { ...CANDIDATE_MODEL, weights: { ...CANDIDATE_MODEL.weights, radiusGuessExceeded: -3 } };
    const beyond = scoreCandidate(input({ beyondGuessedRadiusKm: 50 }), model);
    expect(beyond.breakdown.distance).toBeGreaterThanOrEqual(0);
    expect(scoreCandidate(input(), model).score).toBeGreaterThan(beyond.score);
  });
});
