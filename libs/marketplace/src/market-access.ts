// Checks every marketplace write shares: a published tender still open to answers, a structure the
// caller owns, lots of the tender. Errors are the API's usual problems (400 with fields, 403, 404, 409).
import { type EntityManager } from 'typeorm';
import { type FieldError, badRequest, conflict, forbidden, notFound } from '@app/common';
import { isUuid } from '@app/bids';
import type { MarketCaller, StructureSummary } from './marketplace.types';

export interface OpenTender {
  id: string;
  title: string;
  ownerId: string | null;
  status: string;
  deadline: Date | null;
  lots: number[];
}

/** A tender anyone may see (published or closed), locked when asked; 404 for drafts and unknown ids. */
export async function visibleTender(manager: EntityManager, tenderId: string, lock = false): Promise<OpenTender> {
  if (!isUuid(tenderId)) throw notFound('Appel d’offres introuvable');
  const [row] = await manager.query(
    `SELECT t.id, t.title, t.owner_id, t.status, t.response_deadline,
            ARRAY(SELECT number FROM tender_lots l WHERE l.tender_id = t.id ORDER BY number) AS lots
       FROM tenders t WHERE t.id = $1 AND t.status <> 'draft' ${lock ? 'FOR UPDATE OF t' : ''}`,
    [tenderId],
  );
  if (!row) throw notFound('Appel d’offres introuvable');
  return { id: row.id, title: row.title, ownerId: row.owner_id, status: row.status, deadline: row.response_deadline, lots: row.lots };
}

/** Answers and partner requests are taken until the response deadline, on published tenders only. */
export function assertOpen(tender: OpenTender): void {
  if (tender.status !== 'published') throw conflict('Cet appel d’offres est clos : il ne reçoit plus de réponses.');
  if (tender.deadline && tender.deadline.getTime() <= Date.now()) throw conflict('La date limite de réponse est passée : il n’est plus possible de répondre.');
}

/** Lot numbers that exist in the tender (at least one). */
export function lotProblems(lots: readonly number[], tender: OpenTender, field = 'lots'): FieldError[] {
  if (!lots.length) return [{ field, message: 'indiquez au moins un lot' }];
  const unknown = lots.filter((n) => !tender.lots.includes(n));
  return unknown.length ? [{ field, message: `lot(s) inconnu(s) dans ce marché : ${unknown.join(', ')} (lots existants : ${tender.lots.join(', ')})` }] : [];
}

/** A listed structure the caller owns: 400 when unknown or delisted, 403 when someone else's (admins act for anyone). */
export async function ownedStructure(manager: EntityManager, structureId: string, caller: MarketCaller, field = 'structureId'): Promise<StructureSummary & { ownerId: string | null }> {
  const [row] = isUuid(structureId)
    ? await manager.query(`SELECT id, siret, name, kind, department, owner_id, delisted_at FROM structures WHERE id = $1`, [structureId])
    : [];
  if (!row) throw badRequest('1 champ(s) invalide(s)', [{ field, message: 'structure inconnue' }]);
  if (row.delisted_at) throw badRequest('1 champ(s) invalide(s)', [{ field, message: 'cette structure a été retirée du catalogue' }]);
  if (row.owner_id !== caller.id && caller.role !== 'admin') throw forbidden('Seul le propriétaire de la structure peut agir en son nom');
  return { id: row.id, siret: row.siret, name: row.name, kind: row.kind, department: row.department, ownerId: row.owner_id };
}

export const lotsText = (lots: readonly number[]) => `${lots.length > 1 ? 'lots' : 'lot'} ${lots.join(', ')}`;
