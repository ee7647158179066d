import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type StructureClaimStatus = 'pending' | 'approved' | 'rejected';

/** A request to become the owner of a structure (unowned, or contested: owned by someone else); an admin decides. */
@Entity('structure_claims')
export class StructureClaimEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'structure_id', type: 'uuid' }) structureId: string;
  @Column({ name: 'account_id', type: 'uuid' }) accountId: string;
  @Column({ type: 'text', default: 'pending' }) status: StructureClaimStatus;
  @Column({ type: 'text', nullable: true }) message: string | null;
  /** The structure had another owner when claimed (its SIRET registered by someone else). */
  @Column({ type: 'boolean', default: false }) contested: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  /** Why the admin decided so (required for a rejection), shown to the claimant. */
  @Column({ name: 'decision_reason', type: 'text', nullable: true }) decisionReason: string | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy: string | null;
}
