// Semantic rules on a tender body (the DTO checked its shape): reference lookups, sums, dates and the
// legal rules a buyer cannot break (V13 sense of a reservation, V16 duration). Every problem names its field.
import type { FieldError } from '@app/common';
import { isValidSiret, reservationDurationIssue, reservationMakesSense } from '@app/domain';
import type { ReferenceLookup } from './reference-lookup';
import type { TenderInput } from './tender.types';

/** Shares of a lot's work packages must sum to 1 within this tolerance (contract). */
export const SHARE_TOLERANCE = 0.001;
export const DURATION_MIN_MONTHS = 1;
/** 20 years: beyond any ordinary public contract (partnership contracts aside). */
export const DURATION_MAX_MONTHS = 240;

function cpvProblems(codes: readonly string[] | undefined, field: string, reference: ReferenceLookup): FieldError[] {
  return (codes ?? []).flatMap((code, i) =>
    reference.cpv(code) ? [] : [{ field: `${field}[${i}]`, message: `code CPV inconnu : "${code}" (8 chiffres, clé de contrôle facultative)` }],
  );
}

function sectorProblems(codes: readonly string[] | undefined, field: string, reference: ReferenceLookup): FieldError[] {
  return (codes ?? []).flatMap((code, i) =>
    reference.sector(code) ? [] : [{ field: `${field}[${i}]`, message: `secteur inconnu : "${code}" (voir /api/v1/reference/sectors)` }],
  );
}

/** YYYY-MM-DD of an instant in Paris, for comparing a deadline with a start date. */
function parisDay(date: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Every semantic problem of a complete tender body; empty when it may be stored. */
export function tenderProblems(input: TenderInput, reference: ReferenceLookup, now: Date = new Date()): FieldError[] {
  const problems: FieldError[] = [];
  if (input.buyer?.siret !== undefined && !isValidSiret(input.buyer.siret)) {
    problems.push({ field: 'buyer.siret', message: 'SIRET invalide : 14 chiffres avec une clé de contrôle valide' });
  }
  problems.push(...cpvProblems(input.cpvCodes, 'cpvCodes', reference));
  if (!reference.commune(input.executionCommuneCode)) {
    problems.push({ field: 'executionCommuneCode', message: `commune inconnue : "${input.executionCommuneCode}" n'est pas un code INSEE de commune` });
  }
  const deadline = new Date(input.responseDeadline);
  if (Number.isNaN(deadline.getTime())) {
    problems.push({ field: 'responseDeadline', message: 'date invalide (ISO 8601 attendu)' });
  } else if (deadline.getTime() <= now.getTime()) {
    problems.push({ field: 'responseDeadline', message: 'la date limite de réponse est déjà passée' });
  } else if (input.startDate !== undefined && input.startDate < parisDay(deadline)) {
    problems.push({ field: 'startDate', message: 'le début d’exécution ne peut pas précéder la date limite de réponse' });
  }
  if (!Number.isInteger(input.durationMonths) || input.durationMonths < DURATION_MIN_MONTHS || input.durationMonths > DURATION_MAX_MONTHS) {
    problems.push({ field: 'durationMonths', message: `la durée doit être un nombre entier de mois entre ${DURATION_MIN_MONTHS} et ${DURATION_MAX_MONTHS}` });
  }

  const lots = input.lots ?? [];
  if (lots.length === 0) problems.push({ field: 'lots', message: 'au moins un lot est obligatoire' });
  const firstIndexOfNumber = new Map<number, number>();
  lots.forEach((lot, i) => {
    const at = `lots[${i}]`;
    const previous = firstIndexOfNumber.get(lot.number);
    if (previous !== undefined) problems.push({ field: `${at}.number`, message: `numéro de lot ${lot.number} déjà utilisé par lots[${previous}]` });
    else firstIndexOfNumber.set(lot.number, i);
    if (!(lot.estimatedAmountEur > 0)) problems.push({ field: `${at}.estimatedAmountEur`, message: 'le montant estimé doit être strictement positif' });
    problems.push(...cpvProblems(lot.cpvCodes, `${at}.cpvCodes`, reference));
    problems.push(...sectorProblems(lot.sectors, `${at}.sectors`, reference));

    const sense = reservationMakesSense(lot.reservation, lot.prestationType);
    if (!sense.makesSense) problems.push({ field: `${at}.reservation`, message: sense.message ?? 'réservation incohérente avec le type de prestation' });
    if (Number.isInteger(input.durationMonths)) {
      const tooLong = reservationDurationIssue(lot.reservation, input.durationMonths);
      if (tooLong) problems.push({ field: `${at}.reservation`, message: tooLong });
    }

    const packages = lot.workPackages ?? [];
    if (packages.length > 0) {
      const total = packages.reduce((sum, wp) => sum + wp.share, 0);
      if (Math.abs(total - 1) > SHARE_TOLERANCE) {
        problems.push({ field: `${at}.workPackages`, message: `les parts des prestations doivent totaliser 1 (± ${SHARE_TOLERANCE}) : total ${Math.round(total * 10000) / 10000}` });
      }
      const codes = new Set<string>();
      packages.forEach((wp, j) => {
        if (codes.has(wp.code)) problems.push({ field: `${at}.workPackages[${j}].code`, message: `code de prestation "${wp.code}" déjà utilisé dans ce lot` });
        codes.add(wp.code);
        if (!(wp.share > 0 && wp.share <= 1)) problems.push({ field: `${at}.workPackages[${j}].share`, message: 'la part doit être comprise entre 0 (exclu) et 1' });
        problems.push(...cpvProblems(wp.cpvCodes, `${at}.workPackages[${j}].cpvCodes`, reference));
        problems.push(...sectorProblems(wp.sectors, `${at}.workPackages[${j}].sectors`, reference));
      });
    }
  });
  return problems;
}
