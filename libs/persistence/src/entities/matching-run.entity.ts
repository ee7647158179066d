import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { GroupForm } from '@app/domain';

export type MatchingRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What the requester asked, after defaults (lots resolved by the worker when absent). */
export interface MatchingRunParams {
  lots?: number[];
  anchorStructureId?: string;
  maxMembers: number;
  forms: GroupForm[];
  topK: number;
  /** Let generated demo structures take part (off unless asked: they never compete with real ones). */
  includeDemo?: boolean;
}

/** One request for GME proposals on a tender: persisted first, then queued; the worker owns it until it ends. */
@Entity('matching_runs')
export class MatchingRunEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tender_id', type: 'uuid' }) tenderId: string;
  @Column({ name: 'requested_by', type: 'uuid' }) requestedBy: string;
  @Column({ type: 'jsonb' }) params: MatchingRunParams;
  @Column({ type: 'text', default: 'queued' }) status: MatchingRunStatus;
  @Column({ type: 'real', default: 0 }) progress: number;
  /** Readable French message, set only when the run failed for good. */
  @Column({ type: 'text', nullable: true }) error: string | null;
  /** Attempts started by workers (BullMQ retries and stalled re-runs included). */
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'jsonb', default: () => "'[]'" }) explanations: string[];
  @Column({ type: 'jsonb', nullable: true }) stats: Record<string, unknown> | null;
  /** Last time the run was put (or tried to be put) on the queue: the sweeper re-enqueues old queued runs. */
  @Column({ name: 'enqueued_at', type: 'timestamptz' }) enqueuedAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
