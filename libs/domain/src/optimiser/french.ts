// Small French wording helpers for explanations and warnings shown to users.
import type { StructureKind } from '../vocabulary';

const KIND_WITH_ARTICLE: Record<StructureKind, string> = {
  EI: 'l’EI',
  ACI: 'l’ACI',
  AI: 'l’AI',
  ETTI: 'l’ETTI',
  EITI: 'l’EITI',
  GEIQ: 'le GEIQ',
  EA: 'l’EA',
  EATT: 'l’EATT',
  ESAT: 'l’ESAT',
  COMPANY: 'l’entreprise',
};

/** "l’ACI Les Jardins", "le GEIQ BTP 42", "l’entreprise Dupont". */
export function structureLabel(kind: StructureKind, name: string): string {
  return `${KIND_WITH_ARTICLE[kind]} ${name}`;
}

/** "L’ACI Les Jardins" at the start of a sentence. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const EUR = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const HOURS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

export function euros(amount: number): string {
  return `${EUR.format(Math.round(amount))} €`;
}

export function hours(value: number): string {
  return `${HOURS.format(Math.round(value))} h`;
}

export function percent(fraction: number): string {
  const value = Math.round(fraction * 1000) / 10;
  return `${value.toLocaleString('fr-FR')} %`;
}

/** "1, 2 et 3". */
export function enumerate(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}
