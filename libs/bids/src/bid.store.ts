// Reads and writes of bid rows that every operation shares. Each takes the transaction's manager so that
// locks (FOR UPDATE) and writes belong to the caller's transaction.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Assignment, BidMemberStatus, BidParticipation, StructureKind } from '@app/domain';
import { BidEntity, type BidEventType } from '@app/persistence';
import type { SubstitutionView } from './bid.types';

/** A member with the structure facts views and rules need. */
export interface MemberRow {
  structureId: string;
  position: number;
  status: BidMemberStatus;
  assignments: Assignment[];
  invitedAt: Date;
  answeredAt: Date | null;
  siret: string;
  name: string;
  kind: StructureKind;
  ownerId: string | null;
  annualRevenueEur: number | null;
}

export interface StructureFacts {
  id: string;
  siret: string;
  name: string;
  kind: StructureKind;
  ownerId: string | null;
  delisted: boolean;
}

export interface NewMember {
  structureId: string;
  position: number;
  status: BidMemberStatus;
  assignments: Assignment[];
  invitedBy: string;
}

/** A row of bid_substitutions: the view's fields, its instants as dates, and who answered (the rules need them). */
export type SubstitutionRow = Omit<SubstitutionView, 'createdAt' | 'decidedAt'> & {
  incomingOwnerId: string | null;
  incomingAnsweredBy: string | null;
  buyerDecidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
};

const SUBSTITUTION_SQL = `
  SELECT x.id, x.bid_id AS "bidId", x.outgoing_structure_id AS "outgoingStructureId", o.name AS "outgoingName",
         x.incoming_structure_id AS "incomingStructureId", i.name AS "incomingName", i.owner_id AS "incomingOwnerId",
         x.reason, x.status, x.incoming_answer AS "incomingAnswer", x.incoming_answered_by AS "incomingAnsweredBy",
         x.buyer_decision AS "buyerDecision", x.buyer_decided_by AS "buyerDecidedBy", x.decision_reason AS "decisionReason",
         x.created_at AS "createdAt", x.decided_at AS "decidedAt"
    FROM bid_substitutions x JOIN structures o ON o.id = x.outgoing_structure_id JOIN structures i ON i.id = x.incoming_structure_id`;

export interface NewEvent {
  bidId: string;
  type: BidEventType;
  actorId: string;
  structureId?: string | null;
  details?: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

@Injectable()
export class BidStore {
  /** The bid row; with `lock`, held FOR UPDATE until the transaction ends (every write takes it first). */
  bid(manager: EntityManager, id: string, lock = false): Promise<BidEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return manager.findOne(BidEntity, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async members(manager: EntityManager, bidId: string, lock = false): Promise<MemberRow[]> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT m.structure_id, m.position, m.status, m.assignments, m.invited_at, m.answered_at,
              s.siret, s.name, s.kind, s.owner_id, (s.capacity->>'annualRevenueEur')::float8 AS annual_revenue_eur
         FROM bid_members m JOIN structures s ON s.id = m.structure_id
        WHERE m.bid_id = $1
        ORDER BY m.position${lock ? ' FOR UPDATE OF m' : ''}`,
      [bidId],
    );
    return rows.map((r) => ({
      structureId: r.structure_id as string,
      position: r.position as number,
      status: r.status as BidMemberStatus,
      assignments: r.assignments as Assignment[],
      invitedAt: r.invited_at as Date,
      answeredAt: (r.answered_at as Date | null) ?? null,
      siret: r.siret as string,
      name: r.name as string,
      kind: r.kind as StructureKind,
      ownerId: (r.owner_id as string | null) ?? null,
      annualRevenueEur: (r.annual_revenue_eur as number | null) ?? null,
    }));
  }

  async structures(manager: EntityManager, ids: readonly string[]): Promise<Map<string, StructureFacts>> {
    const valid = [...new Set(ids.filter(isUuid))];
    if (!valid.length) return new Map();
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT id, siret, name, kind, owner_id, delisted_at IS NOT NULL AS delisted FROM structures WHERE id = ANY($1::uuid[])`,
      [valid],
    );
    return new Map(
      rows.map((r) => [
        r.id as string,
        { id: r.id as string, siret: r.siret as string, name: r.name as string, kind: r.kind as StructureKind, ownerId: (r.owner_id as string | null) ?? null, delisted: r.delisted as boolean },
      ]),
    );
  }

  async insertMembers(manager: EntityManager, bidId: string, members: readonly NewMember[]): Promise<void> {
    if (!members.length) return;
    await manager.query(
      `INSERT INTO bid_members (bid_id, structure_id, position, status, assignments, invited_by, invited_at, answered_by, answered_at)
       SELECT $1, m.structure_id, m.position, m.status, m.assignments, m.invited_by, now(),
              CASE WHEN m.status = 'accepted' THEN m.invited_by END, CASE WHEN m.status = 'accepted' THEN now() END
         FROM jsonb_to_recordset($2::jsonb) AS m(structure_id uuid, position int, status text, assignments jsonb, invited_by uuid)`,
      [
        bidId,
        JSON.stringify(members.map((m) => ({ structure_id: m.structureId, position: m.position, status: m.status, assignments: m.assignments, invited_by: m.invitedBy }))),
      ],
    );
  }

  async setAssignments(manager: EntityManager, bidId: string, byStructure: ReadonlyMap<string, Assignment[]>): Promise<void> {
    await manager.query(
      `UPDATE bid_members m
          SET assignments = COALESCE((SELECT a.assignments FROM jsonb_to_recordset($2::jsonb) AS a(structure_id uuid, assignments jsonb)
                                       WHERE a.structure_id = m.structure_id), '[]'::jsonb)
        WHERE m.bid_id = $1`,
      [bidId, JSON.stringify([...byStructure].map(([structureId, assignments]) => ({ structure_id: structureId, assignments })))],
    );
  }

  async record(manager: EntityManager, events: NewEvent | readonly NewEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events as NewEvent];
    for (const e of list) {
      await manager.query(`INSERT INTO bid_events (bid_id, type, actor_id, structure_id, details) VALUES ($1, $2, $3, $4, $5)`, [
        e.bidId,
        e.type,
        e.actorId,
        e.structureId ?? null,
        JSON.stringify(e.details ?? {}),
      ]);
    }
  }

  async insertSubstitution(manager: EntityManager, row: { bidId: string; outgoingStructureId: string; incomingStructureId: string; reason: string; requestedBy: string }): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO bid_substitutions (bid_id, outgoing_structure_id, incoming_structure_id, reason, requested_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [row.bidId, row.outgoingStructureId, row.incomingStructureId, row.reason, row.requestedBy],
    );
    return id;
  }

  /** One request of the bid; with `lock`, its row is held FOR UPDATE. */
  async substitution(manager: EntityManager, bidId: string, id: string, lock = false): Promise<SubstitutionRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await manager.query(`${SUBSTITUTION_SQL} WHERE x.id = $1 AND x.bid_id = $2${lock ? ' FOR UPDATE OF x' : ''}`, [id, bidId]);
    return row ?? null;
  }

  substitutions(manager: EntityManager, bidId: string): Promise<SubstitutionRow[]> {
    return manager.query(`${SUBSTITUTION_SQL} WHERE x.bid_id = $1 ORDER BY x.created_at, x.id`, [bidId]);
  }

  async updateSubstitution(
    manager: EntityManager,
    id: string,
    changes: Partial<{ status: string; incoming_answer: string; incoming_answered_by: string; buyer_decision: string; buyer_decided_by: string; decision_reason: string | null; decided_at: Date }>,
  ): Promise<void> {
    const keys = Object.keys(changes) as (keyof typeof changes)[];
    await manager.query(`UPDATE bid_substitutions SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...keys.map((k) => changes[k])]);
  }

  /** Bumps version and updated_at: every change of a bid goes through here (or sets them itself). */
  async touch(manager: EntityManager, bidId: string, changes: Partial<Pick<BidEntity, 'form' | 'mandataireSolidaire' | 'mandataireStructureId' | 'status' | 'submittedAt'>> = {}): Promise<void> {
    await manager.update(BidEntity, { id: bidId }, { ...changes, version: () => 'version + 1', updatedAt: () => 'now()' });
  }

  /**
   * Submitted bids of the tender, other than `bidId`, in which any of `structureIds` takes part (V3, V4).
   * Forming bids are drafts, not offers: they never count.
   */
  async otherSubmittedBids(manager: EntityManager, tenderId: string, bidId: string, structureIds: readonly string[]): Promise<BidParticipation[]> {
    const rows: { lots: number[]; mandataire: string | null; members: string[] }[] = await manager.query(
      `SELECT b.lots, b.mandataire_structure_id::text AS mandataire, array_agg(m.structure_id::text ORDER BY m.position) AS members
         FROM bids b JOIN bid_members m ON m.bid_id = b.id AND m.status <> 'declined'
        WHERE b.tender_id = $1 AND b.status = 'submitted' AND b.id <> $2
        GROUP BY b.id
       HAVING bool_or(m.structure_id = ANY($3::uuid[]))`,
      [tenderId, bidId, [...structureIds]],
    );
    return rows.map((r) => ({ lots: r.lots, mandataireStructureId: r.mandataire ?? '', memberStructureIds: r.members }));
  }
}
