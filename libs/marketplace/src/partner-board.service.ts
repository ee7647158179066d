// « Bourse à la co-traitance »: per tender, a structure or company says what partner it looks for. Other
// signed-in users read the requests without the author's identity; they ask for contact with one of their
// structures; the author sees who asks and accepts or declines. Once accepted, both see each other and
// either may open a bid workspace from the contact (the caller's structure leads, the other is invited).
// The matching worker reads open requests (libs/matching: structures that asked rank first).
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { STRUCTURE_KINDS } from '@app/domain';
import { type FieldError, ProblemException, badRequest, conflict, forbidden, notFound } from '@app/common';
import { BidsService, NotificationsService, isUuid, type BidView } from '@app/bids';
import { ReferenceService } from '@app/reference';
import type { ContactStatus, MarketCaller, PartnerContactView, PartnerRequestInput, PartnerRequestView, StructureSummary } from './marketplace.types';
import { assertOpen, lotProblems, lotsText, ownedStructure, visibleTender } from './market-access';

export const PARTNER_MESSAGE_MAX = 2000;

const CONTACT_SQL = `
  SELECT c.id, c.request_id, c.message, c.status, c.bid_id, c.created_at, c.answered_at, c.account_id,
         s.id AS structure_id, s.siret, s.name, s.kind, s.department
    FROM partner_contacts c JOIN structures s ON s.id = c.structure_id`;

@Injectable()
export class PartnerBoardService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
    private readonly bids: BidsService,
    private readonly reference: ReferenceService,
  ) {}

  async create(tenderId: string, input: PartnerRequestInput, caller: MarketCaller): Promise<PartnerRequestView> {
    const id = await this.dataSource.transaction(async (manager) => {
      const tender = await visibleTender(manager, tenderId);
      const structure = await ownedStructure(manager, input.structureId, caller);
      assertOpen(tender);
      const errors: FieldError[] = [...lotProblems(input.lots, tender), ...this.seekingProblems(input)];
      if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);
      const seeking = {
        ...(input.seeking.kinds?.length ? { kinds: [...new Set(input.seeking.kinds)] } : {}),
        ...(input.seeking.sectors?.length ? { sectors: [...new Set(input.seeking.sectors)] } : {}),
        ...(input.seeking.share !== undefined ? { share: input.seeking.share } : {}),
      };
      const [row] = await manager.query(
        `INSERT INTO partner_requests (tender_id, structure_id, account_id, lots, seeking, message) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [tenderId, structure.id, caller.id, [...new Set(input.lots)].sort((a, b) => a - b), JSON.stringify(seeking), input.message.trim()],
      );
      return row.id as string;
    });
    return this.get(id, caller);
  }

  /** Requests of a tender, newest first; identities hidden as the module comment says. */
  async list(tenderId: string, caller: MarketCaller, includeClosed = false): Promise<{ total: number; items: PartnerRequestView[] }> {
    await visibleTender(this.dataSource.manager, tenderId);
    const rows = await this.dataSource.query(
      `SELECT id FROM partner_requests WHERE tender_id = $1 AND ($2 OR status = 'open' OR account_id = $3) ORDER BY created_at DESC, id`,
      [tenderId, includeClosed, caller.id],
    );
    const items = await this.views(rows.map((r: { id: string }) => r.id), caller);
    return { total: items.length, items };
  }

  async get(requestId: string, caller: MarketCaller): Promise<PartnerRequestView> {
    if (!isUuid(requestId)) throw notFound('Demande de partenaire introuvable');
    const [view] = await this.views([requestId], caller);
    if (!view) throw notFound('Demande de partenaire introuvable');
    return view;
  }

  /** The author closes its request (found a partner, changed its mind): it leaves the board and the matcher. */
  async close(requestId: string, caller: MarketCaller): Promise<PartnerRequestView> {
    const request = await this.request(this.dataSource.manager, requestId);
    if (request.account_id !== caller.id && caller.role !== 'admin') throw forbidden('Seul l’auteur de la demande peut la clore');
    await this.dataSource.query(`UPDATE partner_requests SET status = 'closed' WHERE id = $1`, [requestId]);
    return this.get(requestId, caller);
  }

  /** Asks the author for contact, for one of the caller's structures; the author is told who asks. */
  async askContact(requestId: string, input: { structureId: string; message?: string }, caller: MarketCaller): Promise<PartnerContactView> {
    const id = await this.dataSource.transaction(async (manager) => {
      const request = await this.request(manager, requestId, true);
      const structure = await ownedStructure(manager, input.structureId, caller);
      if (request.account_id === caller.id) throw conflict('C’est votre propre demande : attendez les contacts des autres structures.');
      if (request.structure_id === structure.id) throw badRequest('1 champ(s) invalide(s)', [{ field: 'structureId', message: 'la structure auteure de la demande ne peut pas se contacter elle-même' }]);
      if (request.status !== 'open') throw conflict('Cette demande est close : elle ne reçoit plus de contacts.');
      const message = input.message?.trim() || null;
      if (message && message.length > PARTNER_MESSAGE_MAX) throw badRequest('1 champ(s) invalide(s)', [{ field: 'message', message: `${PARTNER_MESSAGE_MAX} caractères au plus` }]);
      const rows = await manager.query(
        `INSERT INTO partner_contacts (request_id, structure_id, account_id, message) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id, structure_id) DO NOTHING RETURNING id`,
        [requestId, structure.id, caller.id, message],
      );
      if (!rows.length) throw conflict(`« ${structure.name} » a déjà demandé le contact pour cette demande.`);
      await this.notifications.notify(manager, [request.account_id], {
        type: 'PARTNER_CONTACT',
        bidId: null,
        tenderId: request.tender_id,
        title: 'Une structure souhaite s’associer avec vous',
        body:
          `« ${structure.name} » (${structure.kind}, SIRET ${structure.siret}) répond à votre demande de partenaire pour « ${request.tender_title} » (${lotsText(request.lots)}).` +
          (message ? `\nSon message : ${message}` : '') +
          `\nAcceptez pour échanger vos coordonnées, ou déclinez.`,
        link: `/appels-d-offres/${request.tender_id}/partenaires`,
      });
      return rows[0].id as string;
    });
    return this.contact(id);
  }

  /** The author accepts or declines; on accept both sides see each other (the asker is told). */
  async answerContact(contactId: string, status: Exclude<ContactStatus, 'pending'>, caller: MarketCaller): Promise<PartnerContactView> {
    await this.dataSource.transaction(async (manager) => {
      const contact = await this.contactRow(manager, contactId, true);
      const request = await this.request(manager, contact.request_id);
      if (request.account_id !== caller.id && caller.role !== 'admin') throw forbidden('Seul l’auteur de la demande répond aux demandes de contact');
      if (contact.status === status) return; // idempotent
      if (contact.status !== 'pending') throw conflict('Vous avez déjà répondu à cette demande de contact.');
      await manager.query(`UPDATE partner_contacts SET status = $2, answered_at = now() WHERE id = $1`, [contactId, status]);
      const author = await this.structure(manager, request.structure_id);
      await this.notifications.notify(manager, [contact.account_id], {
        type: 'PARTNER_CONTACT_ANSWERED',
        bidId: null,
        tenderId: request.tender_id,
        title: status === 'accepted' ? 'Demande de contact acceptée' : 'Demande de contact déclinée',
        body:
          status === 'accepted'
            ? `« ${author.name} » (${author.kind}, SIRET ${author.siret}) accepte d’échanger avec « ${contact.name} » pour « ${request.tender_title} » (${lotsText(request.lots)}). ` +
              `Vous pouvez maintenant constituer un groupement ensemble depuis la bourse à la co-traitance.`
            : `L’auteur de la demande de partenaire pour « ${request.tender_title} » ne donne pas suite à la demande de « ${contact.name} ».`,
        link: `/appels-d-offres/${request.tender_id}/partenaires`,
      });
    });
    return this.contact(contactId);
  }

  /**
   * A bid workspace from an accepted contact: the caller's side leads (the author or the asker), the
   * other structure is invited, on the request's lots. Once per contact (409 with the bid's id after).
   */
  async startBid(contactId: string, caller: MarketCaller): Promise<BidView> {
    const contact = await this.contactRow(this.dataSource.manager, contactId);
    const request = await this.request(this.dataSource.manager, contact.request_id);
    const isAuthor = request.account_id === caller.id;
    const isAsker = contact.account_id === caller.id;
    if (!isAuthor && !isAsker) throw notFound('Demande de contact introuvable');
    if (contact.status !== 'accepted') throw conflict('Le contact doit d’abord être accepté par l’auteur de la demande.');
    if (contact.bid_id) throw new ProblemException(409, 'Un groupement a déjà été ouvert à partir de ce contact.', undefined, { bidId: contact.bid_id });
    const [lead, partner] = isAuthor ? [request.structure_id, contact.structure_id] : [contact.structure_id, request.structure_id];
    const bid = await this.bids.create({ tenderId: request.tender_id, lots: request.lots, leadStructureId: lead }, caller);
    await this.dataSource.query(`UPDATE partner_contacts SET bid_id = $2 WHERE id = $1 AND bid_id IS NULL`, [contactId, bid.id]);
    return this.bids.invite(bid.id, partner, caller);
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  private async views(ids: string[], caller: MarketCaller): Promise<PartnerRequestView[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource.query(
      `SELECT r.id, r.tender_id, r.lots, r.seeking, r.message, r.status, r.created_at, r.account_id,
              s.id AS structure_id, s.siret, s.name, s.kind, s.department
         FROM partner_requests r JOIN structures s ON s.id = r.structure_id
        WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
    const contacts = await this.dataSource.query(`${CONTACT_SQL} WHERE c.request_id = ANY($1::uuid[]) ORDER BY c.created_at, c.id`, [ids]);
    const byId = new Map(rows.map((r: Record<string, unknown>) => [r.id as string, r]));
    return ids
      .map((id) => byId.get(id) as Record<string, unknown> | undefined)
      .filter((r): r is Record<string, unknown> => !!r)
      .map((r) => {
        const mine = r.account_id === caller.id;
        const all = contacts.filter((c: Record<string, unknown>) => c.request_id === r.id);
        const myContacts = all.filter((c: Record<string, unknown>) => c.account_id === caller.id).map(toContactView);
        // The author's identity: to the author, to admins, and to whoever's contact the author accepted.
        const revealed = mine || caller.role === 'admin' || myContacts.some((c: PartnerContactView) => c.status === 'accepted');
        return {
          id: r.id as string,
          tenderId: r.tender_id as string,
          lots: r.lots as number[],
          seeking: r.seeking as PartnerRequestView['seeking'],
          message: r.message as string,
          status: r.status as PartnerRequestView['status'],
          createdAt: (r.created_at as Date).toISOString(),
          author: revealed ? summary(r) : null,
          mine,
          myContacts,
          ...(mine || caller.role === 'admin' ? { contacts: all.map(toContactView) } : {}),
        };
      });
  }

  private seekingProblems(input: PartnerRequestInput): FieldError[] {
    const errors: FieldError[] = [];
    const { kinds = [], sectors = [], share } = input.seeking ?? {};
    kinds.forEach((k, i) => {
      if (!STRUCTURE_KINDS.includes(k)) errors.push({ field: `seeking.kinds[${i}]`, message: `type inconnu : ${k} (${STRUCTURE_KINDS.join(', ')})` });
    });
    sectors.forEach((code, i) => {
      if (!this.reference.index.sector(code)) errors.push({ field: `seeking.sectors[${i}]`, message: `secteur inconnu : ${code}` });
    });
    if (share !== undefined && !(share > 0 && share <= 1)) errors.push({ field: 'seeking.share', message: 'part du travail proposée : entre 0 exclu et 1' });
    const message = input.message?.trim() ?? '';
    if (!message) errors.push({ field: 'message', message: 'dites en quelques mots ce que vous cherchez' });
    else if (message.length > PARTNER_MESSAGE_MAX) errors.push({ field: 'message', message: `${PARTNER_MESSAGE_MAX} caractères au plus` });
    return errors;
  }

  private async request(manager: EntityManager, requestId: string, lock = false) {
    const [row] = isUuid(requestId)
      ? await manager.query(
          `SELECT r.id, r.tender_id, r.structure_id, r.account_id, r.lots, r.status, t.title AS tender_title
             FROM partner_requests r JOIN tenders t ON t.id = r.tender_id WHERE r.id = $1 ${lock ? 'FOR UPDATE OF r' : ''}`,
          [requestId],
        )
      : [];
    if (!row) throw notFound('Demande de partenaire introuvable');
    return row as { id: string; tender_id: string; structure_id: string; account_id: string; lots: number[]; status: string; tender_title: string };
  }

  private async contactRow(manager: EntityManager, contactId: string, lock = false) {
    const [row] = isUuid(contactId) ? await manager.query(`${CONTACT_SQL} WHERE c.id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`, [contactId]) : [];
    if (!row) throw notFound('Demande de contact introuvable');
    return row as { id: string; request_id: string; structure_id: string; account_id: string; status: ContactStatus; bid_id: string | null; name: string };
  }

  private async contact(contactId: string): Promise<PartnerContactView> {
    return toContactView(await this.contactRow(this.dataSource.manager, contactId));
  }

  private async structure(manager: EntityManager, id: string): Promise<StructureSummary> {
    const [row] = await manager.query(`SELECT id AS structure_id, siret, name, kind, department FROM structures WHERE id = $1`, [id]);
    return summary(row);
  }
}

function summary(r: Record<string, unknown>): StructureSummary {
  return { id: r.structure_id as string, siret: r.siret as string, name: r.name as string, kind: r.kind as string, department: (r.department as string | null) ?? null };
}

function toContactView(r: Record<string, unknown>): PartnerContactView {
  return {
    id: r.id as string,
    requestId: r.request_id as string,
    structure: summary(r),
    message: (r.message as string | null) ?? null,
    status: r.status as ContactStatus,
    bidId: (r.bid_id as string | null) ?? null,
    createdAt: (r.created_at as Date).toISOString(),
    answeredAt: (r.answered_at as Date | null)?.toISOString() ?? null,
  };
}
