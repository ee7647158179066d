import {
  adviseLot,
  capacityEvidence,
  MAX_DEPENDENCY_SHARE,
  MIN_CLAUSE_HOURS,
  MIN_ELIGIBLE_FOR_RESERVATION,
  tradeMatch,
  type AdviceStructure,
  type LotAdviceInput,
} from './lot-advice';
import type { SectorInfo } from './scoring';

const catalogue: Record<string, SectorInfo> = {
  'nettoyage-locaux': { label: 'Nettoyage de locaux', group: 'PROPRETE' },
  'nettoyage-vitres': { label: 'Nettoyage de vitres', group: 'PROPRETE' },
  'entretien-espaces-verts': { label: 'Espaces verts', group: 'ESPACES_VERTS' },
  'insertion-qualification': { label: 'Insertion', group: 'FORMATION_INSERTION', generic: true },
};
const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];
const structure = (kind: AdviceStructure['kind'], extra: Partial<AdviceStructure> = {}): AdviceStructure => ({
  kind,
  sectors: cleaning,
  annualRevenueEur: null,
  annualInsertionHours: null,
  ...extra,
});
const lot = (serving: AdviceStructure[], extra: Partial<LotAdviceInput> = {}): LotAdviceInput => ({
  amountEur: 240_000,
  durationMonths: 24,
  prestationType: 'PREST',
  sectors: ['nettoyage-locaux'],
  sectorCatalogue: catalogue,
  sectorGroup: 'PROPRETE',
  serving,
  pastContractsNearby: { siae: 0, disability: 0 },
  ...extra,
});
const times = (n: number, make: (i: number) => AdviceStructure) => Array.from({ length: n }, (_, i) => make(i));

describe('tradeMatch', () => {
  it('tells same sector, same family, unknown trade and another trade apart', () => {
    expect(tradeMatch(cleaning, ['nettoyage-locaux'], catalogue)).toBe('same');
    expect(tradeMatch([{ code: 'nettoyage-vitres', inferred: true }], ['nettoyage-locaux'], catalogue)).toBe('neighbour');
    expect(tradeMatch([], ['nettoyage-locaux'], catalogue)).toBe('unknown');
    expect(tradeMatch([{ code: 'insertion-qualification', inferred: true }], ['nettoyage-locaux'], catalogue)).toBe('unknown');
    expect(tradeMatch([{ code: 'entretien-espaces-verts', inferred: false }], ['nettoyage-locaux'], catalogue)).toBe('none');
  });
});

describe('capacityEvidence', () => {
  it('counts unknown revenues without guessing them and measures coverage and dependency on the known ones', () => {
    const evidence = capacityEvidence([structure('EI', { annualRevenueEur: 400_000 }), structure('EI', { annualRevenueEur: 200_000 }), structure('ACI')], 120_000);
    expect(evidence).toEqual({ eligible: 3, withKnownCapacity: 2, capacityCoverage: 1.5, dependencyRatio: 0.3 });
    expect(capacityEvidence([structure('EI')], 120_000)).toEqual({ eligible: 1, withKnownCapacity: 0, capacityCoverage: null, dependencyRatio: null });
  });
});

describe('adviseLot', () => {
  it('reserves to SIAE when enough of them do the trade and one can take the lot below 30 % of its revenue', () => {
    const serving = [structure('EI', { annualRevenueEur: 1_000_000 }), structure('ACI'), structure('EI', { annualRevenueEur: 300_000 })];
    const advice = adviseLot(lot(serving));
    expect(advice.recommendation).toBe('reserve_siae');
    expect(advice.articles).toEqual(['L2113-13', 'R2113-7']);
    expect(advice.evidence).toMatchObject({ eligibleServing: { siae: 3, disability: 0, geiq: 0 }, withKnownCapacity: 2, dependencyRatio: 0.12, yearlyAmountEur: 120_000 });
    expect(advice.reasons.join(' ')).toContain('12 % de son chiffre d’affaires');
    expect(advice.reasons.join(' ')).toContain('Capacité inconnue pour 1 structure');
    expect(advice.alternatives.map((a) => a.option)).toEqual(expect.arrayContaining(['reserve_disability', 'social_clause', 'award_criterion', 'none']));
  });

  it('does not reserve below the threshold of eligible structures, whatever their capacity', () => {
    const serving = times(MIN_ELIGIBLE_FOR_RESERVATION - 1, () => structure('EI', { annualRevenueEur: 5_000_000 }));
    const advice = adviseLot(lot(serving));
    expect(advice.recommendation).not.toBe('reserve_siae');
    const siae = advice.alternatives.find((a) => a.option === 'reserve_siae')!;
    expect(siae.allowed).toBe(false);
    expect(siae.reasons.join(' ')).toContain('Trop peu de structures éligibles');
  });

  it('refuses a reservation that would make every structure dependent when together they cannot absorb it', () => {
    // 1.2 M€ a year; the largest revenue is 1 M€ and 3 × 30 % of 1 M€ = 0.9 M€ < 1.2 M€.
    const serving = times(3, () => structure('EI', { annualRevenueEur: 1_000_000 }));
    const advice = adviseLot(lot(serving, { amountEur: 2_400_000 }));
    const siae = [advice.assessment, ...advice.alternatives].find((a) => a.option === 'reserve_siae')!;
    expect(siae.allowed).toBe(false);
    expect(siae.reasons.join(' ')).toContain('Capacité insuffisante');
    expect(advice.evidence.dependencyRatio).toBeGreaterThan(MAX_DEPENDENCY_SHARE);
  });

  it('allows a reservation in co-contracting when no one alone but the group can absorb the lot', () => {
    const serving = times(4, () => structure('EI', { annualRevenueEur: 400_000 }));
    const advice = adviseLot(lot(serving)); // 120 k€ a year = 30 % of 400 k€: alone is fine
    expect(advice.recommendation).toBe('reserve_siae');
    const bigger = adviseLot(lot(serving, { amountEur: 600_000 })); // 300 k€ a year: 75 % for one, 4 × 120 k€ = 1.6×
    expect(bigger.recommendation).toBe('reserve_siae');
    expect(bigger.reasons.join(' ')).toContain('à plusieurs (co-traitance)');
    expect(bigger.evidence.capacityCoverage).toBe(1.6);
  });

  it('says capacity is unknown and reserves only on contracts already won nearby', () => {
    const serving = times(4, () => structure('ACI'));
    const blind = adviseLot(lot(serving));
    expect(blind.recommendation).not.toMatch(/^reserve/);
    const siae = blind.alternatives.find((a) => a.option === 'reserve_siae')!;
    expect(siae.reasons.join(' ')).toContain('Capacité inconnue');
    expect(blind.evidence.withKnownCapacity).toBe(0);
    expect(blind.evidence.capacityCoverage).toBeNull();

    const withHistory = adviseLot(lot(serving, { pastContractsNearby: { siae: 2, disability: 0 } }));
    expect(withHistory.recommendation).toBe('reserve_siae');
    expect(withHistory.reasons.join(' ')).toContain('2 marchés similaires ont déjà été remportés');
  });

  it('does not count structures of another trade, and says how many have an unknown trade', () => {
    const serving = [
      ...times(3, () => structure('EI', { sectors: [{ code: 'entretien-espaces-verts', inferred: false }], annualRevenueEur: 2_000_000 })),
      ...times(2, () => structure('ACI', { sectors: [{ code: 'insertion-qualification', inferred: true }] })),
    ];
    const advice = adviseLot(lot(serving));
    expect(advice.evidence.eligibleServing.siae).toBe(0);
    expect(advice.evidence.tradeUnknown).toBe(2);
    expect(advice.recommendation).not.toMatch(/^reserve/);
  });

  it('recommends an execution clause when the hours are worth it and nearby structures can provide them (V17, V18)', () => {
    // 1 M€ cleaning over 12 months: 1 M€ × 80 % × 5 % ÷ 30 €/h = 1 333 h.
    const serving = [structure('AI', { sectors: [] }), structure('ETTI', { sectors: [] })];
    const advice = adviseLot(lot(serving, { amountEur: 1_000_000, durationMonths: 12 }));
    expect(advice.recommendation).toBe('social_clause');
    expect(advice.articles).toEqual(['L2112-2']);
    expect(advice.insertionHours).toMatchObject({ hours: 1333, yearlyHours: 1333, computed: true, labourShare: 0.8 });
    expect(advice.evidence.clauseProviders).toBe(2);
  });

  it(`prefers an award criterion below ${MIN_CLAUSE_HOURS} hours or with one provider, and says nothing where nothing serves`, () => {
    const small = adviseLot(lot([structure('AI', { sectors: [] }), structure('ETTI', { sectors: [] })], { amountEur: 50_000 }));
    expect(small.recommendation).toBe('award_criterion');
    expect(small.alternatives.find((a) => a.option === 'social_clause')!.reasons.join(' ')).toContain(`Moins de ${MIN_CLAUSE_HOURS} heures`);
    const lonely = adviseLot(lot([structure('AI', { sectors: [] })], { amountEur: 1_000_000 }));
    expect(lonely.recommendation).toBe('award_criterion');
    const nothing = adviseLot(lot([], { amountEur: 1_000_000 }));
    expect(nothing.recommendation).toBe('none');
    expect(nothing.evidence.eligibleServing).toEqual({ siae: 0, disability: 0, geiq: 0 });
  });

  it('never recommends a reservation where no eligible structure serves the place, whatever the history', () => {
    const advice = adviseLot(lot([structure('GEIQ'), structure('EITI')], { pastContractsNearby: { siae: 10, disability: 10 } }));
    expect(advice.recommendation).not.toMatch(/^reserve/);
    expect(advice.evidence.eligibleServing).toEqual({ siae: 0, disability: 0, geiq: 1 });
  });

  it('reserves to EA and ESAT when they are the ones with the evidence', () => {
    const serving = [...times(3, () => structure('ESAT', { annualRevenueEur: 900_000 })), structure('EI', { annualRevenueEur: 900_000 })];
    const advice = adviseLot(lot(serving));
    expect(advice.recommendation).toBe('reserve_disability');
    expect(advice.articles).toEqual(['L2113-12', 'R2113-7']);
    expect(advice.evidence.eligibleServing).toMatchObject({ siae: 1, disability: 3 });
  });

  it('counts AI and ETTI for a staff-provision lot whatever their own sectors, and never reserves DISP to EA/ESAT', () => {
    const serving = [...times(3, () => structure('AI', { sectors: [], annualRevenueEur: 2_000_000 })), ...times(3, () => structure('ESAT', { annualRevenueEur: 2_000_000 }))];
    const advice = adviseLot(lot(serving, { prestationType: 'DISP', sectors: [] }));
    expect(advice.recommendation).toBe('reserve_siae');
    const disability = advice.alternatives.find((a) => a.option === 'reserve_disability')!;
    expect(disability.allowed).toBe(false);
    expect(disability.reasons[0]).toContain('L2113-12');
  });

  it('uses the clause hours the buyer already wrote (V17: given hours win)', () => {
    const advice = adviseLot(lot([], { clause: { insertionHours: 700 } }));
    expect(advice.insertionHours).toMatchObject({ hours: 700, computed: false, yearlyHours: 350 });
  });
});
