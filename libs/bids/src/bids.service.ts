// The bid workspace (issue 6): a groupement formed from scratch or from a matching proposal, invitations
// and answers, the lead's edits, the rule check and submission, substitutions after submission (V9),
// history, notifications and the groupement summary.
//
// Access: the owners of member structures (invited, accepted or declined) and the tender's buyer read a
// bid (admins too); anyone else gets 404, as for an unknown id. Only the lead (owner of the lead
// structure) changes it (403 for other readers); only a structure's owner answers its invitation.
//
// Concurrency: every write locks the bid row FOR UPDATE first, so writes on one bid run one after the
// other; submit and substitution also take a per-tender advisory lock, so two bids of one tender cannot
// both pass the cross-bid checks (V3, V4) at once, and re-read the members FOR UPDATE.
//
// Declined members: they stay on the bid with status "declined", for the record, and do not count — they
// are not part of the grouping checked at submission, hold no assignment (declining drops theirs) and
// cannot be mandataire (the lead becomes mandataire again). The lead may also remove any member other
// than itself while forming; a structure already on the bid (in any status) cannot be invited again (409)
// until the lead removes it.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { FieldError, ProblemException, badRequest, conflict, forbidden, notFound } from '@app/common';
import {
  activeMembers,
  bidAssignmentProblems,
  checkBid,
  type Assignment,
  type BidAssignmentInput,
  type RuleViolation,
  type TenderSpec,
} from '@app/domain';
import { BidEntity, ProposalEntity, TenderEntity, MatchingRunEntity, type BidEventType } from '@app/persistence';
import { TendersService, tenderSpecOf, type TenderView } from '@app/tenders';
import { bidShape, memberFacts, toBidSummary, toBidView } from './bid-view';
import { BidStore, isUuid, type MemberRow, type NewMember, type StructureFacts, type SubstitutionRow } from './bid.store';
import type {
  BidCaller,
  BidCheckView,
  BidEventView,
  BidListItem,
  BidPage,
  BidSummary,
  BidView,
  BidViewerView,
  CreateBidInput,
  InvitationDelivery,
  ListBidsQuery,
  SubmittedBidView,
  SubstitutionInput,
  SubstitutionView,
  UpdateBidInput,
} from './bid.types';
import { NotificationsService, type NotificationType } from './notifications.service';

/** The service reads tenders whatever their status (access to the bid was checked first). */
const SYSTEM: BidCaller = { id: 'system', role: 'admin' };

const BID_NOT_FOUND = 'Groupement introuvable';
const FROZEN = 'Ce groupement a été déposé : sa composition est figée (V9, R2142-26). Seule une substitution acceptée par la structure entrante et autorisée par l’acheteur peut la modifier.';

/** A bid loaded for one caller, with what the caller may do. */
interface Loaded {
  bid: BidEntity;
  members: MemberRow[];
  viewer: BidViewerView;
  tender: { id: string; title: string; ownerId: string | null };
}

const lotsText = (lots: readonly number[]) => `${lots.length > 1 ? 'lots' : 'lot'} ${lots.join(', ')}`;

@Injectable()
export class BidsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: BidStore,
    private readonly tenders: TendersService,
    private readonly notifications: NotificationsService,
  ) {}

  // ─── Reading ───────────────────────────────────────────────────────────────

  async get(bidId: string, caller: BidCaller): Promise<BidView> {
    const loaded = await this.load(this.dataSource.manager, bidId, caller);
    return this.view(loaded);
  }

  /** Runs the submission checks without submitting (any reader): what blocks, what to watch. */
  async check(bidId: string, caller: BidCaller): Promise<BidCheckView> {
    const loaded = await this.load(this.dataSource.manager, bidId, caller);
    const tender = await this.tenders.get(loaded.bid.tenderId, SYSTEM);
    return this.evaluate(this.dataSource.manager, loaded, tender, tenderSpecOf(tender), { forSubmission: loaded.bid.status === 'forming' });
  }

  /** The groupement summary (DC1 / acte d'engagement facts), for the JSON endpoint and the printable page. */
  async summary(bidId: string, caller: BidCaller): Promise<BidSummary> {
    const loaded = await this.load(this.dataSource.manager, bidId, caller);
    const tender = await this.tenders.get(loaded.bid.tenderId, SYSTEM);
    const spec = tenderSpecOf(tender);
    const check = await this.evaluate(this.dataSource.manager, loaded, tender, spec, { forSubmission: loaded.bid.status === 'forming' });
    return toBidSummary(loaded.bid, loaded.members, tender, spec, check);
  }

  async history(bidId: string, caller: BidCaller): Promise<{ items: BidEventView[] }> {
    await this.load(this.dataSource.manager, bidId, caller);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT e.id, e.type, e.at, e.details, e.actor_id, a.display_name, e.structure_id, s.name, s.siret
         FROM bid_events e JOIN accounts a ON a.id = e.actor_id LEFT JOIN structures s ON s.id = e.structure_id
        WHERE e.bid_id = $1 ORDER BY e.at, e.id`,
      [bidId],
    );
    return {
      items: rows.map((r) => ({
        id: r.id as string,
        type: r.type as BidEventType,
        at: (r.at as Date).toISOString(),
        actor: { id: r.actor_id as string, displayName: r.display_name as string },
        structure: r.structure_id ? { id: r.structure_id as string, name: r.name as string, siret: r.siret as string } : null,
        details: r.details as Record<string, unknown>,
      })),
    };
  }

  /** "Mes groupements": bids where the caller owns a member structure, or buys the tender (admins: all). */
  async list(caller: BidCaller, query: ListBidsQuery): Promise<BidPage> {
    const page = query.page ?? 1;
    const perPage = query.perPage ?? 20;
    if (query.tenderId !== undefined && !isUuid(query.tenderId)) throw badRequest('Paramètre invalide', [{ field: 'tenderId', message: 'doit être un identifiant (UUID)' }]);
    const isMember = `EXISTS (SELECT 1 FROM bid_members m JOIN structures s ON s.id = m.structure_id WHERE m.bid_id = b.id AND s.owner_id = $1)`;
    const where = `($2::uuid IS NULL OR b.tender_id = $2) AND ($3 OR t.owner_id = $1 OR ${isMember})`;
    const params = [caller.id, query.tenderId ?? null, caller.role === 'admin'];
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM bids b JOIN tenders t ON t.id = b.tender_id WHERE ${where}`, params);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT b.id, b.tender_id, t.title AS tender_title, b.status, b.lots, b.form, b.lead_structure_id, ls.name AS lead_name,
              ls.owner_id = $1 AS is_lead, ${isMember} AS is_member, t.owner_id = $1 AS is_buyer, b.submitted_at, b.created_at,
              (SELECT count(*)::int FROM bid_members m WHERE m.bid_id = b.id AND m.status <> 'declined') AS member_count
         FROM bids b JOIN tenders t ON t.id = b.tender_id JOIN structures ls ON ls.id = b.lead_structure_id
        WHERE ${where}
        ORDER BY b.created_at DESC, b.id
        LIMIT $4 OFFSET $5`,
      [...params, perPage, (page - 1) * perPage],
    );
    const items = rows.map(
      (r): BidListItem => ({
        id: r.id as string,
        tenderId: r.tender_id as string,
        tenderTitle: r.tender_title as string,
        status: r.status as BidListItem['status'],
        lots: r.lots as number[],
        form: r.form as BidListItem['form'],
        leadStructureId: r.lead_structure_id as string,
        leadStructureName: r.lead_name as string,
        memberCount: r.member_count as number,
        relation: r.is_lead ? 'lead' : r.is_member ? 'member' : r.is_buyer ? 'buyer' : 'admin',
        submittedAt: (r.submitted_at as Date | null)?.toISOString() ?? null,
        createdAt: (r.created_at as Date).toISOString(),
      }),
    );
    return { total, page, perPage, items };
  }

  // ─── Forming ───────────────────────────────────────────────────────────────

  /**
   * A bid led by a structure the caller owns. From a proposal, the proposal's members (with work on the
   * chosen lots), form, mandataire and assignments are taken over; every member but the lead is invited.
   */
  async create(input: CreateBidInput, caller: BidCaller): Promise<BidView> {
    const lead = (await this.store.structures(this.dataSource.manager, [input.leadStructureId])).get(input.leadStructureId);
    if (lead && lead.ownerId !== caller.id) throw forbidden('Seul le propriétaire de la structure chef de file peut constituer un groupement en son nom');

    const errors: FieldError[] = [];
    if (!lead) errors.push({ field: 'leadStructureId', message: 'structure inconnue' });
    else if (lead.delisted) errors.push({ field: 'leadStructureId', message: 'cette structure a été retirée du catalogue' });

    const tender = isUuid(input.tenderId) ? await this.dataSource.getRepository(TenderEntity).findOneBy({ id: input.tenderId }) : null;
    let tenderView: TenderView | undefined;
    if (!tender || tender.status === 'draft') errors.push({ field: 'tenderId', message: 'aucun appel d’offres publié avec cet identifiant' });
    else if (tender.status === 'closed') errors.push({ field: 'tenderId', message: 'cet appel d’offres est clos' });
    else if (tender.responseDeadline && tender.responseDeadline.getTime() <= Date.now()) errors.push({ field: 'tenderId', message: 'la date limite de réponse est passée' });
    else {
      tenderView = await this.tenders.get(tender.id, SYSTEM);
      const known = new Set(tenderView.lots.map((l) => l.number));
      const unknown = input.lots.filter((n) => !known.has(n));
      if (unknown.length) errors.push({ field: 'lots', message: `lot(s) inconnu(s) dans ce marché : ${unknown.join(', ')} (lots existants : ${[...known].join(', ')})` });
    }

    let proposal: ProposalEntity | null = null;
    if (input.fromProposalId !== undefined) {
      proposal = isUuid(input.fromProposalId) ? await this.dataSource.getRepository(ProposalEntity).findOneBy({ id: input.fromProposalId }) : null;
      const run = proposal ? await this.dataSource.getRepository(MatchingRunEntity).findOne({ where: { id: proposal.runId }, select: { id: true, tenderId: true } }) : null;
      if (!proposal || run?.tenderId !== input.tenderId) {
        errors.push({ field: 'fromProposalId', message: 'aucune proposition de ce marché avec cet identifiant' });
      } else {
        const missing = input.lots.filter((n) => !proposal!.lots.includes(n));
        if (missing.length) errors.push({ field: 'lots', message: `la proposition ne porte pas sur le(s) lot(s) ${missing.join(', ')} (elle porte sur : ${proposal.lots.join(', ')})` });
        if (!proposal.members.some((m) => m.structureId === input.leadStructureId)) {
          errors.push({ field: 'leadStructureId', message: 'la structure chef de file ne fait pas partie de cette proposition' });
        }
      }
    }
    if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);

    const lots = [...input.lots].sort((a, b) => a - b);
    const members: NewMember[] = [{ structureId: lead!.id, position: 0, status: 'accepted', assignments: [], invitedBy: caller.id }];
    let form: BidEntity['form'] = 'CONJOINT';
    let mandataireSolidaire = tender!.mandataireSolidaireRequired;
    let mandataireStructureId = lead!.id;
    if (proposal) {
      form = proposal.form;
      mandataireSolidaire = proposal.mandataireSolidaire || (form === 'CONJOINT' && tender!.mandataireSolidaireRequired);
      for (const m of proposal.members) {
        const assignments = m.assignments.filter((a) => lots.includes(a.lot)).map((a) => ({ lot: a.lot, ...(a.workPackage !== undefined ? { workPackage: a.workPackage } : {}), share: a.share }));
        if (m.structureId === lead!.id) members[0].assignments = assignments;
        else if (assignments.length || m.role === 'MANDATAIRE') members.push({ structureId: m.structureId, position: members.length, status: 'invited', assignments, invitedBy: caller.id });
      }
      const proposed = proposal.members.find((m) => m.role === 'MANDATAIRE');
      if (proposed) mandataireStructureId = proposed.structureId;
    }

    const id = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(BidEntity, {
          tenderId: tender!.id,
          leadStructureId: lead!.id,
          createdBy: caller.id,
          fromProposalId: proposal?.id ?? null,
          status: 'forming',
          lots,
          form,
          mandataireSolidaire,
          mandataireStructureId,
          submittedAt: null,
        }),
      );
      await this.store.insertMembers(manager, saved.id, members);
      await this.store.record(manager, { bidId: saved.id, type: 'CREATED', actorId: caller.id, structureId: lead!.id, details: { lots, fromProposalId: proposal?.id ?? null } });
      const invited = await this.store.structures(manager, members.slice(1).map((m) => m.structureId));
      for (const m of members.slice(1)) {
        await this.recordInvitation(manager, { bidId: saved.id, tenderTitle: tender!.title, lots, leadName: lead!.name }, caller, invited.get(m.structureId)!);
      }
      return saved.id;
    });
    return this.get(id, caller);
  }

  /**
   * Invites a structure. Its owner is notified; a structure nobody owns is invited by e-mail (to `email`,
   * else its public contact) with a link to claim it. The answer says who, if anyone, can receive it.
   */
  async invite(bidId: string, structureId: string, caller: BidCaller, email?: string): Promise<BidView & { invitation: InvitationDelivery }> {
    let invitation: InvitationDelivery = { channel: 'none', email: null };
    const view = await this.write(bidId, caller, async (manager, loaded) => {
      this.assertLead(loaded);
      this.assertForming(loaded);
      const structure = (await this.store.structures(manager, [structureId])).get(structureId);
      if (!structure) throw badRequest('1 champ(s) invalide(s)', [{ field: 'structureId', message: 'structure inconnue' }]);
      if (structure.delisted) throw badRequest('1 champ(s) invalide(s)', [{ field: 'structureId', message: 'cette structure a été retirée du catalogue' }]);
      const existing = loaded.members.find((m) => m.structureId === structureId);
      if (existing) throw conflict(`« ${structure.name} » figure déjà dans ce groupement (statut : ${existing.status}).`, [{ field: 'structureId', message: 'déjà membre ou invitée' }]);
      const position = Math.max(...loaded.members.map((m) => m.position)) + 1;
      await this.store.insertMembers(manager, bidId, [{ structureId, position, status: 'invited', assignments: [], invitedBy: caller.id }]);
      await this.store.touch(manager, bidId);
      const lead = loaded.members.find((m) => m.structureId === loaded.bid.leadStructureId)!;
      await this.recordInvitation(manager, { bidId, tenderTitle: loaded.tender.title, lots: loaded.bid.lots, leadName: lead.name }, caller, structure);
      invitation = await this.deliverInvitation(manager, { bidId, tenderTitle: loaded.tender.title, lots: loaded.bid.lots, leadName: lead.name }, structure, email);
    });
    return { ...view, invitation };
  }

  /** Who receives an invitation: the owner (in-app and e-mail), else an address by e-mail with a claim link, else nobody. */
  private async deliverInvitation(manager: EntityManager, bid: { bidId: string; tenderTitle: string; lots: number[]; leadName: string }, structure: StructureFacts, email?: string): Promise<InvitationDelivery> {
    if (structure.ownerId) return { channel: 'owner', email: null };
    const [row] = await manager.query(`SELECT contact->>'email' AS email FROM structures WHERE id = $1`, [structure.id]);
    const address = email?.trim() || (row?.email as string | null) || null;
    if (!address || !this.notifications.emailEnabled) return { channel: 'none', email: address };
    await this.notifications.notifyAddress(manager, address, {
      type: 'BID_INVITATION',
      bidId: null,
      title: `Invitation à rejoindre un groupement : ${bid.tenderTitle}`,
      body:
        `« ${bid.leadName} » invite « ${structure.name} » (SIRET ${structure.siret}) à rejoindre un groupement pour l’appel d’offres « ${bid.tenderTitle} » (${lotsText(bid.lots)}).\n` +
        `Cette structure n’a pas encore de compte responsable sur Marché inclusif : créez un compte « structure inclusive », puis revendiquez la fiche de la structure avec le lien ci-dessous. ` +
        `Une fois la revendication validée, l’invitation vous attend dans « Mes groupements ».`,
      link: `/structures/${structure.id}/revendiquer`,
    });
    return { channel: 'email', email: address };
  }

  /** The owner of an invited structure accepts; an accepted member may not "re-accept" a declined invitation. */
  async accept(bidId: string, structureId: string, caller: BidCaller): Promise<BidView> {
    return this.write(bidId, caller, async (manager, loaded) => {
      const member = this.answeringMember(loaded, structureId, caller);
      if (member.status === 'accepted') return; // idempotent
      if (member.status === 'declined') throw conflict('Invitation déclinée : le chef de file doit retirer puis réinviter la structure pour qu’elle puisse accepter.');
      await manager.query(`UPDATE bid_members SET status = 'accepted', answered_by = $3, answered_at = now() WHERE bid_id = $1 AND structure_id = $2`, [bidId, structureId, caller.id]);
      await this.store.touch(manager, bidId);
      await this.store.record(manager, { bidId, type: 'ACCEPTED', actorId: caller.id, structureId });
      await this.notifyMembers(manager, loaded, caller, 'BID_ANSWERED', 'Invitation acceptée', `« ${member.name} » a accepté de rejoindre le groupement pour « ${loaded.tender.title} » (${lotsText(loaded.bid.lots)}).`);
    });
  }

  /** Declining (or leaving, once accepted) drops the member's assignments; a declined mandataire hands back to the lead. */
  async decline(bidId: string, structureId: string, caller: BidCaller): Promise<BidView> {
    return this.write(bidId, caller, async (manager, loaded) => {
      const member = this.answeringMember(loaded, structureId, caller);
      if (member.status === 'declined') return; // idempotent
      if (structureId === loaded.bid.leadStructureId) throw conflict('Le chef de file ne peut pas décliner son propre groupement.');
      const details = await this.detach(manager, loaded, member);
      await manager.query(`UPDATE bid_members SET status = 'declined', assignments = '[]', answered_by = $3, answered_at = now() WHERE bid_id = $1 AND structure_id = $2`, [
        bidId,
        structureId,
        caller.id,
      ]);
      await this.store.record(manager, { bidId, type: 'DECLINED', actorId: caller.id, structureId, details: { ...details, previousStatus: member.status } });
      await this.notifyMembers(manager, loaded, caller, 'BID_ANSWERED', 'Invitation déclinée', `« ${member.name} » ne rejoint pas le groupement pour « ${loaded.tender.title} » (${lotsText(loaded.bid.lots)}).`);
    });
  }

  /** The lead removes a member (an invitation not answered, a declined or an accepted member), never itself. */
  async removeMember(bidId: string, structureId: string, caller: BidCaller): Promise<BidView> {
    return this.write(bidId, caller, async (manager, loaded) => {
      this.assertLead(loaded);
      this.assertForming(loaded);
      const member = loaded.members.find((m) => m.structureId === structureId);
      if (!member) throw notFound('Cette structure ne fait pas partie du groupement');
      if (structureId === loaded.bid.leadStructureId) throw conflict('Le chef de file ne peut pas se retirer de son propre groupement.');
      const details = await this.detach(manager, loaded, member);
      await manager.query(`DELETE FROM bid_members WHERE bid_id = $1 AND structure_id = $2`, [bidId, structureId]);
      await this.store.record(manager, { bidId, type: 'REMOVED', actorId: caller.id, structureId, details: { ...details, previousStatus: member.status } });
      await this.notifications.notify(manager, [member.ownerId !== caller.id ? member.ownerId : null], {
        type: 'BID_MEMBER_REMOVED',
        bidId,
        title: 'Retrait d’un groupement',
        body: `« ${member.name} » a été retirée du groupement pour « ${loaded.tender.title} » (${lotsText(loaded.bid.lots)}).`,
      });
    });
  }

  /** Form, solidarity, mandataire and the split of work (replaced as a whole), by the lead while forming. */
  async update(bidId: string, input: UpdateBidInput, caller: BidCaller): Promise<BidView> {
    return this.write(bidId, caller, async (manager, loaded) => {
      this.assertLead(loaded);
      this.assertForming(loaded);
      const { bid } = loaded;
      const active = activeMembers(loaded.members);
      const errors: FieldError[] = [];
      if (input.mandataireStructureId !== undefined && !active.some((m) => m.structureId === input.mandataireStructureId)) {
        errors.push({ field: 'mandataireStructureId', message: 'le mandataire doit être un membre du groupement (invité ou ayant accepté)' });
      }
      if (input.assignments !== undefined) {
        const tender = tenderSpecOf(await this.tenders.get(bid.tenderId, SYSTEM));
        errors.push(...bidAssignmentProblems(input.assignments, { lots: bid.lots, tenderLots: tender.lots, memberIds: active.map((m) => m.structureId) }));
      }
      if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);

      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const columns: Partial<Pick<BidEntity, 'form' | 'mandataireSolidaire' | 'mandataireStructureId'>> = {};
      for (const key of ['form', 'mandataireSolidaire', 'mandataireStructureId'] as const) {
        if (input[key] === undefined || input[key] === bid[key]) continue;
        changes[key] = { from: bid[key], to: input[key] };
        Object.assign(columns, { [key]: input[key] });
      }
      if (input.assignments !== undefined) {
        const next = assignmentsByStructure(input.assignments);
        const before = loaded.members.map((m) => ({ structureId: m.structureId, assignments: m.assignments }));
        const after = loaded.members.map((m) => ({ structureId: m.structureId, assignments: next.get(m.structureId) ?? [] }));
        if (JSON.stringify(before) !== JSON.stringify(after)) {
          changes.assignments = { from: flatAssignments(before), to: flatAssignments(after) };
          await this.store.setAssignments(manager, bidId, next);
        }
      }
      if (!Object.keys(changes).length) return;
      await this.store.touch(manager, bidId, columns);
      await this.store.record(manager, { bidId, type: 'UPDATED', actorId: caller.id, details: { changes } });
      const what = Object.keys(changes).map((key) => CHANGE_LABELS[key]).join(', ');
      await this.notifyMembers(manager, loaded, caller, 'BID_UPDATED', 'Groupement modifié', `Le chef de file a modifié le groupement pour « ${loaded.tender.title} » : ${what}.`);
    });
  }

  // ─── Submission and after ──────────────────────────────────────────────────

  /**
   * Checks every applicable rule and, when none fails, hands the bid in: 422 with the named violations
   * otherwise (warnings never block), 409 once submitted (V9).
   */
  async submit(bidId: string, caller: BidCaller): Promise<SubmittedBidView> {
    let warnings: BidCheckView['warnings'] = [];
    const view = await this.write(
      bidId,
      caller,
      async (manager, loaded) => {
        this.assertLead(loaded);
        this.assertForming(loaded);
        const tender = await this.tenders.get(loaded.bid.tenderId, SYSTEM);
        const check = await this.evaluate(manager, loaded, tender, tenderSpecOf(tender), { forSubmission: true });
        if (check.violations.length) throw rulesProblem(check, 'Le groupement ne peut pas être déposé');
        warnings = check.warnings;
        await this.store.touch(manager, bidId, { status: 'submitted', submittedAt: new Date() });
        await this.store.record(manager, { bidId, type: 'SUBMITTED', actorId: caller.id, details: { warnings: check.warnings.map((w) => w.rule) } });
        await this.notifyMembers(manager, loaded, caller, 'BID_SUBMITTED', 'Groupement déposé', `Le groupement pour « ${loaded.tender.title} » (${lotsText(loaded.bid.lots)}) a été déposé ; sa composition est désormais figée.`);
        // The tender's buyer learns that a groupement answers (members' owners were told above).
        const lead = loaded.members.find((m) => m.structureId === loaded.bid.leadStructureId)!;
        await this.notifications.notify(manager, [loaded.tender.ownerId !== caller.id ? loaded.tender.ownerId : null], {
          type: 'BID_SUBMITTED',
          bidId,
          tenderId: loaded.tender.id,
          title: 'Un groupement a déposé une offre',
          body: `Le groupement mené par « ${lead.name} » (${activeMembers(loaded.members).length} membre(s)) a déposé son offre pour « ${loaded.tender.title} » (${lotsText(loaded.bid.lots)}).`,
        });
      },
      { lockTender: true },
    );
    return { ...view, violations: [], warnings };
  }

  // ─── Substitutions after submission (V9) ───────────────────────────────────

  /**
   * V9 (R2142-26): after submission the member list changes only by a substitution (restructuring,
   * incapacity, negotiation). The lead asks; nothing changes until the incoming structure's owner accepted
   * (like any invitation) and the tender's buyer authorised it — in either order. The result must still
   * satisfy the rules (V13, V3/V4…): checked now, so the buyer is never asked about an irregular groupement,
   * and again when applied.
   */
  async requestSubstitution(bidId: string, input: SubstitutionInput, caller: BidCaller): Promise<SubstitutionView> {
    let id = '';
    await this.dataSource.transaction(async (manager) => {
      const loaded = await this.lockForSubstitution(manager, bidId);
      if (!this.canRead(loaded, caller)) throw notFound(BID_NOT_FOUND);
      if (!loaded.members.some((m) => m.structureId === loaded.bid.leadStructureId && m.ownerId === caller.id)) {
        throw forbidden('Seul le chef de file (propriétaire de la structure chef de file) peut demander une substitution');
      }
      if (loaded.bid.status !== 'submitted') throw conflict('Le groupement n’est pas encore déposé : invitez ou retirez des membres directement.');
      const outgoing = activeMembers(loaded.members).find((m) => m.structureId === input.outgoingStructureId);
      const incoming = (await this.store.structures(manager, [input.incomingStructureId])).get(input.incomingStructureId);
      const errors: FieldError[] = [];
      if (!outgoing) errors.push({ field: 'outgoingStructureId', message: 'cette structure n’est pas membre du groupement' });
      else if (outgoing.structureId === loaded.bid.leadStructureId) errors.push({ field: 'outgoingStructureId', message: 'le chef de file ne peut pas être substitué' });
      if (!incoming) errors.push({ field: 'incomingStructureId', message: 'structure inconnue' });
      else if (incoming.delisted) errors.push({ field: 'incomingStructureId', message: 'cette structure a été retirée du catalogue' });
      else if (loaded.members.some((m) => m.structureId === incoming.id)) errors.push({ field: 'incomingStructureId', message: 'cette structure figure déjà dans le groupement' });
      if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);
      const open = (await this.store.substitutions(manager, bidId)).find((x) => x.status === 'pending' && x.incomingStructureId === incoming!.id);
      if (open) throw conflict(`Une demande de substitution par « ${incoming!.name} » attend déjà une réponse.`);

      // Dry run under a savepoint: the swapped groupement must satisfy the rules, then everything is undone.
      await manager.query('SAVEPOINT substitution_check');
      try {
        await this.swap(manager, loaded, outgoing!, incoming!.id, caller);
        await this.assertRegular(manager, loaded.bid, 'Cette substitution rendrait le groupement irrégulier');
      } finally {
        await manager.query('ROLLBACK TO SAVEPOINT substitution_check');
      }

      id = await this.store.insertSubstitution(manager, { bidId, outgoingStructureId: outgoing!.structureId, incomingStructureId: incoming!.id, reason: input.reason, requestedBy: caller.id });
      await this.store.record(manager, {
        bidId,
        type: 'SUBSTITUTION_REQUESTED',
        actorId: caller.id,
        structureId: incoming!.id,
        details: { substitutionId: id, reason: input.reason, outgoing: { structureId: outgoing!.structureId, siret: outgoing!.siret, name: outgoing!.name } },
      });
      const what = `« ${incoming!.name} » à la place de « ${outgoing!.name} » dans le groupement pour « ${loaded.tender.title} » (${SUBSTITUTION_LABELS[input.reason]})`;
      await this.notifications.notify(manager, [incoming!.ownerId], {
        type: 'BID_SUBSTITUTION',
        bidId,
        title: 'Proposition de substitution dans un groupement',
        body: `Le chef de file propose ${what}. Acceptez ou refusez ; la substitution demande aussi l’autorisation de l’acheteur.`,
      });
      await this.notifications.notify(manager, [loaded.tender.ownerId], {
        type: 'BID_SUBSTITUTION',
        bidId,
        title: 'Substitution à autoriser',
        body: `Le chef de file d’un groupement déposé demande une substitution : ${what}. Autorisez-la ou refusez-la ; elle ne s’applique qu’avec votre autorisation et l’accord de la structure entrante.`,
      });
    });
    return this.substitutionView(bidId, id);
  }

  /** Readers of the bid (members, buyer, admins) and the incoming structure's owner of each request. */
  async listSubstitutions(bidId: string, caller: BidCaller): Promise<{ items: SubstitutionView[] }> {
    await this.load(this.dataSource.manager, bidId, caller);
    return { items: (await this.store.substitutions(this.dataSource.manager, bidId)).map(toSubstitutionView) };
  }

  /** The incoming structure's owner accepts or declines, as for an invitation. */
  async answerSubstitution(bidId: string, substitutionId: string, answer: 'accepted' | 'declined', caller: BidCaller): Promise<SubstitutionView> {
    return this.decideSubstitution(bidId, substitutionId, caller, async (manager, loaded, sub) => {
      if (sub.incomingOwnerId !== caller.id) throw forbidden('Seul le propriétaire de la structure entrante peut répondre à cette proposition');
      await this.store.updateSubstitution(manager, sub.id, {
        incoming_answer: answer,
        incoming_answered_by: caller.id,
        ...(answer === 'declined' ? { status: 'declined', decided_at: new Date() } : {}),
      });
      await this.store.record(manager, { bidId, type: answer === 'accepted' ? 'SUBSTITUTION_ACCEPTED' : 'SUBSTITUTION_DECLINED', actorId: caller.id, structureId: sub.incomingStructureId, details: { substitutionId: sub.id } });
      const lead = loaded.members.find((m) => m.structureId === loaded.bid.leadStructureId);
      await this.notifications.notify(manager, [lead?.ownerId ?? null, loaded.tender.ownerId], {
        type: 'BID_SUBSTITUTION',
        bidId,
        title: answer === 'accepted' ? 'Substitution acceptée par la structure entrante' : 'Substitution refusée par la structure entrante',
        body: `« ${sub.incomingName} » ${answer === 'accepted' ? 'accepte' : 'refuse'} de remplacer « ${sub.outgoingName} » dans le groupement pour « ${loaded.tender.title} ».`,
      });
      if (answer === 'accepted' && sub.buyerDecision === 'authorised') await this.applySubstitution(manager, loaded, { ...sub, incomingAnsweredBy: caller.id }, caller);
    });
  }

  /** The tender's buyer authorises (or refuses, with a reason) — an action of the buyer, recorded. */
  async decideAsBuyer(bidId: string, substitutionId: string, decision: 'authorised' | 'refused', caller: BidCaller, reason?: string): Promise<SubstitutionView> {
    return this.decideSubstitution(bidId, substitutionId, caller, async (manager, loaded, sub) => {
      if (loaded.tender.ownerId !== caller.id) throw forbidden('Seul l’acheteur de ce marché peut autoriser ou refuser une substitution');
      const why = reason?.trim() || null;
      await this.store.updateSubstitution(manager, sub.id, {
        buyer_decision: decision,
        buyer_decided_by: caller.id,
        decision_reason: why,
        ...(decision === 'refused' ? { status: 'refused', decided_at: new Date() } : {}),
      });
      await this.store.record(manager, {
        bidId,
        type: decision === 'authorised' ? 'SUBSTITUTION_AUTHORISED' : 'SUBSTITUTION_REFUSED',
        actorId: caller.id,
        structureId: sub.incomingStructureId,
        details: { substitutionId: sub.id, ...(why ? { reason: why } : {}) },
      });
      const lead = loaded.members.find((m) => m.structureId === loaded.bid.leadStructureId);
      await this.notifications.notify(manager, [lead?.ownerId ?? null, sub.incomingOwnerId], {
        type: 'BID_SUBSTITUTION',
        bidId,
        title: decision === 'authorised' ? 'Substitution autorisée par l’acheteur' : 'Substitution refusée par l’acheteur',
        body: `L’acheteur ${decision === 'authorised' ? 'autorise' : 'refuse'} que « ${sub.incomingName} » remplace « ${sub.outgoingName} » dans le groupement pour « ${loaded.tender.title} »${why ? ` : ${why}` : ''}.`,
      });
      if (decision === 'authorised' && sub.incomingAnswer === 'accepted') await this.applySubstitution(manager, loaded, { ...sub, buyerDecidedBy: caller.id }, caller);
    });
  }

  /** Both said yes: the incoming structure takes the outgoing one's place, role and assignments. */
  private async applySubstitution(manager: EntityManager, loaded: Loaded, sub: SubstitutionRow, caller: BidCaller): Promise<void> {
    const outgoing = activeMembers(loaded.members).find((m) => m.structureId === sub.outgoingStructureId);
    const incoming = (await this.store.structures(manager, [sub.incomingStructureId])).get(sub.incomingStructureId);
    if (!outgoing) throw conflict(`« ${sub.outgoingName} » ne fait plus partie du groupement : cette substitution ne peut plus s’appliquer.`);
    if (!incoming || incoming.delisted || loaded.members.some((m) => m.structureId === incoming.id)) {
      throw conflict(`« ${sub.incomingName} » ne peut plus entrer dans le groupement (retirée du catalogue ou déjà membre).`);
    }
    await this.swap(manager, loaded, outgoing, incoming.id, caller);
    await this.assertRegular(manager, loaded.bid, 'Cette substitution rendrait le groupement irrégulier');
    await this.store.updateSubstitution(manager, sub.id, { status: 'applied', decided_at: new Date() });
    await this.store.record(manager, {
      bidId: loaded.bid.id,
      type: 'SUBSTITUTED',
      actorId: caller.id,
      structureId: incoming.id,
      details: {
        substitutionId: sub.id,
        reason: sub.reason,
        authorisedBy: sub.buyerDecidedBy,
        acceptedBy: sub.incomingAnsweredBy,
        outgoing: { structureId: outgoing.structureId, siret: outgoing.siret, name: outgoing.name },
        incoming: { structureId: incoming.id, siret: incoming.siret, name: incoming.name },
      },
    });
    const after = await this.load(manager, loaded.bid.id, SYSTEM);
    const body = `Substitution acceptée par « ${incoming.name} » et autorisée par l’acheteur (${SUBSTITUTION_LABELS[sub.reason as SubstitutionInput['reason']]}) dans le groupement pour « ${loaded.tender.title} » : « ${incoming.name} » remplace « ${outgoing.name} ».`;
    await this.notifyMembers(manager, after, caller, 'BID_SUBSTITUTION', 'Substitution dans un groupement', body, [outgoing.ownerId, loaded.tender.ownerId]);
  }

  /** Replaces `outgoing` by `incomingId` (accepted, same position and assignments; mandataire passed on). */
  private async swap(manager: EntityManager, loaded: Loaded, outgoing: MemberRow, incomingId: string, caller: BidCaller): Promise<void> {
    await manager.query(`DELETE FROM bid_members WHERE bid_id = $1 AND structure_id = $2`, [loaded.bid.id, outgoing.structureId]);
    await this.store.insertMembers(manager, loaded.bid.id, [{ structureId: incomingId, position: outgoing.position, status: 'accepted', assignments: outgoing.assignments, invitedBy: caller.id }]);
    const mandataire = loaded.bid.mandataireStructureId === outgoing.structureId ? incomingId : loaded.bid.mandataireStructureId;
    await this.store.touch(manager, loaded.bid.id, { mandataireStructureId: mandataire });
  }

  /** 422 with the named violations when the bid, as it now stands in this transaction, breaks a rule. */
  private async assertRegular(manager: EntityManager, bid: BidEntity, detail: string): Promise<void> {
    const after = await this.load(manager, bid.id, SYSTEM);
    const tender = await this.tenders.get(bid.tenderId, SYSTEM);
    const check = await this.evaluate(manager, after, tender, tenderSpecOf(tender), { forSubmission: false });
    if (check.violations.length) throw rulesProblem(check, detail);
  }

  /** Holds the tender's cross-bid lock and the bid row, whoever the caller is (access is checked by each action). */
  private async lockForSubstitution(manager: EntityManager, bidId: string): Promise<Loaded> {
    const bid = await this.store.bid(manager, bidId);
    if (!bid) throw notFound(BID_NOT_FOUND);
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bids-tender:${bid.tenderId}`]);
    return this.load(manager, bidId, SYSTEM, true);
  }

  private async decideSubstitution(
    bidId: string,
    substitutionId: string,
    caller: BidCaller,
    decide: (manager: EntityManager, loaded: Loaded, sub: SubstitutionRow) => Promise<void>,
  ): Promise<SubstitutionView> {
    await this.dataSource.transaction(async (manager) => {
      const loaded = await this.lockForSubstitution(manager, bidId);
      const sub = await this.store.substitution(manager, bidId, substitutionId, true);
      // Unknown to whoever may not read the bid and is not the incoming structure's owner.
      if (!sub || (!this.canRead(loaded, caller) && sub.incomingOwnerId !== caller.id)) throw notFound('Demande de substitution introuvable');
      if (sub.status !== 'pending') throw conflict(`Cette demande de substitution est close (${SUBSTITUTION_STATUS_LABELS[sub.status] ?? sub.status}).`);
      await decide(manager, loaded, sub);
    });
    return this.substitutionView(bidId, substitutionId);
  }

  private canRead(loaded: Loaded, caller: BidCaller): boolean {
    return caller.role === 'admin' || loaded.tender.ownerId === caller.id || loaded.members.some((m) => m.ownerId === caller.id);
  }

  private async substitutionView(bidId: string, id: string): Promise<SubstitutionView> {
    return toSubstitutionView((await this.store.substitution(this.dataSource.manager, bidId, id))!);
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  private async load(manager: EntityManager, bidId: string, caller: BidCaller, lock = false): Promise<Loaded> {
    const bid = await this.store.bid(manager, bidId, lock);
    if (!bid) throw notFound(BID_NOT_FOUND);
    const members = await this.store.members(manager, bidId, lock);
    const [tender] = await manager.query(`SELECT id, title, owner_id FROM tenders WHERE id = $1`, [bid.tenderId]);
    const isLead = members.some((m) => m.structureId === bid.leadStructureId && m.ownerId === caller.id);
    const memberStructureIds = members.filter((m) => m.ownerId === caller.id).map((m) => m.structureId);
    const isBuyer = tender?.owner_id === caller.id;
    if (!memberStructureIds.length && !isBuyer && caller.role !== 'admin') throw notFound(BID_NOT_FOUND);
    return {
      bid,
      members,
      viewer: { isLead, isBuyer, memberStructureIds, canEdit: isLead && bid.status === 'forming' },
      tender: { id: tender.id, title: tender.title, ownerId: tender.owner_id },
    };
  }

  /** One write: a transaction holding the bid row (and, for cross-bid checks, the tender's lock); answers the new view. */
  private async write(bidId: string, caller: BidCaller, work: (manager: EntityManager, loaded: Loaded) => Promise<void>, options: { lockTender?: boolean } = {}): Promise<BidView> {
    await this.dataSource.transaction(async (manager) => {
      if (options.lockTender) {
        const bid = await this.store.bid(manager, bidId);
        if (bid) await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`bids-tender:${bid.tenderId}`]);
      }
      await work(manager, await this.load(manager, bidId, caller, true));
    });
    return this.get(bidId, caller);
  }

  private async view(loaded: Loaded): Promise<BidView> {
    const tender = await this.tenders.get(loaded.bid.tenderId, SYSTEM);
    return toBidView(loaded.bid, loaded.members, tenderSpecOf(tender), loaded.viewer);
  }

  /** The rules (domain checkBid) plus, before submission, the tender still accepting offers. */
  private async evaluate(manager: EntityManager, loaded: Loaded, tender: TenderView, spec: TenderSpec, options: { forSubmission: boolean }): Promise<BidCheckView> {
    const { bid, members } = loaded;
    const active = activeMembers(members).map((m) => m.structureId);
    const otherBids = await this.store.otherSubmittedBids(manager, bid.tenderId, bid.id, active);
    const result = checkBid(bidShape(bid, members), spec, { otherBids, members: memberFacts(members), ...(tender.durationMonths ? { durationMonths: tender.durationMonths } : {}) });
    const open: RuleViolation[] = [];
    if (options.forSubmission && tender.status !== 'published') open.push({ rule: 'TENDER_OPEN', message: 'L’appel d’offres n’est plus ouvert : aucune offre ne peut être déposée.' });
    else if (options.forSubmission && tender.responseDeadline && Date.parse(tender.responseDeadline) <= Date.now()) {
      open.push({ rule: 'TENDER_OPEN', message: 'La date limite de réponse est passée : aucune offre ne peut plus être déposée.' });
    }
    const violations = options.forSubmission ? [...open, ...result.violations] : result.violations.filter((v) => v.rule !== 'MEMBERS_ACCEPTED');
    return { violations, warnings: result.warnings };
  }

  private assertLead(loaded: Loaded): void {
    if (!loaded.viewer.isLead) throw forbidden('Seul le chef de file (propriétaire de la structure chef de file) peut modifier ce groupement');
  }

  private assertForming(loaded: Loaded): void {
    if (loaded.bid.status !== 'forming') throw conflict(FROZEN);
  }

  /** The member whose invitation the caller answers: 404 if not on the bid, 403 if not its owner, 409 once frozen. */
  private answeringMember(loaded: Loaded, structureId: string, caller: BidCaller): MemberRow {
    const member = loaded.members.find((m) => m.structureId === structureId);
    if (!member) throw notFound('Cette structure n’est pas invitée dans ce groupement');
    if (member.ownerId !== caller.id) throw forbidden('Seul le propriétaire de la structure invitée peut répondre à son invitation');
    this.assertForming(loaded);
    return member;
  }

  /** Takes a leaving member's assignments away and hands the mandataire role back to the lead; returns what changed. */
  private async detach(manager: EntityManager, loaded: Loaded, member: MemberRow): Promise<Record<string, unknown>> {
    const details: Record<string, unknown> = {};
    if (member.assignments.length) details.droppedAssignments = member.assignments;
    const columns: Partial<Pick<BidEntity, 'mandataireStructureId'>> = {};
    if (loaded.bid.mandataireStructureId === member.structureId) {
      columns.mandataireStructureId = loaded.bid.leadStructureId;
      details.mandataire = { from: member.structureId, to: loaded.bid.leadStructureId };
    }
    await this.store.touch(manager, loaded.bid.id, columns);
    return details;
  }

  private async recordInvitation(manager: EntityManager, bid: { bidId: string; tenderTitle: string; lots: number[]; leadName: string }, caller: BidCaller, structure: StructureFacts): Promise<void> {
    await this.store.record(manager, { bidId: bid.bidId, type: 'INVITED', actorId: caller.id, structureId: structure.id });
    await this.notifications.notify(manager, [structure.ownerId !== caller.id ? structure.ownerId : null], {
      type: 'BID_INVITATION',
      bidId: bid.bidId,
      title: 'Invitation à rejoindre un groupement',
      body: `« ${bid.leadName} » invite « ${structure.name} » à rejoindre un groupement pour l’appel d’offres « ${bid.tenderTitle} » (${lotsText(bid.lots)}). Acceptez ou déclinez depuis « Mes groupements ».`,
    });
  }

  /** Tells every member's owner (declined ones excepted) but the caller, plus `extra` accounts. */
  private async notifyMembers(manager: EntityManager, loaded: Loaded, caller: BidCaller, type: NotificationType, title: string, body: string, extra: (string | null)[] = []): Promise<void> {
    const owners = [...activeMembers(loaded.members).map((m) => m.ownerId), ...extra].filter((id) => id !== caller.id);
    await this.notifications.notify(manager, owners, { type, bidId: loaded.bid.id, title, body });
  }
}

const CHANGE_LABELS: Record<string, string> = {
  form: 'forme du groupement',
  mandataireSolidaire: 'solidarité du mandataire',
  mandataireStructureId: 'mandataire',
  assignments: 'répartition des prestations',
};

const SUBSTITUTION_STATUS_LABELS: Record<string, string> = { applied: 'appliquée', declined: 'refusée par la structure entrante', refused: 'refusée par l’acheteur', cancelled: 'annulée' };

function toSubstitutionView(row: SubstitutionRow): SubstitutionView {
  const { incomingOwnerId: _owner, incomingAnsweredBy: _answeredBy, buyerDecidedBy: _decidedBy, createdAt, decidedAt, ...view } = row;
  return { ...view, createdAt: createdAt.toISOString(), decidedAt: decidedAt?.toISOString() ?? null };
}

const SUBSTITUTION_LABELS: Record<SubstitutionInput['reason'], string> = {
  RESTRUCTURING: 'restructuration',
  INCAPACITY: 'incapacité',
  NEGOTIATION: 'procédure négociée',
};

function assignmentsByStructure(assignments: readonly BidAssignmentInput[]): Map<string, Assignment[]> {
  const byStructure = new Map<string, Assignment[]>();
  for (const a of assignments) {
    const list = byStructure.get(a.structureId) ?? [];
    list.push({ lot: a.lot, ...(a.workPackage !== undefined ? { workPackage: a.workPackage } : {}), share: a.share });
    byStructure.set(a.structureId, list);
  }
  return byStructure;
}

function flatAssignments(members: { structureId: string; assignments: Assignment[] }[]): BidAssignmentInput[] {
  return members.flatMap((m) => m.assignments.map((a) => ({ structureId: m.structureId, ...a })));
}

function rulesProblem(check: BidCheckView, detail: string): ProblemException {
  const rules = [...new Set(check.violations.map((v) => v.rule))].join(', ');
  return new ProblemException(422, `${detail} : ${check.violations.length} règle(s) non respectée(s) (${rules}).`, undefined, { violations: check.violations, warnings: check.warnings });
}
