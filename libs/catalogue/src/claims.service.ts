import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not } from 'typeorm';
import { ProblemException, forbidden, notFound } from '@app/common';
import { StructureClaimEntity, StructureClaimStatus, StructureEntity, enqueueStructureIndexing } from '@app/persistence';
import type { Actor } from './structure.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaimView {
  id: string;
  structureId: string;
  accountId: string;
  status: StructureClaimStatus;
  message: string | null;
  createdAt: string;
  decidedAt: string | null;
}

/**
 * Claiming a structure nobody owns (imported from the register or generated): a supplier asks, an admin
 * checks who they are (outside the product) and approves; approval makes the claimant the owner.
 */
@Injectable()
export class ClaimsService {
  constructor(private readonly dataSource: DataSource) {}

  async request(actor: Actor, structureId: string, message?: string): Promise<ClaimView> {
    return this.dataSource.transaction(async (manager) => {
      const structure = await this.structure(manager, structureId);
      if (structure.ownerId === actor.id) throw new ProblemException(409, 'Vous êtes déjà propriétaire de cette structure');
      if (structure.ownerId) throw new ProblemException(409, 'Cette structure a déjà un propriétaire');
      const pending = await manager.findOneBy(StructureClaimEntity, { structureId, accountId: actor.id, status: 'pending' });
      if (pending) throw new ProblemException(409, 'Vous avez déjà une demande en attente pour cette structure', undefined, { claimId: pending.id });
      const claim = await manager.save(manager.create(StructureClaimEntity, { structureId, accountId: actor.id, status: 'pending', message: message?.trim() || null }));
      return toClaimView(claim);
    });
  }

  /** Admins see every claim of the structure; other accounts only their own. */
  async list(actor: Actor, structureId: string): Promise<ClaimView[]> {
    await this.structure(this.dataSource.manager, structureId);
    const claims = await this.dataSource.manager.find(StructureClaimEntity, {
      where: actor.role === 'admin' ? { structureId } : { structureId, accountId: actor.id },
      order: { createdAt: 'ASC' },
    });
    return claims.map(toClaimView);
  }

  /** Sets the owner; other pending claims on the structure are rejected in the same transaction. */
  async approve(actor: Actor, structureId: string, claimId: string): Promise<ClaimView> {
    return this.decide(actor, structureId, claimId, 'approved');
  }

  async reject(actor: Actor, structureId: string, claimId: string): Promise<ClaimView> {
    return this.decide(actor, structureId, claimId, 'rejected');
  }

  private async decide(actor: Actor, structureId: string, claimId: string, status: 'approved' | 'rejected'): Promise<ClaimView> {
    if (actor.role !== 'admin') throw forbidden('Seul un administrateur peut traiter une revendication');
    return this.dataSource.transaction(async (manager) => {
      const structure = await this.structure(manager, structureId, true);
      if (!UUID.test(claimId)) throw notFound('Demande introuvable');
      const claim = await manager.findOneBy(StructureClaimEntity, { id: claimId, structureId });
      if (!claim) throw notFound('Demande introuvable');
      if (claim.status !== 'pending') throw new ProblemException(409, `Cette demande a déjà été traitée (${claim.status})`);
      const now = new Date();
      if (status === 'approved') {
        if (structure.ownerId) throw new ProblemException(409, 'Cette structure a déjà un propriétaire');
        structure.ownerId = claim.accountId;
        await manager.save(structure);
        await manager.update(
          StructureClaimEntity,
          { structureId, status: 'pending', id: Not(claim.id) },
          { status: 'rejected', decidedAt: now, decidedBy: actor.id },
        );
        await enqueueStructureIndexing(manager, structure.id);
      }
      claim.status = status;
      claim.decidedAt = now;
      claim.decidedBy = actor.id;
      return toClaimView(await manager.save(claim));
    });
  }

  private async structure(manager: EntityManager, id: string, forUpdate = false): Promise<StructureEntity> {
    if (!UUID.test(id)) throw notFound('Structure introuvable');
    const structure = await manager.findOne(StructureEntity, { where: { id }, ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!structure) throw notFound('Structure introuvable');
    return structure;
  }
}

function toClaimView(claim: StructureClaimEntity): ClaimView {
  return {
    id: claim.id,
    structureId: claim.structureId,
    accountId: claim.accountId,
    status: claim.status,
    message: claim.message,
    createdAt: claim.createdAt.toISOString(),
    decidedAt: claim.decidedAt ? claim.decidedAt.toISOString() : null,
  };
}
