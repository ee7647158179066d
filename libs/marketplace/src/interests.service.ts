// « Intéressé » / « pas intéressé »: a structure's owner answers a published tender (one answer per
// structure and tender, changeable until the deadline); the buyer reads the answers and is told at the
// 1st, 2nd, 5th and every 5th interested structure (domain interestMilestoneToAnnounce).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest, forbidden } from '@app/common';
import { interestMilestoneToAnnounce } from '@app/domain';
import { NotificationsService } from '@app/bids';
import type { InterestInput, InterestList, InterestView, MarketCaller } from './marketplace.types';
import { assertOpen, lotProblems, ownedStructure, visibleTender } from './market-access';

export const INTEREST_REASON_MAX = 1000;

const INTEREST_SQL = `
  SELECT i.tender_id, i.lots, i.status, i.reason, i.created_at, i.updated_at,
         s.id AS structure_id, s.siret, s.name, s.kind, s.department,
         COALESCE(NULLIF(s.contact->>'email', ''), a.email) AS contact_email
    FROM tender_interests i JOIN structures s ON s.id = i.structure_id JOIN accounts a ON a.id = i.account_id`;

@Injectable()
export class InterestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  async answer(tenderId: string, input: InterestInput, caller: MarketCaller): Promise<InterestView> {
    await this.dataSource.transaction(async (manager) => {
      // The tender row lock orders concurrent answers: each milestone is counted and announced once.
      const tender = await visibleTender(manager, tenderId, true);
      const structure = await ownedStructure(manager, input.structureId, caller);
      assertOpen(tender);
      const errors = lotProblems(input.lots, tender);
      const reason = input.reason?.trim() || null;
      if (reason && reason.length > INTEREST_REASON_MAX) errors.push({ field: 'reason', message: `${INTEREST_REASON_MAX} caractères au plus` });
      if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);
      await manager.query(
        `INSERT INTO tender_interests (tender_id, structure_id, account_id, lots, status, reason) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tender_id, structure_id) DO UPDATE SET account_id = $3, lots = $4, status = $5, reason = $6, updated_at = now()`,
        [tenderId, structure.id, caller.id, [...new Set(input.lots)].sort((a, b) => a - b), input.status, reason],
      );
      if (input.status !== 'interested') return;
      const [{ interested, announced }] = await manager.query(
        `SELECT (SELECT count(*)::int FROM tender_interests WHERE tender_id = $1 AND status = 'interested') AS interested,
                interest_announced AS announced FROM tenders WHERE id = $1`,
        [tenderId],
      );
      const milestone = interestMilestoneToAnnounce(interested, announced);
      if (milestone === null) return;
      await manager.query(`UPDATE tenders SET interest_announced = $2 WHERE id = $1`, [tenderId, milestone]);
      await this.notifications.notify(manager, [tender.ownerId], {
        type: 'TENDER_INTEREST',
        bidId: null,
        tenderId,
        title: milestone === 1 ? `Une première structure est intéressée par « ${tender.title} »` : `${milestone} structures sont intéressées par « ${tender.title} »`,
        body: `« ${structure.name} » vient de se dire intéressée par votre appel d’offres « ${tender.title} ». ${milestone} structure(s) intéressée(s) à ce jour : consultez la liste et leurs coordonnées.`,
        link: `/appels-d-offres/${tenderId}/interets`,
      });
    });
    const [row] = await this.dataSource.query(`${INTEREST_SQL} WHERE i.tender_id = $1 AND i.structure_id = $2`, [tenderId, input.structureId]);
    return toInterestView(row);
  }

  /** Every answer, interested first, for the tender's buyer (and admins) only. */
  async list(tenderId: string, caller: MarketCaller, status?: InterestView['status']): Promise<InterestList> {
    const tender = await visibleTender(this.dataSource.manager, tenderId);
    if (tender.ownerId !== caller.id && caller.role !== 'admin') throw forbidden('Seul l’acheteur de cet appel d’offres voit les réponses des structures');
    const rows = await this.dataSource.query(
      `${INTEREST_SQL} WHERE i.tender_id = $1 AND ($2::text IS NULL OR i.status = $2) ORDER BY i.status, i.updated_at DESC, s.name`,
      [tenderId, status ?? null],
    );
    const [counts] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'interested')::int AS interested, count(*) FILTER (WHERE status = 'not_interested')::int AS "notInterested", count(*)::int AS total
         FROM tender_interests WHERE tender_id = $1`,
      [tenderId],
    );
    return { tenderId, counts, items: rows.map(toInterestView) };
  }

  /** The caller's own answers on the tender (one per structure of theirs). */
  async mine(tenderId: string, caller: MarketCaller): Promise<InterestView[]> {
    await visibleTender(this.dataSource.manager, tenderId);
    const rows = await this.dataSource.query(`${INTEREST_SQL} WHERE i.tender_id = $1 AND s.owner_id = $2 ORDER BY s.name`, [tenderId, caller.id]);
    return rows.map(toInterestView);
  }
}

function toInterestView(r: Record<string, unknown>): InterestView {
  return {
    tenderId: r.tender_id as string,
    structure: {
      id: r.structure_id as string,
      siret: r.siret as string,
      name: r.name as string,
      kind: r.kind as string,
      department: (r.department as string | null) ?? null,
      contactEmail: (r.contact_email as string | null) ?? null,
    },
    lots: r.lots as number[],
    status: r.status as InterestView['status'],
    reason: (r.reason as string | null) ?? null,
    answeredAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}
