import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { GroupForm, MemberRole, StructureKind } from '@app/domain';

/** A member of a stored proposal, as the contract shows it (docs/api-contract.md, Matching runs). */
export interface ProposalMemberRecord {
  structureId: string;
  siret: string;
  name: string;
  kind: StructureKind;
  role: MemberRole;
  assignments: { lot: number; workPackage?: string; share: number }[];
  estimatedAmountEur: number;
  insertionHours: number;
  distanceKm: number | null;
}

/** One ranked GME proposal of a matching run. (run_id, rank) is unique. */
@Entity('proposals')
export class ProposalEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId: string;
  @Column({ type: 'integer' }) rank: number;
  @Column({ type: 'integer', array: true }) lots: number[];
  @Column({ type: 'text' }) form: GroupForm;
  @Column({ name: 'mandataire_solidaire', type: 'boolean' }) mandataireSolidaire: boolean;
  @Column({ type: 'jsonb' }) members: ProposalMemberRecord[];
  @Column({ type: 'jsonb' }) insertion: { requiredHours: number; coveredHours: number };
  @Column({ type: 'double precision' }) score: number;
  @Column({ name: 'score_breakdown', type: 'jsonb', default: () => "'{}'" }) scoreBreakdown: Record<string, number>;
  @Column({ type: 'jsonb', default: () => "'[]'" }) explanations: string[];
  @Column({ type: 'jsonb', default: () => "'[]'" }) warnings: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
