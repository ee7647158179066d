import {
  formatDecimalFr,
  formatEurShort,
  formatIntegerFr,
  formatPercentFr,
  prestationLabel,
  reservationLabel,
  structureKindLabel,
} from './labels';
import { PRESTATION_TYPES, RESERVATIONS, STRUCTURE_KINDS } from './vocabulary';

describe('French labels and number formats', () => {
  it('labels every kind, prestation type and reservation', () => {
    for (const kind of STRUCTURE_KINDS) expect(structureKindLabel(kind)).toMatch(/\S/);
    for (const type of PRESTATION_TYPES) expect(prestationLabel(type)).toMatch(/\S/);
    for (const reservation of RESERVATIONS) expect(reservationLabel(reservation)).toMatch(/\S/);
    expect(structureKindLabel('AI')).toBe('association intermédiaire (AI)');
  });

  it('formats amounts the way the candidate reasons read them', () => {
    expect(formatEurShort(1_200_000)).toBe('1,2 M€');
    expect(formatEurShort(1_000_000)).toBe('1 M€');
    expect(formatEurShort(999_999)).toBe('1 M€');
    expect(formatEurShort(5_404_000)).toBe('5,4 M€');
    expect(formatEurShort(300_000)).toBe('300 k€');
    expect(formatEurShort(1_500)).toBe('1,5 k€');
    expect(formatEurShort(9_960)).toBe('10 k€');
    expect(formatEurShort(850)).toBe('850 €');
  });

  it('uses a decimal comma and space-separated thousands', () => {
    expect(formatDecimalFr(0.125, 2)).toBe('0,13');
    expect(formatDecimalFr(3, 1)).toBe('3');
    expect(formatIntegerFr(3500)).toBe('3 500');
    expect(formatIntegerFr(5_538_000)).toBe('5 538 000');
    expect(formatPercentFr(0.425)).toBe('42,5 %');
    expect(formatPercentFr(0.3)).toBe('30 %');
  });
});
