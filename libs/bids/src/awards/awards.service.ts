// Insertion hours followed up after award (issue 16). The buyer awards a lot of a closed tender that carries
// insertion hours — to the groupement of a submitted bid (its mandataire declares) or to a sole holder — and may
// name a facilitator. The holder's owner then declares the hours delivered per quarter and per member; the
// buyer, the facilitator and the members read declared against required (V17), late quarters flagged.
// Who may do what is decided here, once: readers are the buyer (and admins), the facilitator and the members'
// owners; only the holder's (or mandataire's) owner declares.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { badRequest, conflict, forbidden, notFound, type FieldError } from '@app/common';
import {
  MAX_DECLARED_HOURS,
  dayLabel,
  declarationProblem,
  insertionFollowUp,
  isCalendarDay,
  quarterLabel,
  quartersToRemind,
  type HoursDeclaration,
  type Quarter,
  type StructureKind,
} from '@app/domain';
import { DURATION_MAX_MONTHS, DURATION_MIN_MONTHS, TendersService, canManageTender } from '@app/tenders';
import { isUuid } from '../bid.store';
import type { BidCaller } from '../bid.types';
import { NotificationsService } from '../notifications.service';
import { AWARD_MEMBER_ROLE_LABELS, type AwardInput, type AwardListItem, type AwardListPage, type AwardMemberRole, type AwardView, type DeclarationInput } from './award.types';

const AWARD_NOT_FOUND = 'Attribution introuvable';

interface AwardRow {
  id: string;
  tender_id: string;
  lot_number: number;
  bid_id: string | null;
  holder_structure_id: string;
  required_hours: number;
  starts_on: string;
  duration_months: number;
  facilitator_id: string | null;
  created_at: Date;
  tender_title: string;
  buyer_name: string;
  tender_owner_id: string | null;
  lot_title: string;
  holder_name: string;
  holder_owner_id: string | null;
  facilitator_name: string | null;
  facilitator_email: string | null;
}

interface MemberRow {
  structure_id: string;
  role: AwardMemberRole;
  name: string;
  siret: string;
  kind: StructureKind;
  owner_id: string | null;
}

interface DeclarationRow {
  quarter: Quarter;
  structure_id: string;
  hours: number;
  comment: string | null;
  declared_at: Date;
  declared_by_name: string;
}

interface LoadedAward {
  award: AwardRow;
  members: MemberRow[];
  declarations: DeclarationRow[];
}

/** Today as a calendar day (UTC: due dates are whole days, a few hours' shift does not matter). */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

@Injectable()
export class AwardsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenders: TendersService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Awards a lot of a closed tender and opens its follow-up (the tender's buyer or an admin). */
  async award(tenderId: string, lotNumber: number, input: AwardInput, caller: BidCaller): Promise<AwardView> {
    const tender = await this.tenders.get(tenderId, caller);
    if (!canManageTender(caller, { ownerId: tender.ownerId ?? null })) throw forbidden('Seul l’acheteur de ce marché peut l’attribuer');
    const lot = tender.lots.find((l) => l.number === lotNumber);
    if (!lot) throw notFound(`Le lot ${lotNumber} n’existe pas dans cet appel d’offres`);
    if (tender.status !== 'closed') throw conflict('Un lot s’attribue une fois l’appel d’offres clos');
    if (!(lot.insertionHoursRequired > 0)) throw conflict('Ce lot ne comporte pas d’heures d’insertion : il n’y a rien à suivre');

    const errors: FieldError[] = [];
    if (!!input.bidId === !!input.structureId) errors.push({ field: 'bidId', message: 'indiquez soit le groupement (bidId), soit la structure titulaire (structureId)' });
    const startsOn = input.startsOn ?? tender.startDate ?? undefined;
    const durationMonths = input.durationMonths ?? tender.durationMonths ?? undefined;
    if (!startsOn) errors.push({ field: 'startsOn', message: 'date de début d’exécution obligatoire : l’appel d’offres n’en indique pas' });
    else if (!isCalendarDay(startsOn) || startsOn < '2000-01-01') errors.push({ field: 'startsOn', message: 'date invalide : AAAA-MM-JJ attendu' });
    if (durationMonths === undefined) errors.push({ field: 'durationMonths', message: 'durée d’exécution obligatoire : l’appel d’offres n’en indique pas' });
    else if (!Number.isInteger(durationMonths) || durationMonths < DURATION_MIN_MONTHS || durationMonths > DURATION_MAX_MONTHS) {
      errors.push({ field: 'durationMonths', message: `doit être un nombre entier de mois entre ${DURATION_MIN_MONTHS} et ${DURATION_MAX_MONTHS}` });
    }
    if (errors.length) throw badRequest('Attribution invalide', errors);

    const members = input.bidId ? await this.bidMembers(input.bidId, tenderId, lotNumber) : await this.soleHolder(input.structureId!);
    const facilitatorId = input.facilitatorEmail ? await this.facilitatorId(input.facilitatorEmail) : null;
    const holder = members[0];

    const id = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO awards (tender_id, lot_number, bid_id, holder_structure_id, required_hours, starts_on, duration_months, facilitator_id, awarded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tender_id, lot_number) DO NOTHING RETURNING id`,
        [tenderId, lotNumber, input.bidId ?? null, holder.structure_id, lot.insertionHoursRequired, startsOn, durationMonths, facilitatorId, caller.id],
      );
      if (!row) throw conflict(`Le lot ${lotNumber} est déjà attribué`);
      await manager.query(
        `INSERT INTO award_members (award_id, structure_id, position, role) SELECT $1, m.id, m.position, m.role
           FROM jsonb_to_recordset($2::jsonb) AS m(id uuid, position int, role text)`,
        [row.id, JSON.stringify(members.map((m, position) => ({ id: m.structure_id, position, role: m.role })))],
      );
      const link = `/suivi-heures/${row.id}`;
      await this.notifications.notify(manager, [holder.owner_id], {
        type: 'AWARD',
        bidId: input.bidId ?? null,
        tenderId,
        link,
        title: 'Marché attribué : déclarez les heures d’insertion',
        body: `Le lot ${lotNumber} « ${lot.title} » de « ${tender.title} » vous est attribué. Il exige ${lot.insertionHoursRequired} heures d’insertion : déclarez chaque trimestre les heures réalisées par chaque membre.`,
      });
      await this.notifications.notify(manager, [facilitatorId, ...members.slice(1).map((m) => m.owner_id)], {
        type: 'AWARD',
        bidId: input.bidId ?? null,
        tenderId,
        link,
        title: 'Suivi des heures d’insertion ouvert',
        body: `Le lot ${lotNumber} « ${lot.title} » de « ${tender.title} » est attribué à ${holder.name}. Les heures déclarées chaque trimestre sont visibles sur la page de suivi.`,
      });
      return row.id as string;
    });
    return this.get(id, caller);
  }

  /** The follow-up of one award, for its readers. */
  async get(id: string, caller: BidCaller): Promise<AwardView> {
    const loaded = await this.load(this.dataSource.manager, id);
    if (!loaded || !this.canRead(loaded, caller)) throw notFound(AWARD_NOT_FOUND);
    return this.toView(loaded, caller);
  }

  /** The awards the caller follows: as buyer, facilitator or member (admins: all), newest first. */
  async list(caller: BidCaller, query: { page?: number; perPage?: number } = {}): Promise<AwardListPage> {
    const page = query.page ?? 1;
    const perPage = query.perPage ?? 20;
    const visible = `($2 OR t.owner_id = $1 OR a.facilitator_id = $1
      OR EXISTS (SELECT 1 FROM award_members m JOIN structures s ON s.id = m.structure_id WHERE m.award_id = a.id AND s.owner_id = $1))`;
    const params = [caller.id, caller.role === 'admin'];
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM awards a JOIN tenders t ON t.id = a.tender_id WHERE ${visible}`, params);
    const rows: Array<Pick<AwardRow, 'id' | 'tender_id' | 'lot_number' | 'required_hours' | 'starts_on' | 'duration_months' | 'tender_title' | 'lot_title' | 'holder_name'>> = await this.dataSource.query(
      `SELECT a.id, a.tender_id, a.lot_number, a.required_hours, a.starts_on::text AS starts_on, a.duration_months, t.title AS tender_title, l.title AS lot_title, h.name AS holder_name
         FROM awards a
         JOIN tenders t ON t.id = a.tender_id
         JOIN tender_lots l ON l.tender_id = a.tender_id AND l.number = a.lot_number
         JOIN structures h ON h.id = a.holder_structure_id
        WHERE ${visible}
        ORDER BY a.created_at DESC, a.id
        LIMIT $3 OFFSET $4`,
      [...params, perPage, (page - 1) * perPage],
    );
    const declarations = rows.length ? await this.declarationsOf(this.dataSource.manager, rows.map((r) => r.id)) : new Map<string, DeclarationRow[]>();
    const today = todayUtc();
    const items = rows.map((r): AwardListItem => {
      const followUp = followUpOf(r, [], declarations.get(r.id) ?? [], today);
      return {
        id: r.id,
        tenderId: r.tender_id,
        tenderTitle: r.tender_title,
        lotNumber: r.lot_number,
        lotTitle: r.lot_title,
        holderName: r.holder_name,
        requiredHours: r.required_hours,
        declaredHours: followUp.declaredHours,
        lateQuarters: followUp.lateQuarters,
        startsOn: followUp.startsOn,
        endsOn: followUp.endsOn,
      };
    });
    return { total, page, perPage, items };
  }

  /** The holder's (or mandataire's) owner declares a quarter's hours for some members; corrections append. */
  async declare(id: string, input: DeclarationInput, caller: BidCaller): Promise<AwardView> {
    const loaded = await this.load(this.dataSource.manager, id);
    if (!loaded || !this.canRead(loaded, caller)) throw notFound(AWARD_NOT_FOUND);
    if (loaded.award.holder_owner_id !== caller.id) {
      throw forbidden(loaded.award.bid_id ? 'Seul le mandataire du groupement déclare les heures d’insertion' : 'Seul le titulaire du marché déclare les heures d’insertion');
    }
    const today = todayUtc();
    const followUp = followUpOf(loaded.award, loaded.members, loaded.declarations, today);
    const errors: FieldError[] = [];
    const quarterProblem = declarationProblem(followUp, input.quarter, today);
    if (quarterProblem) errors.push({ field: 'quarter', message: quarterProblem });
    if (!Array.isArray(input.entries) || input.entries.length === 0) errors.push({ field: 'entries', message: 'au moins un membre et ses heures' });
    const memberIds = new Set(loaded.members.map((m) => m.structure_id));
    const seen = new Set<string>();
    (input.entries ?? []).forEach((entry, i) => {
      if (!memberIds.has(entry.structureId)) errors.push({ field: `entries[${i}].structureId`, message: 'cette structure n’est pas membre du marché attribué' });
      else if (seen.has(entry.structureId)) errors.push({ field: `entries[${i}].structureId`, message: 'membre indiqué deux fois' });
      seen.add(entry.structureId);
      if (!Number.isInteger(entry.hours) || entry.hours < 0 || entry.hours > MAX_DECLARED_HOURS) {
        errors.push({ field: `entries[${i}].hours`, message: `nombre entier d’heures entre 0 et ${MAX_DECLARED_HOURS} attendu` });
      }
    });
    if (errors.length) throw badRequest('Déclaration invalide', errors);

    const { award } = loaded;
    const total = input.entries.reduce((sum, e) => sum + e.hours, 0);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO insertion_hour_declarations (award_id, quarter, structure_id, hours, comment, declared_by)
         SELECT $1, $2, e."structureId", e.hours, $4, $5 FROM jsonb_to_recordset($3::jsonb) AS e("structureId" uuid, hours int)`,
        [award.id, input.quarter, JSON.stringify(input.entries), input.comment?.trim() || null, caller.id],
      );
      await this.notifications.notify(manager, [award.tender_owner_id, award.facilitator_id], {
        type: 'HOURS_DECLARED',
        bidId: award.bid_id,
        tenderId: award.tender_id,
        link: `/suivi-heures/${award.id}`,
        title: 'Heures d’insertion déclarées',
        body: `${award.holder_name} a déclaré ${total} heures pour le ${quarterLabel(input.quarter as Quarter)} (lot ${award.lot_number} « ${award.lot_title} » de « ${award.tender_title} »).`,
      });
    });
    return this.get(id, caller);
  }

  /** Names (or removes, with null) the facilitator who follows the clause (the tender's buyer). */
  async setFacilitator(id: string, email: string | null, caller: BidCaller): Promise<AwardView> {
    const loaded = await this.load(this.dataSource.manager, id);
    if (!loaded || !this.canRead(loaded, caller)) throw notFound(AWARD_NOT_FOUND);
    if (!this.isBuyer(loaded, caller)) throw forbidden('Seul l’acheteur de ce marché désigne le facilitateur');
    const facilitatorId = email ? await this.facilitatorId(email) : null;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE awards SET facilitator_id = $2 WHERE id = $1`, [id, facilitatorId]);
      if (facilitatorId && facilitatorId !== loaded.award.facilitator_id) {
        await this.notifications.notify(manager, [facilitatorId], {
          type: 'AWARD',
          bidId: loaded.award.bid_id,
          tenderId: loaded.award.tender_id,
          link: `/suivi-heures/${id}`,
          title: 'Suivi des heures d’insertion confié',
          body: `L’acheteur vous confie le suivi des heures d’insertion du lot ${loaded.award.lot_number} « ${loaded.award.lot_title} » de « ${loaded.award.tender_title} ».`,
        });
      }
    });
    return this.get(id, caller);
  }

  /**
   * Reminds holders of the quarters they have to declare, and tells the buyer and the facilitator of the late
   * ones; each quarter is announced once per state (ledger `award_reminders`), whoever runs the sweep and however
   * often. Run by the worker's periodic sweep. Returns the number of awards whose people were told something.
   */
  async sendDeclarationReminders(today = todayUtc()): Promise<number> {
    const awards: AwardRow[] = await this.dataSource.query(
      `SELECT a.id, a.tender_id, a.lot_number, a.bid_id, a.required_hours, a.starts_on::text AS starts_on, a.duration_months, a.facilitator_id,
              t.title AS tender_title, t.owner_id AS tender_owner_id, l.title AS lot_title, h.name AS holder_name, h.owner_id AS holder_owner_id
         FROM awards a
         JOIN tenders t ON t.id = a.tender_id
         JOIN tender_lots l ON l.tender_id = a.tender_id AND l.number = a.lot_number
         JOIN structures h ON h.id = a.holder_structure_id
        WHERE a.starts_on < $1::date
          AND (a.starts_on + make_interval(months => a.duration_months) + interval '1 year') > $1::date`,
      [today],
    );
    if (!awards.length) return 0;
    const declarations = await this.declarationsOf(this.dataSource.manager, awards.map((a) => a.id));
    let told = 0;
    for (const award of awards) {
      const followUp = followUpOf(award, [], declarations.get(award.id) ?? [], today);
      const { toDeclare, late } = quartersToRemind(followUp);
      if (!toDeclare.length && !late.length) continue;
      const dueOn = new Map(followUp.quarters.map((q) => [q.quarter, q.dueOn]));
      const sent = await this.dataSource.transaction(async (manager) => {
        const fresh: { quarter: Quarter; state: 'to_declare' | 'late' }[] = await manager.query(
          `INSERT INTO award_reminders (award_id, quarter, state)
           SELECT $1, r.quarter, r.state FROM jsonb_to_recordset($2::jsonb) AS r(quarter text, state text)
           ON CONFLICT DO NOTHING RETURNING quarter, state`,
          [award.id, JSON.stringify([...toDeclare.map((quarter) => ({ quarter, state: 'to_declare' })), ...late.map((quarter) => ({ quarter, state: 'late' }))])],
        );
        if (!fresh.length) return false;
        const lot = `lot ${award.lot_number} « ${award.lot_title} » de « ${award.tender_title} »`;
        const list = (state: string) => fresh.filter((r) => r.state === state).map((r) => `le ${quarterLabel(r.quarter)} (avant le ${dayLabel(dueOn.get(r.quarter)!)})`);
        const common = { bidId: award.bid_id, tenderId: award.tender_id, link: `/suivi-heures/${award.id}` };
        const dueNow = list('to_declare');
        const overdue = list('late');
        if (dueNow.length) {
          await this.notifications.notify(manager, [award.holder_owner_id], {
            type: 'HOURS_REMINDER',
            ...common,
            title: 'Heures d’insertion à déclarer',
            body: `${award.holder_name}, ${lot} : déclarez les heures d’insertion réalisées par chaque membre pour ${dueNow.join(', ')}.`,
          });
        }
        if (overdue.length) {
          await this.notifications.notify(manager, [award.holder_owner_id], {
            type: 'HOURS_REMINDER',
            ...common,
            title: 'Déclaration d’heures d’insertion en retard',
            body: `${award.holder_name}, ${lot} : les heures n’ont pas été déclarées pour ${overdue.join(', ')}. Déclarez-les dès que possible, même à zéro.`,
          });
          await this.notifications.notify(manager, [award.tender_owner_id, award.facilitator_id], {
            type: 'HOURS_REMINDER',
            ...common,
            title: 'Déclaration d’heures d’insertion en retard',
            body: `${award.holder_name} n’a pas déclaré les heures d’insertion du ${lot} pour ${overdue.join(', ')}.`,
          });
        }
        return true;
      });
      if (sent) told += 1;
    }
    return told;
  }

  /** Awarded lots of a tender → their award, for the tender page (its buyer). */
  async awardsOfTender(tenderId: string): Promise<Map<number, string>> {
    if (!isUuid(tenderId)) return new Map();
    const rows: { lot_number: number; id: string }[] = await this.dataSource.query(`SELECT lot_number, id FROM awards WHERE tender_id = $1`, [tenderId]);
    return new Map(rows.map((r) => [r.lot_number, r.id]));
  }

  /** Submitted groupements answering a lot, named by their mandataire and members (the award form's choices). */
  async awardableBids(tenderId: string, lotNumber: number): Promise<{ id: string; label: string }[]> {
    const rows: { id: string; names: string[] }[] = await this.dataSource.query(
      `SELECT b.id, array_agg(s.name ORDER BY (s.id = b.mandataire_structure_id) DESC, m.position) AS names
         FROM bids b JOIN bid_members m ON m.bid_id = b.id AND m.status = 'accepted' JOIN structures s ON s.id = m.structure_id
        WHERE b.tender_id = $1 AND b.status = 'submitted' AND $2 = ANY(b.lots) AND b.mandataire_structure_id IS NOT NULL
        GROUP BY b.id ORDER BY min(b.submitted_at), b.id`,
      [tenderId, lotNumber],
    );
    return rows.map((r) => ({ id: r.id, label: `Groupement de ${r.names[0]} (mandataire)${r.names.length > 1 ? ` avec ${r.names.slice(1).join(', ')}` : ''}` }));
  }

  /** The catalogue structure with this SIRET (a sole holder typed on the award form), or null. */
  async structureIdBySiret(siret: string): Promise<string | null> {
    const [row] = await this.dataSource.query(`SELECT id FROM structures WHERE siret = $1 ORDER BY (owner_id IS NOT NULL) DESC, created_at LIMIT 1`, [siret]);
    return row?.id ?? null;
  }

  private isBuyer(loaded: LoadedAward, caller: BidCaller): boolean {
    return canManageTender(caller, { ownerId: loaded.award.tender_owner_id });
  }

  private canRead(loaded: LoadedAward, caller: BidCaller): boolean {
    return this.isBuyer(loaded, caller) || loaded.award.facilitator_id === caller.id || loaded.members.some((m) => m.owner_id === caller.id);
  }

  private toView(loaded: LoadedAward, caller: BidCaller): AwardView {
    const { award, members, declarations } = loaded;
    const followUp = followUpOf(award, members, declarations, todayUtc());
    const names = new Map(members.map((m) => [m.structure_id, m.name]));
    const declared = new Map(followUp.members.map((m) => [m.structureId, m.declaredHours]));
    return {
      id: award.id,
      tenderId: award.tender_id,
      tenderTitle: award.tender_title,
      buyerName: award.buyer_name,
      lotNumber: award.lot_number,
      lotTitle: award.lot_title,
      bidId: award.bid_id,
      holderStructureId: award.holder_structure_id,
      holderName: award.holder_name,
      holderHasOwner: award.holder_owner_id !== null,
      facilitator: award.facilitator_id ? { id: award.facilitator_id, displayName: award.facilitator_name ?? '', email: award.facilitator_email ?? '' } : null,
      requiredHours: award.required_hours,
      members: members.map((m) => ({
        structureId: m.structure_id,
        name: m.name,
        siret: m.siret,
        kind: m.kind,
        role: m.role,
        roleLabel: AWARD_MEMBER_ROLE_LABELS[m.role],
        declaredHours: declared.get(m.structure_id) ?? 0,
      })),
      followUp,
      history: [...declarations].reverse().map((d) => ({
        quarter: d.quarter,
        quarterLabel: quarterLabel(d.quarter),
        structureId: d.structure_id,
        structureName: names.get(d.structure_id) ?? '',
        hours: d.hours,
        comment: d.comment,
        declaredBy: d.declared_by_name,
        declaredAt: d.declared_at.toISOString(),
      })),
      viewer: {
        isBuyer: this.isBuyer(loaded, caller),
        isFacilitator: award.facilitator_id === caller.id,
        canDeclare: award.holder_owner_id === caller.id,
      },
      createdAt: award.created_at.toISOString(),
    };
  }

  private async load(manager: EntityManager, id: string): Promise<LoadedAward | null> {
    if (!isUuid(id)) return null;
    const [award]: AwardRow[] = await manager.query(
      `SELECT a.id, a.tender_id, a.lot_number, a.bid_id, a.holder_structure_id, a.required_hours, a.starts_on::text AS starts_on,
              a.duration_months, a.facilitator_id, a.created_at, t.title AS tender_title, t.buyer->>'name' AS buyer_name,
              t.owner_id AS tender_owner_id, l.title AS lot_title, h.name AS holder_name, h.owner_id AS holder_owner_id,
              f.display_name AS facilitator_name, f.email AS facilitator_email
         FROM awards a
         JOIN tenders t ON t.id = a.tender_id
         JOIN tender_lots l ON l.tender_id = a.tender_id AND l.number = a.lot_number
         JOIN structures h ON h.id = a.holder_structure_id
         LEFT JOIN accounts f ON f.id = a.facilitator_id
        WHERE a.id = $1`,
      [id],
    );
    if (!award) return null;
    const members: MemberRow[] = await manager.query(
      `SELECT m.structure_id, m.role, s.name, s.siret, s.kind, s.owner_id
         FROM award_members m JOIN structures s ON s.id = m.structure_id
        WHERE m.award_id = $1 ORDER BY m.position`,
      [id],
    );
    const declarations = (await this.declarationsOf(manager, [id])).get(id) ?? [];
    return { award, members, declarations };
  }

  private async declarationsOf(manager: EntityManager, awardIds: string[]): Promise<Map<string, DeclarationRow[]>> {
    const rows: Array<DeclarationRow & { award_id: string }> = await manager.query(
      `SELECT d.award_id, d.quarter, d.structure_id, d.hours, d.comment, d.declared_at, acc.display_name AS declared_by_name
         FROM insertion_hour_declarations d JOIN accounts acc ON acc.id = d.declared_by
        WHERE d.award_id = ANY($1::uuid[]) ORDER BY d.declared_at, d.id`,
      [awardIds],
    );
    const byAward = new Map<string, DeclarationRow[]>();
    for (const row of rows) {
      const list = byAward.get(row.award_id) ?? [];
      list.push(row);
      byAward.set(row.award_id, list);
    }
    return byAward;
  }

  /** The accepted members of a submitted bid answering the lot; the mandataire first (it declares). */
  private async bidMembers(bidId: string, tenderId: string, lotNumber: number): Promise<MemberRow[]> {
    if (!isUuid(bidId)) throw badRequest('Attribution invalide', [{ field: 'bidId', message: 'groupement introuvable' }]);
    const [bid] = await this.dataSource.query(`SELECT tender_id, status, lots, mandataire_structure_id FROM bids WHERE id = $1`, [bidId]);
    if (!bid || bid.tender_id !== tenderId) throw badRequest('Attribution invalide', [{ field: 'bidId', message: 'aucun groupement de cet appel d’offres ne porte cet identifiant' }]);
    if (bid.status !== 'submitted') throw conflict('Seul un groupement dont l’offre a été déposée peut être attributaire');
    if (!(bid.lots as number[]).includes(lotNumber)) throw conflict(`Ce groupement n’a pas répondu au lot ${lotNumber}`);
    const rows: MemberRow[] = await this.dataSource.query(
      `SELECT m.structure_id, CASE WHEN m.structure_id = $2 THEN 'MANDATAIRE' ELSE 'COTRAITANT' END AS role, s.name, s.siret, s.kind, s.owner_id
         FROM bid_members m JOIN structures s ON s.id = m.structure_id
        WHERE m.bid_id = $1 AND m.status = 'accepted'
        ORDER BY (m.structure_id = $2) DESC, m.position`,
      [bidId, bid.mandataire_structure_id],
    );
    if (!rows.length || rows[0].role !== 'MANDATAIRE') throw conflict('Ce groupement n’a pas de mandataire : il ne peut pas être attributaire');
    return rows;
  }

  private async soleHolder(structureId: string): Promise<MemberRow[]> {
    const rows: MemberRow[] = isUuid(structureId)
      ? await this.dataSource.query(`SELECT id AS structure_id, 'TITULAIRE' AS role, name, siret, kind, owner_id FROM structures WHERE id = $1`, [structureId])
      : [];
    if (!rows.length) throw badRequest('Attribution invalide', [{ field: 'structureId', message: 'structure introuvable' }]);
    return rows;
  }

  private async facilitatorId(email: string): Promise<string> {
    const [row] = await this.dataSource.query(`SELECT id FROM accounts WHERE lower(email) = lower($1) AND role = 'facilitator'`, [email.trim()]);
    if (!row) throw badRequest('Facilitateur inconnu', [{ field: 'facilitatorEmail', message: 'aucun compte facilitateur n’a cette adresse : il doit d’abord s’inscrire comme facilitateur' }]);
    return row.id;
  }
}

/** Declared against required for a stored award (members may be left out when only totals are needed). */
function followUpOf(award: Pick<AwardRow, 'required_hours' | 'starts_on' | 'duration_months'>, members: MemberRow[], declarations: DeclarationRow[], today: string) {
  return insertionFollowUp({
    requiredHours: award.required_hours,
    startsOn: award.starts_on,
    durationMonths: award.duration_months,
    members: members.map((m) => ({ structureId: m.structure_id, name: m.name })),
    declarations: declarations.map(toDeclaration),
    today,
  });
}

function toDeclaration(d: DeclarationRow): HoursDeclaration {
  return { quarter: d.quarter, structureId: d.structure_id, hours: d.hours, declaredAt: d.declared_at.toISOString() };
}

