import {
  ESS_RESERVATION_MAX_MONTHS,
  isEligible,
  reservationDurationIssue,
  reservationEligibility,
  reservationMakesSense,
} from './eligibility';
import { PRESTATION_TYPES, RESERVATIONS, STRUCTURE_KINDS, type Reservation, type StructureKind } from './vocabulary';

function statuses(reservation: Reservation): Record<StructureKind, string> {
  return Object.fromEntries(
    STRUCTURE_KINDS.map((kind) => [kind, reservationEligibility(kind, reservation).status]),
  ) as Record<StructureKind, string>;
}

describe('reservationEligibility (V13, V16)', () => {
  it('NONE: every kind, COMPANY included, is eligible', () => {
    for (const kind of STRUCTURE_KINDS) expect(reservationEligibility(kind, 'NONE').status).toBe('eligible');
  });

  it('V13 L2113-12: EA and ESAT eligible, EATT uncertain (UNVERIFIED), everyone else excluded', () => {
    expect(statuses('L2113-12')).toEqual({
      EA: 'eligible', ESAT: 'eligible', EATT: 'uncertain',
      EI: 'excluded', ACI: 'excluded', AI: 'excluded', ETTI: 'excluded', EITI: 'excluded', GEIQ: 'excluded', COMPANY: 'excluded',
    });
  });

  it('V13 L2113-13: EI, ETTI, AI, ACI eligible, EITI uncertain, GEIQ/COMPANY/EA/EATT/ESAT excluded', () => {
    expect(statuses('L2113-13')).toEqual({
      EI: 'eligible', ETTI: 'eligible', AI: 'eligible', ACI: 'eligible', EITI: 'uncertain',
      GEIQ: 'excluded', COMPANY: 'excluded', EA: 'excluded', EATT: 'excluded', ESAT: 'excluded',
    });
  });

  it('V13 L2113-14: union of both lists, EITI and EATT uncertain, GEIQ and COMPANY excluded', () => {
    expect(statuses('L2113-14')).toEqual({
      EA: 'eligible', ESAT: 'eligible', EI: 'eligible', ETTI: 'eligible', AI: 'eligible', ACI: 'eligible',
      EITI: 'uncertain', EATT: 'uncertain', GEIQ: 'excluded', COMPANY: 'excluded',
    });
  });

  it('V16 L2113-15: ESS status is not stored and conditions are UNVERIFIED, so nobody is excluded', () => {
    for (const kind of STRUCTURE_KINDS) expect(reservationEligibility(kind, 'L2113-15').status).toBe('uncertain');
    expect(reservationEligibility('COMPANY', 'L2113-15').reason).toMatch(/économie sociale et solidaire/);
    expect(reservationEligibility('GEIQ', 'L2113-15').reason).toMatch(/GEIQ.*statut à vérifier/);
  });

  it('gives a French reason naming the rule for every kind and reservation', () => {
    for (const reservation of RESERVATIONS) {
      for (const kind of STRUCTURE_KINDS) {
        const { reason } = reservationEligibility(kind, reservation);
        expect(reason.length).toBeGreaterThan(20);
        if (reservation !== 'NONE') expect(reason).toMatch(/V1[36]/);
      }
    }
    expect(reservationEligibility('EITI', 'L2113-13').reason).toMatch(/L5132-4/);
    expect(reservationEligibility('EATT', 'L2113-14').reason).toMatch(/non vérifié/);
    expect(reservationEligibility('COMPANY', 'L2113-13').reason).toMatch(/même au sein d'un groupement/);
    expect(reservationEligibility('EA', 'L2113-14').reason).toBe(
      'Entreprise adaptée (EA) : éligible à un lot réservé aux EA, ESAT et SIAE (art. L2113-14), règle V13.',
    );
  });

  it('isEligible: uncertain still counts as eligible (a warning, never a silent rejection)', () => {
    expect(isEligible('EITI', 'L2113-13')).toBe(true);
    expect(isEligible('EATT', 'L2113-12')).toBe(true);
    expect(isEligible('COMPANY', 'L2113-15')).toBe(true);
    expect(isEligible('GEIQ', 'L2113-13')).toBe(false);
    expect(isEligible('COMPANY', 'L2113-14')).toBe(false);
    expect(isEligible('COMPANY', 'NONE')).toBe(true);
  });
});

describe('reservationMakesSense (V13, V16, V21)', () => {
  it('a non-reserved lot always makes sense', () => {
    for (const type of PRESTATION_TYPES) expect(reservationMakesSense('NONE', type)).toEqual({ makesSense: true });
  });

  it('V16: an ESS reservation (L2113-15) covers services only, never manufacturing or supplies', () => {
    expect(reservationMakesSense('L2113-15', 'PREST').makesSense).toBe(true);
    expect(reservationMakesSense('L2113-15', 'DISP').makesSense).toBe(true);
    const build = reservationMakesSense('L2113-15', 'BUILD');
    expect(build.makesSense).toBe(false);
    expect(build.message).toMatch(/services sociaux/);
  });

  it('V21: staff provision reserved L2113-12 makes no sense (EA/ESAT perform, only EATT do temp work, unverified)', () => {
    const sense = reservationMakesSense('L2113-12', 'DISP');
    expect(sense.makesSense).toBe(false);
    expect(sense.message).toMatch(/EATT/);
    expect(sense.message).toMatch(/L2113-13/);
  });

  it('every other reserved combination has eligible kinds that fit it', () => {
    expect(reservationMakesSense('L2113-12', 'PREST').makesSense).toBe(true);
    expect(reservationMakesSense('L2113-12', 'BUILD').makesSense).toBe(true);
    for (const type of PRESTATION_TYPES) {
      expect(reservationMakesSense('L2113-13', type).makesSense).toBe(true);
      expect(reservationMakesSense('L2113-14', type).makesSense).toBe(true);
    }
  });
});

describe('reservationDurationIssue (V16)', () => {
  it('V16: flags an ESS-reserved contract longer than 3 years, and nothing else', () => {
    expect(ESS_RESERVATION_MAX_MONTHS).toBe(36);
    expect(reservationDurationIssue('L2113-15', 36)).toBeNull();
    expect(reservationDurationIssue('L2113-15', 48)).toMatch(/3 ans.*48 mois/);
    expect(reservationDurationIssue('L2113-13', 48)).toBeNull();
  });
});
