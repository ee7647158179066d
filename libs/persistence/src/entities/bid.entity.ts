import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { GroupForm } from '@app/domain';

export const BID_STATUSES = ['forming', 'submitted'] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

/** A groupement answering some lots of a tender (issue 6). Frozen once submitted (V9). */
@Entity('bids')
export class BidEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tender_id', type: 'uuid' }) tenderId: string;
  /** The structure whose owner created the bid and alone may change it. */
  @Column({ name: 'lead_structure_id', type: 'uuid' }) leadStructureId: string;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'from_proposal_id', type: 'uuid', nullable: true }) fromProposalId: string | null;
  @Column({ type: 'text', default: 'forming' }) status: BidStatus;
  @Column({ type: 'integer', array: true }) lots: number[];
  @Column({ type: 'text' }) form: GroupForm;
  @Column({ name: 'mandataire_solidaire', type: 'boolean' }) mandataireSolidaire: boolean;
  /** Null only when no member is designated (V2 then refuses the submission). */
  @Column({ name: 'mandataire_structure_id', type: 'uuid', nullable: true }) mandataireStructureId: string | null;
  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true }) submittedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}
