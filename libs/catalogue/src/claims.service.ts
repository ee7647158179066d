// Claims: someone asks to own a structure — one nobody owns (register import), or one another account
// registered with their SIRET (contested: the SIRET squatting of issue 13). An admin checks who they are
// (outside the product) and approves, which makes the claimant the owner, or rejects with a reason. Every
// step tells the people concerned (in-app, and by e-mail through the outbox when SMTP is configured).
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not } from 'typeorm';
import { NotificationsService } from '@app/bids';
import { ProblemException, badRequest, forbidden, notFound } from '@app/common';
import { StructureClaimEntity, StructureClaimStatus, StructureEntity, enqueueStructureIndexing } from '@app/persistence';
import type { Actor } from './structure.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaimView {
  id: string;
  structureId: string;
  structureName: string;
  siret: string;
  accountId: string;
  status: StructureClaimStatus;
  /** true when the structure had an owner when the claim was made (its owner was told). */
  contested: boolean;
  message: string | null;
  decisionReason: string | null;
  /** What happens next, in French, for the claimant. */
  nextStep: string;
  createdAt: string;
  decidedAt: string | null;
}

/** A claim as admins review it: who asks, for which structure, owned by whom. */
export interface ClaimReviewView extends ClaimView {
  claimant: { id: string; email: string; displayName: string; role: string };
  structureKind: string;
  structureVerified: boolean;
  currentOwner: { id: string; email: string; displayName: string } | null;
}

const NEXT_STEP: Record<StructureClaimStatus, string> = {
  pending:
    'Un administrateur vérifie votre lien avec la structure (il peut vous contacter à l’adresse de votre compte). Vous serez notifié(e) de sa décision ; une fois approuvée, vous pourrez modifier la fiche.',
  approved: 'Vous êtes propriétaire de la structure et pouvez modifier sa fiche.',
  rejected: 'Le motif est indiqué. Vous pouvez faire une nouvelle demande avec des éléments complémentaires.',
};

const OTHER_CLAIM_APPROVED = 'Une autre revendication de cette structure a été approuvée par un administrateur.';

interface ClaimRow {
  id: string;
  structure_id: string;
  structure_name: string;
  siret: string;
  kind: string;
  verified: boolean;
  account_id: string;
  status: StructureClaimStatus;
  message: string | null;
  decision_reason: string | null;
  created_at: Date;
  decided_at: Date | null;
  owner_id: string | null;
  claimant_email: string;
  claimant_name: string;
  claimant_role: string;
  owner_email: string | null;
  owner_name: string | null;
  contested: boolean;
}

const CLAIM_SQL = `
  SELECT c.id, c.structure_id, s.name AS structure_name, s.siret, s.kind, s.verified, c.account_id, c.status, c.message,
         c.decision_reason, c.created_at, c.decided_at, s.owner_id, a.email AS claimant_email, a.display_name AS claimant_name,
         a.role AS claimant_role, o.email AS owner_email, o.display_name AS owner_name, c.contested
    FROM structure_claims c JOIN structures s ON s.id = c.structure_id JOIN accounts a ON a.id = c.account_id
    LEFT JOIN accounts o ON o.id = s.owner_id`;

@Injectable()
export class ClaimsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  async request(actor: Actor, structureId: string, message?: string): Promise<ClaimView> {
    const id = await this.dataSource.transaction(async (manager) => {
      const structure = await this.structure(manager, structureId, true);
      if (structure.ownerId === actor.id) throw new ProblemException(409, 'Vous êtes déjà propriétaire de cette structure');
      const pending = await manager.findOneBy(StructureClaimEntity, { structureId, accountId: actor.id, status: 'pending' });
      if (pending) throw new ProblemException(409, 'Vous avez déjà une demande en attente pour cette structure', undefined, { claimId: pending.id });
      const contested = structure.ownerId !== null;
      const claim = await manager.save(manager.create(StructureClaimEntity, { structureId, accountId: actor.id, status: 'pending', message: message?.trim() || null, contested }));
      await this.notify(manager, [actor.id], 'Revendication enregistrée', `Votre revendication de « ${structure.name} » (SIRET ${structure.siret}) est enregistrée. ${NEXT_STEP.pending}`);
      if (contested) {
        await this.notify(
          manager,
          [structure.ownerId],
          'Votre structure est revendiquée',
          `Un autre compte revendique « ${structure.name} » (SIRET ${structure.siret}), que vous avez inscrite. Un administrateur va vérifier qui représente réellement cet établissement ; il peut vous contacter. Si la revendication est approuvée, la fiche sera transférée à son auteur.`,
        );
      }
      return claim.id;
    });
    return toClaimView(await this.row(this.dataSource.manager, id));
  }

  /** Admins see every claim of the structure; other accounts only their own. */
  async list(actor: Actor, structureId: string): Promise<ClaimView[]> {
    await this.structure(this.dataSource.manager, structureId);
    const rows: ClaimRow[] = await this.dataSource.query(`${CLAIM_SQL} WHERE c.structure_id = $1 AND ($2 OR c.account_id = $3) ORDER BY c.created_at, c.id`, [
      structureId,
      actor.role === 'admin',
      actor.id,
    ]);
    return rows.map(toClaimView);
  }

  /** The account's own claims, newest first, whatever their status ("Mes structures"). */
  async mine(actor: Actor): Promise<ClaimView[]> {
    const rows: ClaimRow[] = await this.dataSource.query(`${CLAIM_SQL} WHERE c.account_id = $1 ORDER BY c.created_at DESC, c.id`, [actor.id]);
    return rows.map(toClaimView);
  }

  /** The admins' review list: pending claims first-come first-served (or every claim of a status). */
  async forReview(actor: Actor, status: StructureClaimStatus = 'pending'): Promise<ClaimReviewView[]> {
    if (actor.role !== 'admin') throw forbidden('Seul un administrateur peut examiner les revendications');
    const rows: ClaimRow[] = await this.dataSource.query(`${CLAIM_SQL} WHERE c.status = $1 ORDER BY c.created_at, c.id LIMIT 500`, [status]);
    return rows.map(toReviewView);
  }

  /**
   * Makes the claimant the owner (taking the structure from a squatter if need be) and confirms the structure;
   * other pending claims on it are rejected in the same transaction. Everyone concerned is told.
   */
  async approve(actor: Actor, structureId: string, claimId: string, reason?: string): Promise<ClaimView> {
    return this.decide(actor, structureId, claimId, async (manager, structure, claim) => {
      const now = new Date();
      const previousOwner = structure.ownerId;
      structure.ownerId = claim.accountId;
      structure.verified = true;
      structure.verifiedAt = now;
      structure.verifiedBy = actor.id;
      await manager.save(structure);
      const others = await manager.findBy(StructureClaimEntity, { structureId, status: 'pending', id: Not(claim.id) });
      await manager.update(
        StructureClaimEntity,
        { structureId, status: 'pending', id: Not(claim.id) },
        { status: 'rejected', decidedAt: now, decidedBy: actor.id, decisionReason: OTHER_CLAIM_APPROVED },
      );
      await enqueueStructureIndexing(manager, structure.id);
      Object.assign(claim, { status: 'approved', decidedAt: now, decidedBy: actor.id, decisionReason: reason?.trim() || null });
      await manager.save(claim);
      await this.notify(manager, [claim.accountId], 'Revendication approuvée', `Votre revendication de « ${structure.name} » est approuvée : vous êtes propriétaire de la fiche et pouvez la modifier.`);
      await this.notify(manager, others.map((c) => c.accountId), 'Revendication rejetée', `Votre revendication de « ${structure.name} » est rejetée : ${OTHER_CLAIM_APPROVED}`);
      if (previousOwner && previousOwner !== claim.accountId) {
        await this.notify(manager, [previousOwner], 'Structure transférée', `Après vérification, un administrateur a confié « ${structure.name} » (SIRET ${structure.siret}) au compte qui la revendiquait : vous ne pouvez plus la modifier.`);
      }
    });
  }

  async reject(actor: Actor, structureId: string, claimId: string, reason: string | undefined): Promise<ClaimView> {
    const why = reason?.trim();
    if (!why) throw badRequest('Indiquez le motif du rejet', [{ field: 'reason', message: 'le motif est obligatoire : il est envoyé à l’auteur de la demande' }]);
    return this.decide(actor, structureId, claimId, async (manager, structure, claim) => {
      Object.assign(claim, { status: 'rejected', decidedAt: new Date(), decidedBy: actor.id, decisionReason: why });
      await manager.save(claim);
      await this.notify(manager, [claim.accountId], 'Revendication rejetée', `Votre revendication de « ${structure.name} » est rejetée. Motif : ${why}`);
    });
  }

  private async decide(
    actor: Actor,
    structureId: string,
    claimId: string,
    apply: (manager: EntityManager, structure: StructureEntity, claim: StructureClaimEntity) => Promise<void>,
  ): Promise<ClaimView> {
    if (actor.role !== 'admin') throw forbidden('Seul un administrateur peut traiter une revendication');
    await this.dataSource.transaction(async (manager) => {
      const structure = await this.structure(manager, structureId, true);
      if (!UUID.test(claimId)) throw notFound('Demande introuvable');
      const claim = await manager.findOne(StructureClaimEntity, { where: { id: claimId, structureId }, lock: { mode: 'pessimistic_write' } });
      if (!claim) throw notFound('Demande introuvable');
      if (claim.status !== 'pending') throw new ProblemException(409, `Cette demande a déjà été traitée (${claim.status === 'approved' ? 'approuvée' : 'rejetée'})`);
      await apply(manager, structure, claim);
    });
    return toClaimView(await this.row(this.dataSource.manager, claimId));
  }

  private notify(manager: EntityManager, accountIds: (string | null)[], title: string, body: string): Promise<void> {
    return this.notifications.notify(manager, accountIds, { type: 'STRUCTURE_CLAIM', bidId: null, title, body });
  }

  private async row(manager: EntityManager, id: string): Promise<ClaimRow> {
    const [row] = await manager.query(`${CLAIM_SQL} WHERE c.id = $1`, [id]);
    return row;
  }

  private async structure(manager: EntityManager, id: string, forUpdate = false): Promise<StructureEntity> {
    if (!UUID.test(id)) throw notFound('Structure introuvable');
    const structure = await manager.findOne(StructureEntity, { where: { id }, ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!structure) throw notFound('Structure introuvable');
    return structure;
  }
}

function toClaimView(row: ClaimRow): ClaimView {
  return {
    id: row.id,
    structureId: row.structure_id,
    structureName: row.structure_name,
    siret: row.siret,
    accountId: row.account_id,
    status: row.status,
    contested: row.contested,
    message: row.message,
    decisionReason: row.decision_reason,
    nextStep: NEXT_STEP[row.status],
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
  };
}

function toReviewView(row: ClaimRow): ClaimReviewView {
  return {
    ...toClaimView(row),
    claimant: { id: row.account_id, email: row.claimant_email, displayName: row.claimant_name, role: row.claimant_role },
    structureKind: row.kind,
    structureVerified: row.verified,
    currentOwner: row.owner_id ? { id: row.owner_id, email: row.owner_email ?? '', displayName: row.owner_name ?? '' } : null,
  };
}
