import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** none: in-app only (no SMTP configured); pending: waiting for the worker; sent; failed: attempts exhausted. */
export type EmailStatus = 'none' | 'pending' | 'sent' | 'failed';

/**
 * An in-app notification of one account, and the outbox row of its e-mail: written in the transaction of
 * the change it tells about, delivered later by the worker (a slow SMTP never holds a request).
 */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'account_id', type: 'uuid' }) accountId: string;
  @Column({ type: 'text' }) type: string;
  @Column({ name: 'bid_id', type: 'uuid', nullable: true }) bidId: string | null;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true }) readAt: Date | null;
  @Column({ name: 'email_status', type: 'text', default: 'none' }) emailStatus: EmailStatus;
  @Column({ name: 'email_attempts', type: 'integer', default: 0 }) emailAttempts: number;
  @Column({ name: 'email_next_at', type: 'timestamptz', nullable: true }) emailNextAt: Date | null;
  @Column({ name: 'email_sent_at', type: 'timestamptz', nullable: true }) emailSentAt: Date | null;
  @Column({ name: 'email_error', type: 'text', nullable: true }) emailError: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
