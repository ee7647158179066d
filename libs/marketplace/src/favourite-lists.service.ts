// Favourite lists: named lists of structures an account keeps (a buyer's shortlist, a company's usual
// partners). Owner-only: any other account gets 404, as for an unknown id. A list can be sent by e-mail
// (its contents are in the message, the recipient needs no account) and exported as CSV.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest, conflict, notFound } from '@app/common';
import { NotificationsService, isUuid } from '@app/bids';
import type { FavouriteItemView, FavouriteListDetail, FavouriteListView, MarketCaller } from './marketplace.types';

export const LIST_NAME_MAX = 120;
export const LIST_NOTE_MAX = 500;
export const MAX_LISTS = 50;
export const MAX_ITEMS = 500;

const LIST_NOT_FOUND = 'Liste introuvable';

@Injectable()
export class FavouriteListsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  async create(caller: MarketCaller, name: string): Promise<FavouriteListDetail> {
    const clean = this.checkedName(name);
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM favourite_lists WHERE account_id = $1`, [caller.id]);
    if (count >= MAX_LISTS) throw badRequest(`${MAX_LISTS} listes au plus par compte`, [{ field: 'name', message: 'trop de listes' }]);
    const rows = await this.dataSource.query(
      `INSERT INTO favourite_lists (account_id, name) VALUES ($1, $2) ON CONFLICT (account_id, name) DO NOTHING RETURNING id`,
      [caller.id, clean],
    );
    if (!rows.length) throw conflict(`Vous avez déjà une liste « ${clean} »`, [{ field: 'name', message: 'nom déjà utilisé' }]);
    return this.get(caller, rows[0].id);
  }

  async list(caller: MarketCaller): Promise<{ total: number; items: FavouriteListView[] }> {
    const rows = await this.dataSource.query(
      `SELECT l.*, (SELECT count(*)::int FROM favourite_list_items i WHERE i.list_id = l.id) AS count
         FROM favourite_lists l WHERE l.account_id = $1 ORDER BY l.name, l.id`,
      [caller.id],
    );
    return { total: rows.length, items: rows.map(toListView) };
  }

  async get(caller: MarketCaller, id: string): Promise<FavouriteListDetail> {
    const list = await this.owned(caller, id);
    const items: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT i.note, i.added_at, s.id, s.siret, s.name, s.kind, s.department, s.commune_code, s.sectors, s.contact->>'email' AS contact_email,
              s.delisted_at IS NOT NULL AS delisted
         FROM favourite_list_items i JOIN structures s ON s.id = i.structure_id
        WHERE i.list_id = $1 ORDER BY i.added_at, s.name`,
      [id],
    );
    return { ...list, items: items.map(toItemView) };
  }

  async rename(caller: MarketCaller, id: string, name: string): Promise<FavouriteListDetail> {
    await this.owned(caller, id);
    const clean = this.checkedName(name);
    try {
      await this.dataSource.query(`UPDATE favourite_lists SET name = $2, updated_at = now() WHERE id = $1`, [id, clean]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw conflict(`Vous avez déjà une liste « ${clean} »`, [{ field: 'name', message: 'nom déjà utilisé' }]);
      throw error;
    }
    return this.get(caller, id);
  }

  async remove(caller: MarketCaller, id: string): Promise<void> {
    await this.owned(caller, id);
    await this.dataSource.query(`DELETE FROM favourite_lists WHERE id = $1`, [id]);
  }

  /** Adding a structure already on the list updates its note (idempotent). */
  async addItem(caller: MarketCaller, id: string, input: { structureId: string; note?: string }): Promise<FavouriteListDetail> {
    const list = await this.owned(caller, id);
    const note = input.note?.trim() || null;
    if (note && note.length > LIST_NOTE_MAX) throw badRequest('1 champ(s) invalide(s)', [{ field: 'note', message: `${LIST_NOTE_MAX} caractères au plus` }]);
    const [structure] = isUuid(input.structureId) ? await this.dataSource.query(`SELECT id FROM structures WHERE id = $1`, [input.structureId]) : [];
    if (!structure) throw badRequest('1 champ(s) invalide(s)', [{ field: 'structureId', message: 'structure inconnue' }]);
    if (list.count >= MAX_ITEMS) throw badRequest(`${MAX_ITEMS} structures au plus par liste`, [{ field: 'structureId', message: 'liste pleine' }]);
    await this.dataSource.query(
      `INSERT INTO favourite_list_items (list_id, structure_id, note) VALUES ($1, $2, $3) ON CONFLICT (list_id, structure_id) DO UPDATE SET note = COALESCE($3, favourite_list_items.note)`,
      [id, input.structureId, note],
    );
    await this.dataSource.query(`UPDATE favourite_lists SET updated_at = now() WHERE id = $1`, [id]);
    return this.get(caller, id);
  }

  async removeItem(caller: MarketCaller, id: string, structureId: string): Promise<FavouriteListDetail> {
    await this.owned(caller, id);
    const [, deleted] = isUuid(structureId) ? await this.dataSource.query(`DELETE FROM favourite_list_items WHERE list_id = $1 AND structure_id = $2`, [id, structureId]) : [null, 0];
    if (!deleted) throw notFound('Cette structure n’est pas dans la liste');
    await this.dataSource.query(`UPDATE favourite_lists SET updated_at = now() WHERE id = $1`, [id]);
    return this.get(caller, id);
  }

  /**
   * Sends the list by e-mail (through the notifications outbox): the message carries every structure with
   * its page address. An address of an account also gets it in-app. False when no e-mail can be sent.
   */
  async share(caller: MarketCaller & { displayName?: string }, id: string, input: { email: string; message?: string }, publicUrl: string): Promise<{ sent: boolean; email: string }> {
    const list = await this.get(caller, id);
    const email = input.email.trim().toLowerCase();
    const [sender] = await this.dataSource.query(`SELECT display_name, email FROM accounts WHERE id = $1`, [caller.id]);
    const lines = list.items.map((i) => `- ${i.structure.name} (${i.structure.kind}, SIRET ${i.structure.siret}) : ${publicUrl}/structures/${i.structure.id}${i.note ? ` — ${i.note}` : ''}`);
    const notification = {
      type: 'FAVOURITE_LIST_SHARED' as const,
      bidId: null,
      title: `${sender.display_name} vous partage la liste « ${list.name} »`,
      body:
        `${sender.display_name} (${sender.email}) vous partage sa liste de structures « ${list.name} » (${list.items.length} structure(s)).` +
        (input.message?.trim() ? `\nSon message : ${input.message.trim().slice(0, LIST_NOTE_MAX)}` : '') +
        `\n\n${lines.join('\n') || '(liste vide)'}`,
      link: '/recherche',
    };
    const sent = await this.dataSource.transaction(async (manager) => {
      const [account] = await manager.query(`SELECT id FROM accounts WHERE lower(email) = $1`, [email]);
      if (account) {
        await this.notifications.notify(manager, [account.id], notification);
        return true;
      }
      return this.notifications.notifyAddress(manager, email, notification);
    });
    return { sent, email };
  }

  private async owned(caller: MarketCaller, id: string): Promise<FavouriteListView> {
    const [row] = isUuid(id)
      ? await this.dataSource.query(
          `SELECT l.*, (SELECT count(*)::int FROM favourite_list_items i WHERE i.list_id = l.id) AS count FROM favourite_lists l WHERE l.id = $1 AND l.account_id = $2`,
          [id, caller.id],
        )
      : [];
    if (!row) throw notFound(LIST_NOT_FOUND);
    return toListView(row);
  }

  private checkedName(name: string): string {
    const clean = (name ?? '').trim();
    if (!clean) throw badRequest('1 champ(s) invalide(s)', [{ field: 'name', message: 'donnez un nom à la liste' }]);
    if (clean.length > LIST_NAME_MAX) throw badRequest('1 champ(s) invalide(s)', [{ field: 'name', message: `${LIST_NAME_MAX} caractères au plus` }]);
    return clean;
  }
}

function toListView(r: Record<string, unknown>): FavouriteListView {
  return { id: r.id as string, name: r.name as string, count: r.count as number, createdAt: (r.created_at as Date).toISOString(), updatedAt: (r.updated_at as Date).toISOString() };
}

function toItemView(r: Record<string, unknown>): FavouriteItemView {
  return {
    structure: {
      id: r.id as string,
      siret: r.siret as string,
      name: r.name as string,
      kind: r.kind as string,
      department: (r.department as string | null) ?? null,
      communeCode: (r.commune_code as string | null) ?? null,
      sectors: (r.sectors as { code: string }[]).map((s) => s.code),
      contactEmail: (r.contact_email as string | null) ?? null,
      delisted: r.delisted as boolean,
    },
    note: (r.note as string | null) ?? null,
    addedAt: (r.added_at as Date).toISOString(),
  };
}
