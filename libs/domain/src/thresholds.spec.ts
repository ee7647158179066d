import {
  euThresholdEur,
  missingSocialClauseFlag,
  natureForCpv,
  noPublicityThresholdEur,
  parisCalendarDay,
  procedureCategory,
  type ContractNature,
} from './thresholds';

const IN_2025 = new Date('2025-06-15T10:00:00Z');
const JAN_2026 = new Date('2026-02-01T10:00:00Z');
const MAY_2026 = new Date('2026-05-01T10:00:00Z');
const SEPT_2026 = new Date('2026-09-01T10:00:00Z');

const code = (amountEur: number, nature: ContractNature, date: Date, buyerType?: 'CENTRAL' | 'OTHER' | 'UTILITY') =>
  procedureCategory({ amountEur, nature, date, buyerType }).code;

describe('EU thresholds by date (V23)', () => {
  it('V23: 2024–2025 values are 143 k€ / 221 k€ / 443 k€ / 5.538 M€', () => {
    expect(euThresholdEur('SUPPLIES', IN_2025, 'CENTRAL')).toBe(143_000);
    expect(euThresholdEur('SERVICES', IN_2025)).toBe(221_000);
    expect(euThresholdEur('SERVICES', IN_2025, 'UTILITY')).toBe(443_000);
    expect(euThresholdEur('WORKS', IN_2025)).toBe(5_538_000);
  });

  it('V23: from 1 January 2026 they are 140 k€ / 216 k€ / 432 k€ / 5.404 M€', () => {
    expect(euThresholdEur('SUPPLIES', JAN_2026, 'CENTRAL')).toBe(140_000);
    expect(euThresholdEur('SERVICES', JAN_2026, 'OTHER')).toBe(216_000);
    expect(euThresholdEur('SUPPLIES', JAN_2026, 'UTILITY')).toBe(432_000);
    expect(euThresholdEur('WORKS', JAN_2026, 'UTILITY')).toBe(5_404_000);
  });

  it('switches on the French calendar day, not the UTC day', () => {
    const parisNewYear = new Date('2025-12-31T23:30:00Z'); // 00:30 on 1 Jan 2026 in Paris
    expect(parisCalendarDay(parisNewYear)).toBe('2026-01-01');
    expect(euThresholdEur('SERVICES', parisNewYear)).toBe(216_000);
    expect(euThresholdEur('SERVICES', new Date('2025-12-31T22:30:00Z'))).toBe(221_000);
  });

  it('throws on an invalid date', () => {
    expect(() => euThresholdEur('WORKS', new Date('nope'))).toThrow(RangeError);
  });
});

describe('procedureCategory (V23)', () => {
  it('V23: supplies/services without publicity below 40 k€, then below 60 k€ from 1 April 2026', () => {
    expect(noPublicityThresholdEur('SERVICES', JAN_2026)).toBe(40_000);
    expect(noPublicityThresholdEur('SERVICES', MAY_2026)).toBe(60_000);
    expect(code(39_999, 'SERVICES', JAN_2026)).toBe('NO_PUBLICITY');
    expect(code(40_000, 'SERVICES', JAN_2026)).toBe('MAPA');
    expect(code(50_000, 'SUPPLIES', new Date('2026-03-31T12:00:00Z'))).toBe('MAPA');
    expect(code(50_000, 'SUPPLIES', new Date('2026-04-01T12:00:00Z'))).toBe('NO_PUBLICITY');
  });

  it('V23: works below 100 k€ need no publicity, in 2025 (temporary) and from 2026 (permanent)', () => {
    expect(code(95_000, 'WORKS', IN_2025)).toBe('NO_PUBLICITY');
    expect(code(99_999, 'WORKS', JAN_2026)).toBe('NO_PUBLICITY');
    expect(code(100_000, 'WORKS', JAN_2026)).toBe('MAPA_PUBLICITY');
  });

  it('V23: from 90 k€ a MAPA is advertised in the BOAMP or a JAL (R2131-12)', () => {
    expect(code(89_999, 'SERVICES', MAY_2026)).toBe('MAPA');
    const category = procedureCategory({ amountEur: 90_000, nature: 'SERVICES', date: MAY_2026 });
    expect(category.code).toBe('MAPA_PUBLICITY');
    expect(category.label).toMatch(/BOAMP/);
  });

  it('V23: formalised from the EU threshold, which depends on the buyer and the date', () => {
    expect(code(215_999, 'SERVICES', JAN_2026)).toBe('MAPA_PUBLICITY');
    expect(code(216_000, 'SERVICES', JAN_2026)).toBe('FORMALISED');
    expect(code(216_000, 'SERVICES', IN_2025)).toBe('MAPA_PUBLICITY'); // 221 k€ in 2025
    expect(code(140_000, 'SUPPLIES', JAN_2026, 'CENTRAL')).toBe('FORMALISED');
    expect(code(300_000, 'SUPPLIES', JAN_2026, 'UTILITY')).toBe('MAPA_PUBLICITY');
    expect(code(5_404_000, 'WORKS', JAN_2026)).toBe('FORMALISED');
    expect(code(5_404_000, 'WORKS', IN_2025)).toBe('MAPA_PUBLICITY');
  });

  it('returns the EU threshold and a French label with French number formatting', () => {
    expect(procedureCategory({ amountEur: 6_000_000, nature: 'WORKS', date: JAN_2026 })).toEqual({
      code: 'FORMALISED',
      label: 'Procédure formalisée (seuil européen de 5 404 000 € HT atteint)',
      euThresholdEur: 5_404_000,
    });
    expect(procedureCategory({ amountEur: 10_000, nature: 'SERVICES', date: MAY_2026 }).label).toMatch(
      /^Moins de 60 000 € HT : marché possible sans publicité/,
    );
  });
});

describe('missingSocialClauseFlag (V24)', () => {
  const aboveEu = { amountEur: 300_000, nature: 'SERVICES' as const, hasSocialClause: false };

  it('V24: flags a contract above the EU threshold without a clause, from 21 August 2026 (Paris day)', () => {
    const flag = missingSocialClauseFlag({ ...aboveEu, date: SEPT_2026 });
    expect(flag?.rule).toBe('V24');
    expect(flag?.message).toMatch(/Exception possible/);
    expect(flag?.message).toMatch(/L2112-2-1/);
    expect(missingSocialClauseFlag({ ...aboveEu, date: new Date('2026-08-20T21:59:00Z') })).toBeNull(); // 23:59 on 20 Aug
    expect(missingSocialClauseFlag({ ...aboveEu, date: new Date('2026-08-20T22:00:00Z') })).not.toBeNull(); // 00:00 on 21 Aug
  });

  it('V24: no flag with a clause, below the EU threshold, or before the obligation', () => {
    expect(missingSocialClauseFlag({ ...aboveEu, hasSocialClause: true, date: SEPT_2026 })).toBeNull();
    expect(missingSocialClauseFlag({ ...aboveEu, amountEur: 215_999, date: SEPT_2026 })).toBeNull();
    expect(missingSocialClauseFlag({ ...aboveEu, amountEur: 215_999, buyerType: 'CENTRAL', date: SEPT_2026 })).not.toBeNull();
    expect(missingSocialClauseFlag({ ...aboveEu, date: MAY_2026 })).toBeNull();
  });

  it('V24: works use the works threshold', () => {
    expect(missingSocialClauseFlag({ amountEur: 1_000_000, nature: 'WORKS', date: SEPT_2026, hasSocialClause: false })).toBeNull();
    expect(missingSocialClauseFlag({ amountEur: 6_000_000, nature: 'WORKS', date: SEPT_2026, hasSocialClause: false })).not.toBeNull();
  });
});

describe('natureForCpv', () => {
  it('division 45 is works, 03–44 and 48 supplies, 50 and above services', () => {
    expect(natureForCpv('45000000-7')).toBe('WORKS');
    expect(natureForCpv('03000000-1')).toBe('SUPPLIES');
    expect(natureForCpv('44100000')).toBe('SUPPLIES');
    expect(natureForCpv('48000000-8')).toBe('SUPPLIES');
    expect(natureForCpv('50000000-5')).toBe('SERVICES');
    expect(natureForCpv('90911200-8')).toBe('SERVICES');
    expect(natureForCpv('98000000')).toBe('SERVICES');
  });

  it('returns null for invalid codes and divisions that do not exist', () => {
    expect(natureForCpv('4500')).toBeNull();
    expect(natureForCpv('02000000')).toBeNull();
    expect(natureForCpv('46000000')).toBeNull();
    expect(natureForCpv('99000000')).toBeNull();
  });
});
