// One line of a buyer's purchase plan (CSV or XLSX): label, CPV code or words, yearly amount, place.
// Pure: the reference lookups are passed in. A line that cannot be advised keeps a French reason.
import type { PrestationType } from '@app/domain';
import { foldText, sectorsNamedIn } from '@app/reference';
import { prestationTypeFor } from '../decp/decp-mapper';
import type { CommuneRef, ReferenceLookup } from '../reference-lookup';
import { sectorsOfCpvCodes } from '../reference-lookup';

export const PURCHASE_COLUMNS = ['label', 'subject', 'amount', 'place'] as const;
export type PurchaseColumn = (typeof PURCHASE_COLUMNS)[number];

/** Header names accepted per column (accents, case and punctuation aside). */
const HEADER_NAMES: Record<PurchaseColumn, readonly string[]> = {
  label: ['libelle', 'intitule', 'achat', 'designation', 'label'],
  subject: ['cpv', 'code cpv', 'codes cpv', 'cpv ou mots', 'objet', 'mots', 'mots cles', 'description', 'subject'],
  amount: ['montant annuel', 'montant annuel ht', 'montant annuel eur', 'montant', 'montant ht', 'amount', 'yearly amount'],
  place: ['lieu', 'lieu d execution', 'commune', 'code commune', 'code insee', 'code postal', 'place'],
};

export const PURCHASE_COLUMN_LABELS: Record<PurchaseColumn, string> = {
  label: 'libellé',
  subject: 'code CPV ou mots',
  amount: 'montant annuel',
  place: 'lieu',
};

export interface HeaderMapping {
  columns: Record<PurchaseColumn, number>;
  missing: PurchaseColumn[];
  /** The place column is named "code postal": five digits are read as a postcode first. */
  placeIsPostcode: boolean;
}

/** Which cell holds which column; the first matching header wins. */
export function mapPurchaseHeader(header: readonly string[]): HeaderMapping {
  const folded = header.map((h) => foldText(String(h ?? '')).replace(/[^a-z0-9 ]/g, ' ').replace(/\s+/g, ' ').trim());
  const columns = {} as Record<PurchaseColumn, number>;
  const missing: PurchaseColumn[] = [];
  for (const column of PURCHASE_COLUMNS) {
    const index = folded.findIndex((h) => HEADER_NAMES[column].includes(h));
    if (index < 0) missing.push(column);
    else columns[column] = index;
  }
  return { columns, missing, placeIsPostcode: columns.place !== undefined && folded[columns.place].includes('postal') };
}

/** "12 000,50 €", "12000.5", "12 000" → 12000.5; null when not a number. */
export function parseAmountFr(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f€]|EUR|HT/gi, '');
  if (!cleaned) return null;
  const normalised = /,\d{1,2}$/.test(cleaned) ? cleaned.replace(/\./g, '').replace(',', '.') : cleaned.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) return null;
  return Number(normalised);
}

export interface PurchaseLine {
  lineNumber: number;
  label: string;
  subject: string;
  amountEur: number | null;
  place: string;
  communeCode: string | null;
  cpvCodes: string[];
  sectors: string[];
  prestationType: PrestationType | null;
  /** Why the line cannot be advised (French); null for a good line. */
  problem: string | null;
}

/** Finds a commune from an INSEE code, a postcode or a name (the caller caches the answers). */
export type PurchasePlaceResolver = (place: string) => CommuneRef | undefined;

const MAX_CELL = 500;

export function readPurchaseLine(lineNumber: number, cells: readonly unknown[], mapping: HeaderMapping, reference: Pick<ReferenceLookup, 'cpv' | 'sector'>, resolvePlace: PurchasePlaceResolver): PurchaseLine {
  const cell = (column: PurchaseColumn) => String(cells[mapping.columns[column]] ?? '').trim().slice(0, MAX_CELL);
  const line: PurchaseLine = {
    lineNumber,
    label: cell('label'),
    subject: cell('subject'),
    amountEur: null,
    place: cell('place'),
    communeCode: null,
    cpvCodes: [],
    sectors: [],
    prestationType: null,
    problem: null,
  };
  const problems: string[] = [];
  if (!line.label) problems.push('libellé manquant');

  const rawAmount = cells[mapping.columns.amount];
  const amount = typeof rawAmount === 'number' ? rawAmount : parseAmountFr(cell('amount'));
  if (amount === null || !Number.isFinite(amount)) problems.push(cell('amount') ? `montant annuel illisible : « ${cell('amount')} »` : 'montant annuel manquant');
  else if (amount <= 0) problems.push('le montant annuel doit être positif');
  else line.amountEur = amount;

  const codes = line.subject.match(/\b\d{8}(-\d)?\b/g) ?? [];
  if (codes.length) {
    const known = codes.map((c) => reference.cpv(c)).filter((c) => c !== undefined);
    if (known.length < codes.length) problems.push(`code CPV inconnu : « ${codes.find((c) => !reference.cpv(c))} »`);
    line.cpvCodes = known.map((c) => c.code);
    line.sectors = sectorsOfCpvCodes(line.cpvCodes, reference);
  } else if (line.subject) {
    line.sectors = [...sectorsNamedIn(line.subject).keys()];
    if (line.sectors.length === 0) problems.push(`aucune activité reconnue dans « ${line.subject} » : indiquez un code CPV`);
  } else {
    problems.push('code CPV ou mots manquants');
  }
  if (line.sectors.length || line.cpvCodes.length) line.prestationType = prestationTypeFor(line.cpvCodes[0] ?? null, line.sectors, reference);

  if (!line.place) problems.push('lieu manquant');
  else {
    const commune = resolvePlace(line.place);
    if (commune) line.communeCode = commune.code;
    else problems.push(`lieu inconnu : « ${line.place} » (code commune, code postal ou nom de commune)`);
  }
  if (problems.length) line.problem = problems.join(' ; ');
  return line;
}
