// Who may answer a reserved lot (domain rules §2, V13, V15, V16).
// Principle of the rule sheet: what rests on UNVERIFIED grounds is 'uncertain' (a warning users see),
// never 'excluded'; 'excluded' is kept for what the sheet states.
import { prestationLabel, reservationLabel, structureKindLabel } from './labels';
import { prestationFit } from './prestation-fit';
import type { PrestationType, Reservation, StructureKind } from './vocabulary';

export type EligibilityStatus = 'eligible' | 'uncertain' | 'excluded';

export interface ReservationEligibility {
  status: EligibilityStatus;
  reason: string; // French, shown to users
}

/** L2113-12: EA and ESAT (C. trav. L5213-13, CASF L344-2). */
export const DISABILITY_RESERVATION_KINDS: readonly StructureKind[] = ['EA', 'ESAT'];
/** L2113-13: the SIAE listed in C. trav. L5132-4. */
export const INSERTION_RESERVATION_KINDS: readonly StructureKind[] = ['EI', 'ETTI', 'AI', 'ACI'];

/** L2113-16: an ESS-reserved contract lasts at most 3 years (V16). */
export const ESS_RESERVATION_MAX_MONTHS = 36;

// Equivalent structures (e.g. from another EU country) are eligible only with ≥ 50 % disabled or
// disadvantaged workers (R2113-7, V15). The catalogue has no "equivalent" kind: such a structure would
// be registered as COMPANY and is therefore excluded here until the catalogue can store that evidence.

const eligible = (reason: string): ReservationEligibility => ({ status: 'eligible', reason });
const uncertain = (reason: string): ReservationEligibility => ({ status: 'uncertain', reason });
const excluded = (reason: string): ReservationEligibility => ({ status: 'excluded', reason });

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function eligibleFor(kind: StructureKind, reservation: Reservation): ReservationEligibility {
  return eligible(`${capitalise(structureKindLabel(kind))} : éligible à un lot ${reservationLabel(reservation)}, règle V13.`);
}

/** Reasons cite the basis of the doubt (L2113-12 or -13) even when the lot is reserved under L2113-14. */
function disabilityEligibility(kind: StructureKind, reservation: Reservation): ReservationEligibility | null {
  if (DISABILITY_RESERVATION_KINDS.includes(kind)) return eligibleFor(kind, reservation);
  if (kind === 'EATT') {
    return uncertain(
      "EATT : juridiquement une entreprise adaptée, mais son éligibilité au L2113-12 n'est confirmée par aucune source (non vérifié, V13) : à vérifier auprès de l'acheteur.",
    );
  }
  return null;
}

function insertionEligibility(kind: StructureKind, reservation: Reservation): ReservationEligibility | null {
  if (INSERTION_RESERVATION_KINDS.includes(kind)) return eligibleFor(kind, reservation);
  if (kind === 'EITI') {
    return uncertain(
      "EITI : expérimentation non listée à l'article L5132-4 du code du travail ; éligibilité au L2113-13 incertaine, peut-être comme « structure équivalente » (V13) : à vérifier auprès de l'acheteur.",
    );
  }
  return null;
}

function notListed(kind: StructureKind, reservation: Reservation): ReservationEligibility {
  if (kind === 'GEIQ') {
    return excluded(
      `GEIQ : ne relève pas de l'insertion par l'activité économique ni du handicap, donc non éligible à un lot ${reservationLabel(reservation)} (V13).`,
    );
  }
  if (kind === 'COMPANY') {
    return excluded(
      `Entreprise ordinaire : non éligible à un lot ${reservationLabel(reservation)}, même au sein d'un groupement (V13, fiche DAJ du 23/09/2011).`,
    );
  }
  return excluded(`${capitalise(structureKindLabel(kind))} : non éligible à un lot ${reservationLabel(reservation)} (V13).`);
}

/** L2113-15: ESS status is not stored and the L2113-16 conditions are UNVERIFIED → never a rejection. */
function essEligibility(kind: StructureKind): ReservationEligibility {
  if (kind === 'COMPANY' || kind === 'GEIQ') {
    const who = kind === 'COMPANY' ? 'Une entreprise ordinaire' : 'Un GEIQ';
    return uncertain(
      `${who} n'est éligible à un lot réservé à l'ESS (L2113-15) que s'il s'agit d'une entreprise de l'économie sociale et solidaire (loi 2014-856, art. 1) : statut à vérifier (V16).`,
    );
  }
  return uncertain(
    `${capitalise(structureKindLabel(kind))} : lot réservé à l'ESS (L2113-15) ; le statut ESS n'est pas enregistré et les autres conditions de l'article L2113-16 ne sont pas vérifiées : à vérifier (V16).`,
  );
}

/** Eligibility of a kind for a reservation (V13; V16 for L2113-15). */
export function reservationEligibility(kind: StructureKind, reservation: Reservation): ReservationEligibility {
  switch (reservation) {
    case 'NONE':
      return eligible('Lot non réservé : toute structure peut répondre.');
    case 'L2113-12':
      return disabilityEligibility(kind, reservation) ?? notListed(kind, reservation);
    case 'L2113-13':
      return insertionEligibility(kind, reservation) ?? notListed(kind, reservation);
    case 'L2113-14':
      // L2113-14 reserves one lot to both publics: the union of the two lists.
      return disabilityEligibility(kind, reservation) ?? insertionEligibility(kind, reservation) ?? notListed(kind, reservation);
    case 'L2113-15':
      return essEligibility(kind);
  }
}

/** May answer (possibly with a warning): everything but 'excluded'. */
export function isEligible(kind: StructureKind, reservation: Reservation): boolean {
  return reservationEligibility(kind, reservation).status !== 'excluded';
}

export interface ReservationSense {
  makesSense: boolean;
  message?: string; // French, present when makesSense is false
}

const KINDS_CHECKED_FOR_SENSE: readonly StructureKind[] = ['EI', 'ACI', 'AI', 'ETTI', 'EITI', 'GEIQ', 'EA', 'EATT', 'ESAT'];

/**
 * Whether reserving a lot of this prestation type can attract anyone.
 * - L2113-15 covers only social and other specific *services* (V16): PREST or DISP, never BUILD.
 *   (Which services are listed depends on the CPV code, checked elsewhere.)
 * - L2113-12/13/14: at least one kind that is plainly eligible (not merely uncertain) must fit the
 *   prestation type under V21. In practice this rejects only staff provision reserved L2113-12:
 *   EA and ESAT perform services, and only EATT do temp work, with unverified eligibility.
 */
export function reservationMakesSense(reservation: Reservation, prestationType: PrestationType): ReservationSense {
  if (reservation === 'NONE') return { makesSense: true };
  if (reservation === 'L2113-15') {
    if (prestationType !== 'BUILD') return { makesSense: true };
    return {
      makesSense: false,
      message:
        "Un lot réservé à l'ESS (L2113-15) ne peut porter que sur des services sociaux et autres services spécifiques : pas sur une fabrication ou une fourniture (V16).",
    };
  }
  const someEligibleKindFits = KINDS_CHECKED_FOR_SENSE.some(
    (kind) =>
      reservationEligibility(kind, reservation).status === 'eligible' && prestationFit(kind, prestationType) === 'fit',
  );
  if (someEligibleKindFits) return { makesSense: true };
  if (reservation === 'L2113-12' && prestationType === 'DISP') {
    return {
      makesSense: false,
      message:
        "Une mise à disposition de personnel réservée L2113-12 n'attirera guère de candidats : les EA et ESAT exécutent des prestations, seules les EATT font de l'intérim et leur éligibilité n'est pas vérifiée. Envisager une réservation L2113-13 (AI, ETTI) ou L2113-14 (V13, V21).",
    };
  }
  return {
    makesSense: false,
    message: `Aucune structure éligible à un lot ${reservationLabel(reservation)} n'est adaptée à une ${prestationLabel(prestationType)} (V13, V21).`,
  };
}

/** V16: an ESS-reserved (L2113-15) contract may not last more than 3 years. Null when fine. */
export function reservationDurationIssue(reservation: Reservation, durationMonths: number): string | null {
  if (reservation !== 'L2113-15' || durationMonths <= ESS_RESERVATION_MAX_MONTHS) return null;
  return `Un marché réservé à l'ESS (L2113-15) ne peut pas dépasser 3 ans (V16) : durée prévue ${durationMonths} mois.`;
}
