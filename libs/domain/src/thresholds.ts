// Procedure thresholds by date (domain rules §4, V23) and the social-clause obligation (V24).
// Dates are compared as French calendar days (Europe/Paris): a consultation launched at 00:30 on
// 1 January 2026 in Paris is a 2026 consultation although it is still 31 December in UTC.
// The sheet covers 2024 onwards: earlier dates get the 2024–2025 values.
import { normaliseCpv } from './cpv';
import { formatIntegerFr } from './labels';

export type ContractNature = 'WORKS' | 'SUPPLIES' | 'SERVICES';
/** CENTRAL = central government, OTHER = other contracting authorities, UTILITY = utilities and defence. */
export type BuyerType = 'CENTRAL' | 'OTHER' | 'UTILITY';
export type ProcedureCode = 'NO_PUBLICITY' | 'MAPA' | 'MAPA_PUBLICITY' | 'FORMALISED';

export interface ProcedureCategory {
  code: ProcedureCode;
  label: string; // French
  euThresholdEur: number;
}

interface EuThresholds {
  from: string; // first French calendar day (YYYY-MM-DD) of the period
  central: number;
  other: number;
  utility: number;
  works: number;
}

/** EU thresholds HT, newest first: 2026–2027 (consultations from 1 Jan 2026), then 2024–2025. */
const EU_THRESHOLDS: readonly EuThresholds[] = [
  { from: '2026-01-01', central: 140_000, other: 216_000, utility: 432_000, works: 5_404_000 },
  { from: '0000-01-01', central: 143_000, other: 221_000, utility: 443_000, works: 5_538_000 },
];

/** R2122-8 (décret 2025-1386): supplies and services 40 k€, 60 k€ from 1 April 2026. */
const SUPPLIES_SERVICES_NO_PUBLICITY: readonly { from: string; thresholdEur: number }[] = [
  { from: '2026-04-01', thresholdEur: 60_000 },
  { from: '0000-01-01', thresholdEur: 40_000 },
];
/** R2122-8: works 100 k€ — temporary until 31 Dec 2025, permanent from 1 Jan 2026, so 100 k€ throughout. */
export const WORKS_NO_PUBLICITY_THRESHOLD_EUR = 100_000;
/** R2131-12: from 90 k€ HT a MAPA is advertised in the BOAMP or a JAL. */
export const MAPA_PUBLICITY_THRESHOLD_EUR = 90_000;
/**
 * L2112-2-1 (loi Climat et résilience art. 35): social execution condition above EU thresholds
 * "au plus tard" in August 2026. Sources say 21 or 22 August; we use the earlier, 21 August 2026,
 * so the flag never appears late. A decree may set an earlier date.
 */
export const SOCIAL_CLAUSE_OBLIGATION_FROM = '2026-08-21';

const parisDayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The French calendar day of an instant, as YYYY-MM-DD (string order = date order). */
export function parisCalendarDay(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
  return parisDayFormat.format(date);
}

function inForce<T extends { from: string }>(periods: readonly T[], date: Date): T {
  const day = parisCalendarDay(date);
  const period = periods.find((candidate) => candidate.from <= day);
  if (period === undefined) throw new RangeError(`No threshold period for ${day}`);
  return period;
}

/** The EU (formalised procedure) threshold in force on `date` (V23). */
export function euThresholdEur(nature: ContractNature, date: Date, buyerType: BuyerType = 'OTHER'): number {
  const thresholds = inForce(EU_THRESHOLDS, date);
  if (nature === 'WORKS') return thresholds.works;
  return buyerType === 'CENTRAL' ? thresholds.central : buyerType === 'UTILITY' ? thresholds.utility : thresholds.other;
}

/** Below this amount a contract may be awarded without publicity or competition (R2122-8, V23). */
export function noPublicityThresholdEur(nature: ContractNature, date: Date): number {
  if (nature === 'WORKS') return WORKS_NO_PUBLICITY_THRESHOLD_EUR;
  return inForce(SUPPLIES_SERVICES_NO_PUBLICITY, date).thresholdEur;
}

export interface ProcedureInput {
  amountEur: number; // estimated amount HT
  nature: ContractNature;
  date: Date; // launch of the consultation
  buyerType?: BuyerType; // default OTHER
}

const eur = (amount: number): string => `${formatIntegerFr(amount)} € HT`;

/**
 * V23: threshold category of a contract or lot. Bounds are "below" (strict) as in the texts:
 * < no-publicity threshold → NO_PUBLICITY; < 90 k€ → MAPA; < EU threshold → MAPA_PUBLICITY; else FORMALISED.
 * Works between 90 k€ and 100 k€ are therefore NO_PUBLICITY (the works threshold is the higher one).
 */
export function procedureCategory(input: ProcedureInput): ProcedureCategory {
  const euThreshold = euThresholdEur(input.nature, input.date, input.buyerType);
  const noPublicity = noPublicityThresholdEur(input.nature, input.date);
  if (input.amountEur < noPublicity) {
    return {
      code: 'NO_PUBLICITY',
      label: `Moins de ${eur(noPublicity)} : marché possible sans publicité ni mise en concurrence préalables (R2122-8)`,
      euThresholdEur: euThreshold,
    };
  }
  if (input.amountEur < MAPA_PUBLICITY_THRESHOLD_EUR) {
    return {
      code: 'MAPA',
      label: `Procédure adaptée, publicité libre (moins de ${eur(MAPA_PUBLICITY_THRESHOLD_EUR)}, R2131-12)`,
      euThresholdEur: euThreshold,
    };
  }
  if (input.amountEur < euThreshold) {
    return {
      code: 'MAPA_PUBLICITY',
      label: `Procédure adaptée avec publicité au BOAMP ou dans un JAL (${eur(MAPA_PUBLICITY_THRESHOLD_EUR)} et plus, R2131-12)`,
      euThresholdEur: euThreshold,
    };
  }
  return {
    code: 'FORMALISED',
    label: `Procédure formalisée (seuil européen de ${eur(euThreshold)} atteint)`,
    euThresholdEur: euThreshold,
  };
}

export interface SocialClauseFlag {
  rule: 'V24';
  message: string; // French
}

/**
 * V24: from 21 August 2026, a contract at or above the EU threshold without a social clause is flagged
 * as a "possible exception" — the buyer may have recorded a justified exception, so never a rejection.
 */
export function missingSocialClauseFlag(input: ProcedureInput & { hasSocialClause: boolean }): SocialClauseFlag | null {
  if (input.hasSocialClause) return null;
  if (parisCalendarDay(input.date) < SOCIAL_CLAUSE_OBLIGATION_FROM) return null;
  const threshold = euThresholdEur(input.nature, input.date, input.buyerType);
  if (input.amountEur < threshold) return null;
  return {
    rule: 'V24',
    message: `Marché d'au moins ${eur(threshold)} (seuil européen) sans clause sociale : depuis le 21 août 2026, une condition d'exécution sociale est obligatoire sauf exception justifiée par l'acheteur (L2112-2-1). Exception possible, à vérifier.`,
  };
}

/**
 * Nature of a contract from its main CPV code's division: 45 → WORKS; 03–44 and 48 (software
 * packages) → SUPPLIES; 50–98 → SERVICES. An invalid code or a division that does not exist → null.
 */
export function natureForCpv(cpvCode: string): ContractNature | null {
  const cpv = normaliseCpv(cpvCode);
  if (cpv === null) return null;
  const division = Number(cpv.slice(0, 2));
  if (division === 45) return 'WORKS';
  if ((division >= 3 && division <= 44) || division === 48) return 'SUPPLIES';
  if (division >= 50 && division <= 98) return 'SERVICES';
  return null;
}
