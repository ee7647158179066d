// SIREN (9 digits, the company) and SIRET (14 digits = SIREN + 5-digit establishment number, NIC).
// Both end with a Luhn check digit. La Poste is the one known exception: it has so many establishments
// that INSEE numbers them so that the sum of the 14 digits is a multiple of 5 instead (its head office,
// 356 000 000 00048, still has a valid Luhn key, so it passes the normal check).

export const LA_POSTE_SIREN = '356000000';

const SIREN_PATTERN = /^\d{9}$/;
const SIRET_PATTERN = /^\d{14}$/;

/** Removes every kind of space ("807 469 317 00018", non-breaking spaces from copy-paste); nothing else. */
export function normaliseSiret(input: string): string {
  return input.replace(/\s+/g, '');
}

/** Luhn check over a digit string (the rightmost digit is the key). */
export function hasValidLuhnKey(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function digitSum(digits: string): number {
  let sum = 0;
  for (const char of digits) sum += Number(char);
  return sum;
}

/** Exactly 9 digits with a valid Luhn key. Expects a normalised value (see `normaliseSiret`). */
export function isValidSiren(input: string): boolean {
  return SIREN_PATTERN.test(input) && input !== '000000000' && hasValidLuhnKey(input);
}

/**
 * Exactly 14 digits with a valid Luhn key (SIREN 000000000 excepted), or a La Poste establishment (SIREN 356000000) whose digit sum
 * is a multiple of 5. Expects a normalised value: "807 469 317 00018" is rejected, normalise it first.
 */
export function isValidSiret(input: string): boolean {
  if (!SIRET_PATTERN.test(input)) return false;
  // "000000000…" passes Luhn but names no company: a placeholder, never an establishment (issue 13).
  if (input.startsWith('000000000')) return false;
  if (hasValidLuhnKey(input)) return true;
  return input.startsWith(LA_POSTE_SIREN) && digitSum(input) % 5 === 0;
}

/** The SIREN (first 9 digits) of a SIRET; spaces are ignored. Throws on anything that is not 14 digits. */
export function sirenOf(siret: string): string {
  const normalised = normaliseSiret(siret);
  if (!SIRET_PATTERN.test(normalised)) {
    throw new RangeError(`Not a SIRET (14 digits expected): "${siret}"`);
  }
  return normalised.slice(0, 9);
}
