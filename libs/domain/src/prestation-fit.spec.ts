import { PERFORMER_KINDS, prestationFit, STAFF_PROVIDER_KINDS } from './prestation-fit';
import { PRESTATION_TYPES } from './vocabulary';

describe('prestationFit (V21)', () => {
  it('V21: AI, ETTI and GEIQ fit staff provision (DISP) and misfit service or supply lots', () => {
    for (const kind of STAFF_PROVIDER_KINDS) {
      expect(prestationFit(kind, 'DISP')).toBe('fit');
      expect(prestationFit(kind, 'PREST')).toBe('misfit');
      expect(prestationFit(kind, 'BUILD')).toBe('misfit');
    }
  });

  it('V21: EI, ACI, EA and ESAT fit PREST and BUILD, not DISP', () => {
    for (const kind of PERFORMER_KINDS) {
      expect(prestationFit(kind, 'PREST')).toBe('fit');
      expect(prestationFit(kind, 'BUILD')).toBe('fit');
      expect(prestationFit(kind, 'DISP')).toBe('misfit');
    }
  });

  it('COMPANY and EITI are neutral everywhere; EATT (temp-work EA) fits DISP only', () => {
    for (const type of PRESTATION_TYPES) {
      expect(prestationFit('COMPANY', type)).toBe('neutral');
      expect(prestationFit('EITI', type)).toBe('neutral');
    }
    expect(prestationFit('EATT', 'DISP')).toBe('fit');
    expect(prestationFit('EATT', 'PREST')).toBe('neutral');
  });
});
