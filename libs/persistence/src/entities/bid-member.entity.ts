import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Assignment, BidMemberStatus } from '@app/domain';

/** A structure invited to a bid, its answer, and the work it takes (assignments of the bid's lots). */
@Entity('bid_members')
export class BidMemberEntity {
  @PrimaryColumn({ name: 'bid_id', type: 'uuid' }) bidId: string;
  @PrimaryColumn({ name: 'structure_id', type: 'uuid' }) structureId: string;
  /** Display order: the lead first, then invitations in order. */
  @Column({ type: 'integer' }) position: number;
  @Column({ type: 'text' }) status: BidMemberStatus;
  @Column({ type: 'jsonb', default: () => "'[]'" }) assignments: Assignment[];
  @Column({ name: 'invited_by', type: 'uuid' }) invitedBy: string;
  @Column({ name: 'invited_at', type: 'timestamptz' }) invitedAt: Date;
  @Column({ name: 'answered_by', type: 'uuid', nullable: true }) answeredBy: string | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
}
