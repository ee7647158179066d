import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Transactional outbox of the search index: one row per (entity, id) that changed, written in the same
 * transaction as the change. The indexing job claims rows, reloads current state and confirms.
 */
@Entity('search_outbox')
export class SearchOutboxEntity {
  @PrimaryColumn({ type: 'text' }) entity: string;
  @PrimaryColumn({ name: 'entity_id', type: 'uuid' }) entityId: string;
  /** Bumped at each change, so a row changed while being indexed is not marked done by the older pass. */
  @Column({ type: 'bigint' }) revision: string;
  @Column({ name: 'enqueued_at', type: 'timestamptz' }) enqueuedAt: Date;
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true }) claimedAt: Date | null;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
}
