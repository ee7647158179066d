import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const BID_EVENT_TYPES = [
  'CREATED',
  'INVITED',
  'ACCEPTED',
  'DECLINED',
  'REMOVED',
  'UPDATED',
  'SUBMITTED',
  // A substitution after submission (V9): requested by the lead, answered by the incoming structure's owner,
  // decided by the tender's buyer, applied once both said yes.
  'SUBSTITUTION_REQUESTED',
  'SUBSTITUTION_ACCEPTED',
  'SUBSTITUTION_DECLINED',
  'SUBSTITUTION_AUTHORISED',
  'SUBSTITUTION_REFUSED',
  'SUBSTITUTED',
] as const;
export type BidEventType = (typeof BID_EVENT_TYPES)[number];

/** The bid's history, append-only: who did what, when, with the details of the change. */
@Entity('bid_events')
export class BidEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'bid_id', type: 'uuid' }) bidId: string;
  @Column({ type: 'text' }) type: BidEventType;
  @Column({ name: 'actor_id', type: 'uuid' }) actorId: string;
  /** The structure the event is about (invited, answering, removed, incoming), when there is one. */
  @Column({ name: 'structure_id', type: 'uuid', nullable: true }) structureId: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) details: Record<string, unknown>;
  /** clock_timestamp(): events written in one transaction keep their order. */
  @Column({ type: 'timestamptz' }) at: Date;
}
