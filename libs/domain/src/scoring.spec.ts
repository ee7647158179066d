import fc from 'fast-check';
import {
  CANDIDATE_WEIGHTS,
  distanceValue,
  lotAnnualAmountEur,
  pastContractsValue,
  scoreCandidate,
  type CandidateScoringInput,
  type ScoringStructure,
  type SectorInfo,
} from './scoring';
import { STRUCTURE_KINDS } from './vocabulary';

const CATALOGUE: Record<string, SectorInfo> = {
  NETTOYAGE_LOCAUX: { label: 'Nettoyage de locaux', group: 'PROPRETE' },
  NETTOYAGE_VITRES: { label: 'Nettoyage de vitres', group: 'PROPRETE' },
  ENTRETIEN_JARDINS: { label: 'Entretien de parcs et jardins', group: 'ESPACES_VERTS' },
};

const CLEANING_LOT = {
  sectors: ['NETTOYAGE_LOCAUX'],
  prestationType: 'PREST' as const,
  reservation: 'NONE' as const,
  estimatedAmountEur: 1_200_000,
  durationMonths: 48, // 300 k€ a year
};

const IDEAL_EI: ScoringStructure = {
  kind: 'EI',
  sectors: [{ code: 'NETTOYAGE_LOCAUX', inferred: false }],
  prestationTypes: ['PREST'],
  annualRevenueEur: 1_200_000,
  openToCoContracting: true,
  distanceKm: 12.3,
};

const input = (structure: Partial<ScoringStructure> = {}, extra: Partial<CandidateScoringInput> = {}): CandidateScoringInput => ({
  lot: CLEANING_LOT,
  structure: { ...IDEAL_EI, ...structure },
  pastContracts: { similarNearby: 3, withinKm: 20 },
  sectorCatalogue: CATALOGUE,
  ...extra,
});

describe('scoreCandidate', () => {
  it('worked example: a nearby cleaning EI with the right capacity scores 95.7 with readable French reasons', () => {
    const result = scoreCandidate(input());
    expect(result.breakdown).toEqual({
      sectorFit: 30, // declared sector
      distance: 17.6, // (1 − 12.3/200)² × 20 = 17.62
      pastContracts: 13.1, // (1 − 0.5³) × 15
      kindFit: 15, // EI fits PREST (V21) and declares PREST
      capacity: 10, // 1.2 M€ ≥ 1.5 × 300 k€
      openness: 10,
    });
    expect(result.score).toBe(95.7);
    expect(result.reasons).toEqual([
      'Secteur déclaré : Nettoyage de locaux',
      "À 12 km du lieu d'exécution",
      'A remporté 3 marchés similaires à moins de 20 km',
      "Type de structure adapté : entreprise d'insertion (EI) pour une prestation de service",
      'Capacité : CA 1,2 M€ pour un lot de 300 k€/an',
      'Ouverte à la co-traitance',
    ]);
  });

  it('default weights add up to 100 and the breakdown adds up to the score', () => {
    expect(Object.values(CANDIDATE_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    const { score, breakdown } = scoreCandidate(input({ distanceKm: 47 }));
    expect(Object.values(breakdown).reduce((a, b) => a + b, 0)).toBeCloseTo(score, 6);
  });

  it('sector fit: declared exact > inferred exact > same group > none', () => {
    const points = (sectors: ScoringStructure['sectors']) => scoreCandidate(input({ sectors })).breakdown.sectorFit;
    const declared = points([{ code: 'NETTOYAGE_LOCAUX', inferred: false }]);
    const inferred = points([{ code: 'NETTOYAGE_LOCAUX', inferred: true }]);
    const sameGroup = points([{ code: 'NETTOYAGE_VITRES', inferred: false }]);
    const none = points([{ code: 'ENTRETIEN_JARDINS', inferred: false }]);
    expect([declared, inferred, sameGroup, none]).toEqual([30, 21, 12, 0]);
    expect(scoreCandidate(input({ sectors: [{ code: 'NETTOYAGE_LOCAUX', inferred: true }] })).reasons[0]).toBe(
      'Secteur déduit de son activité (NAF) : Nettoyage de locaux',
    );
    expect(scoreCandidate(input({ sectors: [{ code: 'NETTOYAGE_VITRES', inferred: false }] })).reasons[0]).toBe(
      'Secteur voisin : Nettoyage de vitres (même famille que Nettoyage de locaux)',
    );
  });

  it('sector fit: a declared sector beats the same sector inferred, whichever comes first', () => {
    const both = scoreCandidate(input({ sectors: [{ code: 'NETTOYAGE_LOCAUX', inferred: true }, { code: 'NETTOYAGE_LOCAUX', inferred: false }] }));
    expect(both.breakdown.sectorFit).toBe(30);
  });

  it('sector fit: without a catalogue there is no group match and labels fall back to codes', () => {
    const result = scoreCandidate(input({ sectors: [{ code: 'NETTOYAGE_VITRES', inferred: false }] }, { sectorCatalogue: undefined }));
    expect(result.breakdown.sectorFit).toBe(0);
    expect(scoreCandidate(input({}, { sectorCatalogue: undefined })).reasons[0]).toBe('Secteur déclaré : NETTOYAGE_LOCAUX');
  });

  it('distance decays from 1 at 0 km to 0 at 200 km and never increases with distance', () => {
    expect(distanceValue(0)).toBe(1);
    expect(distanceValue(100)).toBeCloseTo(0.25);
    expect(distanceValue(200)).toBe(0);
    expect(distanceValue(450)).toBe(0);
    fc.assert(fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (a, b) => {
      expect(distanceValue(Math.min(a, b))).toBeGreaterThanOrEqual(distanceValue(Math.max(a, b)));
    }));
    expect(scoreCandidate(input({ distanceKm: 0.3 })).reasons).toContain("À moins de 1 km du lieu d'exécution");
    const unknown = scoreCandidate(input({ distanceKm: null }));
    expect(unknown.breakdown.distance).toBe(10);
    expect(unknown.reasons).toContain("Distance au lieu d'exécution inconnue");
  });

  it('V21 kind fit: an AI scores low on a service lot and high on a staff-provision lot; COMPANY is neutral', () => {
    const ai = { kind: 'AI' as const, prestationTypes: ['DISP' as const] };
    const onService = scoreCandidate(input(ai));
    expect(onService.breakdown.kindFit).toBe(0.8); // (0.1 + 0) / 2 × 15
    expect(onService.reasons).toContain('Type de structure peu adapté à une prestation de service : association intermédiaire (AI) (V21)');
    expect(onService.reasons).toContain('Ne déclare pas la prestation de service parmi ses types de prestation');
    const onDisp = scoreCandidate(input(ai, { lot: { ...CLEANING_LOT, prestationType: 'DISP' } }));
    expect(onDisp.breakdown.kindFit).toBe(15);
    expect(scoreCandidate(input({ kind: 'COMPANY', prestationTypes: [] })).breakdown.kindFit).toBe(7.5);
  });

  it('capacity compares annual revenue with the lot amount per year; unknown revenue is neutral', () => {
    expect(lotAnnualAmountEur(CLEANING_LOT)).toBe(300_000);
    expect(lotAnnualAmountEur({ estimatedAmountEur: 90_000 })).toBe(90_000);
    expect(lotAnnualAmountEur({ estimatedAmountEur: 90_000, durationMonths: 6 })).toBe(180_000);
    expect(scoreCandidate(input({ annualRevenueEur: 225_000 })).breakdown.capacity).toBe(5); // half of 1.5 × 300 k€
    const unknown = scoreCandidate(input({ annualRevenueEur: undefined }));
    expect(unknown.breakdown.capacity).toBe(5);
    expect(unknown.reasons).toContain("Chiffre d'affaires non renseigné");
    const noDuration = scoreCandidate(input({}, { lot: { ...CLEANING_LOT, durationMonths: undefined } }));
    expect(noDuration.reasons).toContain('Capacité : CA 1,2 M€ pour un lot de 1,2 M€');
  });

  it('openness and past contracts', () => {
    const closed = scoreCandidate(input({ openToCoContracting: false }));
    expect(closed.breakdown.openness).toBe(0);
    expect(closed.reasons).toContain('Non déclarée ouverte à la co-traitance');
    expect([0, 1, 2, 3].map(pastContractsValue)).toEqual([0, 0.5, 0.75, 0.875]);
    const none = scoreCandidate(input({}, { pastContracts: { similarNearby: 0 } }));
    expect(none.breakdown.pastContracts).toBe(0);
    expect(none.reasons.some((r) => r.startsWith('A remporté'))).toBe(false);
    expect(scoreCandidate(input({}, { pastContracts: { similarNearby: 1, nearestKm: 7.6 } })).reasons).toContain(
      'A remporté 1 marché similaire (le plus proche à 8 km)',
    );
  });

  it('V13: on a reserved lot the eligibility reason is shown (uncertain ones as "à vérifier"), not scored', () => {
    const reserved = { ...CLEANING_LOT, reservation: 'L2113-13' as const };
    const eiti = scoreCandidate(input({ kind: 'EITI' }, { lot: reserved }));
    expect(eiti.reasons.at(-1)).toMatch(/^Éligibilité à vérifier — EITI/);
    const ei = scoreCandidate(input({}, { lot: reserved }));
    expect(ei.reasons.at(-1)).toMatch(/éligible à un lot réservé aux SIAE/);
    expect(ei.score).toBe(scoreCandidate(input()).score);
  });

  it('custom weights are normalised; all-zero weights are refused', () => {
    const sectorOnly = { ...CANDIDATE_WEIGHTS, sectorFit: 1, distance: 0, kindFit: 0, capacity: 0, openness: 0, pastContracts: 0 };
    expect(scoreCandidate(input(), sectorOnly).score).toBe(100);
    const zero = { ...sectorOnly, sectorFit: 0 };
    expect(() => scoreCandidate(input(), zero)).toThrow(RangeError);
  });

  it('is deterministic and stays within 0–100 for any structure (property)', () => {
    const structure = fc.record({
      kind: fc.constantFrom(...STRUCTURE_KINDS),
      sectors: fc.array(fc.record({ code: fc.constantFrom(...Object.keys(CATALOGUE)), inferred: fc.boolean() }), { maxLength: 3 }),
      prestationTypes: fc.subarray(['PREST', 'DISP', 'BUILD'] as const),
      annualRevenueEur: fc.option(fc.integer({ min: 0, max: 50_000_000 }), { nil: undefined }),
      openToCoContracting: fc.boolean(),
      distanceKm: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
    });
    fc.assert(
      fc.property(structure, fc.nat(20), (s, similarNearby) => {
        const candidate: CandidateScoringInput = { lot: CLEANING_LOT, structure: s, pastContracts: { similarNearby }, sectorCatalogue: CATALOGUE };
        const first = scoreCandidate(candidate);
        expect(first.score).toBeGreaterThanOrEqual(0);
        expect(first.score).toBeLessThanOrEqual(100);
        expect(scoreCandidate(candidate)).toEqual(first);
      }),
    );
  });
});
