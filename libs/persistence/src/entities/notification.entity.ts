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
  /** null for an e-mail to a bare address (`emailTo`), which has no in-app side. */
  @Column({ name: 'account_id', type: 'uuid', nullable: true }) accountId: string | null;
  @Column({ type: 'text' }) type: string;
  @Column({ name: 'bid_id', type: 'uuid', nullable: true }) bidId: string | null;
  @Column({ name: 'tender_id', type: 'uuid', nullable: true }) tenderId: string | null;
  /** Path of the page the notification leads to, when not the groupement. */
  @Column({ name: 'link_url', type: 'text', nullable: true }) linkUrl: string | null;
  @Column({ name: 'unsubscribe_url', type: 'text', nullable: true }) unsubscribeUrl: string | null;
  @Column({ name: 'email_to', type: 'text', nullable: true }) emailTo: string | null;
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
