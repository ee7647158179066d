import fc from 'fast-check';
import { hasValidLuhnKey, isValidSiren, isValidSiret, LA_POSTE_SIREN, normaliseSiret, sirenOf } from './siret';

/** Appends the Luhn key that makes `body` valid (used to build arbitrary valid identifiers). */
function withLuhnKey(body: string): string {
  for (let key = 0; key <= 9; key++) {
    if (hasValidLuhnKey(body + key)) return body + key;
  }
  throw new Error('unreachable: one key always fits');
}

describe('isValidSiret', () => {
  it.each([
    ['80746931700018', 'Baluchon (EI, Romainville)'],
    ['75187049400026', 'La Collecterie (ACI, Montreuil)'],
    ['79285470500029', 'SIAE register 2020'],
    ['38269518700049', 'SIAE register 2020'],
    ['49483773500013', 'SIAE register 2020'],
  ])('accepts the real SIRET %s (%s)', (siret) => {
    expect(isValidSiret(siret)).toBe(true);
  });

  it('refuses the all-zero SIRET and SIREN, and any SIRET of SIREN 000000000, though their Luhn key is valid', () => {
    expect(hasValidLuhnKey('00000000000000')).toBe(true);
    expect(isValidSiret('00000000000000')).toBe(false);
    expect(isValidSiret('00000000000018')).toBe(false);
    expect(isValidSiren('000000000')).toBe(false);
  });

  it('accepts the La Poste head office 35600000000048, which has a valid Luhn key (digit sum 26)', () => {
    expect(hasValidLuhnKey('35600000000048')).toBe(true);
    expect(isValidSiret('35600000000048')).toBe(true);
  });

  it('accepts La Poste establishments whose digit sum is a multiple of 5 although their Luhn key is wrong', () => {
    for (const siret of ['35600000009075', '35600000009093']) {
      expect(hasValidLuhnKey(siret)).toBe(false);
      expect(isValidSiret(siret)).toBe(true);
    }
  });

  it('rejects a La Poste SIRET that fails both the Luhn key and the multiple-of-5 rule', () => {
    expect(isValidSiret('35600000009090')).toBe(false); // digit sum 32
  });

  it('does not extend the multiple-of-5 exception to other SIRENs', () => {
    expect(isValidSiret('80746931700005')).toBe(false); // digit sum 35, wrong Luhn key
  });

  it('rejects a wrong key, a wrong length, letters and unnormalised input', () => {
    expect(isValidSiret('80746931700019')).toBe(false);
    expect(isValidSiret('8074693170001')).toBe(false);
    expect(isValidSiret('807469317000180')).toBe(false);
    expect(isValidSiret('8074693170001A')).toBe(false);
    expect(isValidSiret('807 469 317 00018')).toBe(false);
    expect(isValidSiret('')).toBe(false);
  });

  it('accepts any 13 digits completed with their Luhn key, and rejects every other key (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{13}$/), fc.integer({ min: 1, max: 9 }), (body, offset) => {
        const valid = withLuhnKey(body);
        expect(isValidSiret(valid)).toBe(true);
        const wrongKey = (Number(valid[13]) + offset) % 10;
        const invalid = body + wrongKey;
        // Only La Poste numbers may pass with a wrong key.
        if (!body.startsWith(LA_POSTE_SIREN)) expect(isValidSiret(invalid)).toBe(false);
      }),
    );
  });
});

describe('isValidSiren', () => {
  it('accepts real SIRENs and rejects wrong keys and lengths', () => {
    expect(isValidSiren('807469317')).toBe(true);
    expect(isValidSiren('751870494')).toBe(true);
    expect(isValidSiren(LA_POSTE_SIREN)).toBe(true);
    expect(isValidSiren('807469318')).toBe(false);
    expect(isValidSiren('80746931')).toBe(false);
    expect(isValidSiren('80746931700018')).toBe(false);
  });
});

describe('sirenOf and normaliseSiret', () => {
  it('strips ordinary and non-breaking spaces only', () => {
    expect(normaliseSiret(' 807 469 317 00018 ')).toBe('80746931700018');
    expect(normaliseSiret('807\u00a0469\u202f317\t00018')).toBe('80746931700018');
    expect(normaliseSiret('807-469-317')).toBe('807-469-317');
  });

  it('returns the first 9 digits, ignoring spaces', () => {
    expect(sirenOf('80746931700018')).toBe('807469317');
    expect(sirenOf('751 870 494 00026')).toBe('751870494');
  });

  it('throws on something that is not a SIRET', () => {
    expect(() => sirenOf('807469317')).toThrow(RangeError);
  });

  it('the SIREN of a valid (non La Poste) SIRET is itself a valid SIREN for the register samples', () => {
    for (const siret of ['80746931700018', '75187049400026', '79285470500029']) {
      expect(isValidSiren(sirenOf(siret))).toBe(true);
    }
  });
});
