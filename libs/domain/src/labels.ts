// French wording shared by every user-facing message of the domain (rules, scoring, eligibility).
import type { PrestationType, Reservation, StructureKind } from './vocabulary';

const KIND_LABELS: Record<StructureKind, string> = {
  EI: "entreprise d'insertion (EI)",
  ACI: "atelier et chantier d'insertion (ACI)",
  AI: 'association intermédiaire (AI)',
  ETTI: "entreprise de travail temporaire d'insertion (ETTI)",
  EITI: "entreprise d'insertion par le travail indépendant (EITI)",
  GEIQ: "groupement d'employeurs pour l'insertion et la qualification (GEIQ)",
  EA: 'entreprise adaptée (EA)',
  EATT: 'entreprise adaptée de travail temporaire (EATT)',
  ESAT: "établissement et service d'aide par le travail (ESAT)",
  COMPANY: 'entreprise ordinaire',
};

const PRESTATION_LABELS: Record<PrestationType, string> = {
  PREST: 'prestation de service',
  DISP: 'mise à disposition de personnel',
  BUILD: 'fabrication / fourniture',
};

const RESERVATION_LABELS: Record<Reservation, string> = {
  NONE: 'non réservé',
  'L2113-12': 'réservé aux EA et ESAT (art. L2113-12)',
  'L2113-13': 'réservé aux SIAE (art. L2113-13)',
  'L2113-14': 'réservé aux EA, ESAT et SIAE (art. L2113-14)',
  'L2113-15': "réservé aux entreprises de l'ESS (art. L2113-15)",
};

export function structureKindLabel(kind: StructureKind): string {
  return KIND_LABELS[kind];
}

export function prestationLabel(prestationType: PrestationType): string {
  return PRESTATION_LABELS[prestationType];
}

export function reservationLabel(reservation: Reservation): string {
  return RESERVATION_LABELS[reservation];
}

/** French decimal: 1.25 → "1,25", at most `decimals` decimals, no trailing zeros. */
export function formatDecimalFr(value: number, decimals: number): string {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return String(rounded).replace('.', ',');
}

/** Whole number with French thousands separators (regular spaces, not NBSP, to keep tests readable). */
export function formatIntegerFr(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** Short euro amounts for reasons: 1 200 000 → "1,2 M€", 300 000 → "300 k€", 1 500 → "1,5 k€", 850 → "850 €". */
export function formatEurShort(amountEur: number): string {
  const absolute = Math.abs(amountEur);
  if (absolute >= 999_500) return `${formatDecimalFr(amountEur / 1_000_000, 1)} M€`;
  if (absolute >= 9_950) return `${formatIntegerFr(amountEur / 1_000)} k€`;
  if (absolute >= 1_000) return `${formatDecimalFr(amountEur / 1_000, 1)} k€`;
  return `${formatIntegerFr(amountEur)} €`;
}

/** A fraction as a French percentage: 0.425 → "42,5 %". */
export function formatPercentFr(fraction: number, decimals = 1): string {
  return `${formatDecimalFr(fraction * 100, decimals)} %`;
}
