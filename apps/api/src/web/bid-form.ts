// The bid workspace's forms, pure: the lead's composition form (form, mandataire, the split grid of
// shares per member and lot / work package) → the body of PATCH /api/v1/bids/:id, and the API's error
// paths back onto the grid's cells. Also the French wording of statuses and history entries.
import type { FieldError } from '@app/common';
import { formatPercentFr } from '@app/domain';
import { FormBody, checked, indexedGroups, parseNumberFr, text } from './forms';

export const BID_STATUS_LABELS: Record<string, string> = { forming: 'En constitution', submitted: 'Déposé' };
export const MEMBER_STATUS_LABELS: Record<string, string> = { invited: 'Invitation en attente', accepted: 'Acceptée', declined: 'Déclinée' };
export const BID_FORM_LABELS: Record<string, string> = { CONJOINT: 'Groupement conjoint', SOLIDAIRE: 'Groupement solidaire' };
export const RELATION_LABELS: Record<string, string> = { lead: 'Chef de file', member: 'Membre', buyer: 'Acheteur', admin: 'Administration' };

export const COMPOSITION_FIELD_LABELS: Record<string, string> = {
  form: 'Forme du groupement',
  mandataireSolidaire: 'Mandataire solidaire',
  mandataireStructureId: 'Mandataire',
  assignments: 'Répartition',
  'cells[].share': 'Part {1}',
};

/** A column of the split grid: a lot, or one work package of a lot cut into work packages. */
export interface SplitUnit {
  lot: number;
  workPackage?: string;
  label: string;
  /** Share of the lot the unit stands for (1 for a lot without work packages). */
  weight: number;
}

export interface LotLike {
  number: number;
  title: string | null;
  workPackages: { code: string; title: string | null; share: number }[];
}

export function splitUnits(bidLots: readonly number[], tenderLots: readonly LotLike[]): SplitUnit[] {
  return tenderLots
    .filter((lot) => bidLots.includes(lot.number))
    .sort((a, b) => a.number - b.number)
    .flatMap((lot): SplitUnit[] =>
      lot.workPackages.length
        ? lot.workPackages.map((wp) => ({ lot: lot.number, workPackage: wp.code, label: `Lot ${lot.number} – ${wp.title ?? wp.code}`, weight: wp.share }))
        : [{ lot: lot.number, label: `Lot ${lot.number}${lot.title ? ` – ${lot.title}` : ''}`, weight: 1 }],
    );
}

/** One input of the grid, self-describing (hidden structureId / lot / workPackage): the post needs no grid. */
export interface SplitCell {
  index: number;
  structureId: string;
  lot: number;
  workPackage: string;
  /** The share in per cent as typed ("60", "33,33"), '' when the member takes no part. */
  share: string;
}

export interface CompositionValues {
  form: string;
  mandataireSolidaire: boolean;
  mandataireStructureId: string;
  /** Row by row (members), column by column (units): cells[i].index is its position in the flat list. */
  rows: { structureId: string; name: string; cells: SplitCell[] }[];
}

interface MemberLike {
  structureId: string;
  name: string;
  status: string;
  assignments: { lot: number; workPackage?: string; share: number }[];
}

/** A share fraction as the grid shows it: per cent, French decimals, no unit ("60", "33,33"). */
export function sharePercentText(share: number): string {
  return formatPercentFr(share, 2).replace(/\s*%$/, '');
}

/** The grid as the bid stands (active members only: a declined member takes no work). */
export function compositionValues(
  bid: { form: string; mandataireSolidaire: boolean; mandataireStructureId: string | null; members: readonly MemberLike[] },
  units: readonly SplitUnit[],
): CompositionValues {
  let index = 0;
  const rows = bid.members
    .filter((m) => m.status !== 'declined')
    .map((m) => ({
      structureId: m.structureId,
      name: m.name,
      cells: units.map((u): SplitCell => {
        const found = m.assignments.find((a) => a.lot === u.lot && (a.workPackage ?? '') === (u.workPackage ?? ''));
        return { index: index++, structureId: m.structureId, lot: u.lot, workPackage: u.workPackage ?? '', share: found ? sharePercentText(found.share) : '' };
      }),
    }));
  return { form: bid.form, mandataireSolidaire: bid.mandataireSolidaire, mandataireStructureId: bid.mandataireStructureId ?? '', rows };
}

/**
 * The running total of each column of the split grid (a lot, or a work package of a lot), in per cent as
 * typed: shown under the grid so a split that does not reach 100 % is seen before saving. `null` when a
 * cell is not a number.
 */
export function columnTotals(values: CompositionValues): { percent: number | null; complete: boolean }[] {
  const columns = values.rows[0]?.cells.length ?? 0;
  return Array.from({ length: columns }, (_, j) => {
    let sum = 0;
    for (const row of values.rows) {
      const raw = (row.cells[j]?.share ?? '').replace(/\s|%/g, '').replace(',', '.');
      if (!raw) continue;
      const value = Number(raw);
      if (!Number.isFinite(value)) return { percent: null, complete: false };
      sum += value;
    }
    const percent = Math.round(sum * 100) / 100;
    return { percent, complete: Math.abs(percent - 100) < 0.01 };
  });
}

export interface ParsedComposition {
  /** The typed values, to show the form again as it was sent. */
  cells: SplitCell[];
  form: string;
  mandataireSolidaire: boolean;
  mandataireStructureId: string;
  body: {
    form?: string;
    mandataireSolidaire: boolean;
    mandataireStructureId?: string;
    assignments: { structureId: string; lot: number; workPackage?: string; share: number }[];
  };
  /** Position in `body.assignments` → the cell it came from (to put the API's errors on the right cell). */
  cellOfAssignment: number[];
  errors: FieldError[];
}

export function parseComposition(input: FormBody): ParsedComposition {
  const errors: FieldError[] = [];
  const cells: SplitCell[] = indexedGroups(input, 'cells').map((c, index) => ({
    index,
    structureId: text(c, 'structureId'),
    lot: Number(text(c, 'lot')),
    workPackage: text(c, 'workPackage'),
    share: text(c, 'share'),
  }));
  const assignments: ParsedComposition['body']['assignments'] = [];
  const cellOfAssignment: number[] = [];
  for (const cell of cells) {
    const percent = parseNumberFr(cell.share);
    if (percent === undefined || percent === 0) continue;
    if (Number.isNaN(percent) || percent < 0 || percent > 100) {
      errors.push({ field: `cells[${cell.index}].share`, message: 'une part est un pourcentage entre 0 et 100, par exemple 40 ou 33,33' });
      continue;
    }
    cellOfAssignment.push(cell.index);
    assignments.push({
      structureId: cell.structureId,
      lot: cell.lot,
      ...(cell.workPackage ? { workPackage: cell.workPackage } : {}),
      share: Math.round(percent * 1e6) / 1e8,
    });
  }
  const form = text(input, 'form');
  const mandataireStructureId = text(input, 'mandataireStructureId');
  const mandataireSolidaire = checked(input, 'mandataireSolidaire');
  return {
    cells,
    form,
    mandataireSolidaire,
    mandataireStructureId,
    body: {
      ...(form ? { form } : {}),
      mandataireSolidaire,
      ...(mandataireStructureId ? { mandataireStructureId } : {}),
      assignments,
    },
    cellOfAssignment,
    errors,
  };
}

/** The API names `assignments[3].share`; the page shows it on the cell the fourth assignment came from. */
export function compositionErrorsOnForm(errors: readonly FieldError[], cellOfAssignment: readonly number[]): FieldError[] {
  return errors.map((error) => {
    const match = /^assignments\[(\d+)\](\..*)?$/.exec(error.field);
    if (!match) return error;
    const cell = cellOfAssignment[Number(match[1])];
    return cell === undefined ? { ...error, field: 'assignments' } : { ...error, field: `cells[${cell}].share` };
  });
}

/** Puts the typed cells back into the rows of a freshly built grid (same members and units). */
export function withTypedCells(values: CompositionValues, parsed: ParsedComposition): CompositionValues {
  const typed = new Map(parsed.cells.map((c) => [`${c.structureId}|${c.lot}|${c.workPackage}`, c.share]));
  return {
    form: parsed.form || values.form,
    mandataireSolidaire: parsed.mandataireSolidaire,
    mandataireStructureId: parsed.mandataireStructureId,
    rows: values.rows.map((row) => ({
      ...row,
      cells: row.cells.map((c) => ({ ...c, share: typed.get(`${c.structureId}|${c.lot}|${c.workPackage}`) ?? c.share })),
    })),
  };
}

/** "Lot 1, prestation « Tonte » : 60 %" for each assignment of a member (proposals and bids alike). */
export function assignmentTexts(
  assignments: readonly { lot: number; workPackage?: string | null; share: number }[],
  lots: readonly { number: number; workPackages: readonly { code: string; title: string }[] }[],
): string[] {
  const packageTitle = (lot: number, code: string) => lots.find((l) => l.number === lot)?.workPackages.find((wp) => wp.code === code)?.title ?? code;
  return assignments.map((a) => `Lot ${a.lot}${a.workPackage ? `, prestation « ${packageTitle(a.lot, a.workPackage)} »` : ''} : ${formatPercentFr(a.share)}`);
}

const EVENT_LABELS: Record<string, string> = {
  CREATED: 'a créé le groupement, géré par :',
  INVITED: 'a invité',
  ACCEPTED: 'a accepté l’invitation pour',
  DECLINED: 'a décliné l’invitation pour',
  REMOVED: 'a retiré du groupement',
  UPDATED: 'a modifié',
  SUBMITTED: 'a déposé le groupement',
  SUBSTITUTION_REQUESTED: 'a demandé une substitution, structure entrante :',
  SUBSTITUTION_ACCEPTED: 'a accepté d’entrer dans le groupement par substitution :',
  SUBSTITUTION_DECLINED: 'a refusé d’entrer dans le groupement par substitution :',
  SUBSTITUTION_AUTHORISED: 'a autorisé (acheteur) la substitution par',
  SUBSTITUTION_REFUSED: 'a refusé (acheteur) la substitution par',
  SUBSTITUTED: 'substitution appliquée (acceptée et autorisée par l’acheteur) :',
};

const CHANGE_LABELS: Record<string, string> = {
  form: 'la forme du groupement',
  mandataireSolidaire: 'la solidarité du mandataire',
  mandataireStructureId: 'le mandataire',
  assignments: 'la répartition des prestations',
};

/** One line of the history, in words, after the actor's name: "a modifié la forme du groupement, le mandataire". */
export function eventText(event: { type: string; structure: { name: string } | null; details: Record<string, unknown> | null }): string {
  const parts = [EVENT_LABELS[event.type] ?? event.type];
  const changes = event.details?.changes;
  if (event.type === 'UPDATED' && changes && typeof changes === 'object') {
    parts.push(Object.keys(changes).map((key) => CHANGE_LABELS[key] ?? key).join(', '));
  } else if (event.structure) {
    parts.push(`« ${event.structure.name} »`);
  }
  return parts.join(' ');
}
