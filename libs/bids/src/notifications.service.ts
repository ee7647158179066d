// In-app notifications, one list per account. Written in the transaction of the change they tell about
// (so a refused request notifies nobody); when SMTP is configured each row is also an e-mail outbox entry
// that the worker delivers later (./mail), never during the request.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { notFound } from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { NotificationEntity } from '@app/persistence';
import { isUuid } from './bid.store';
import type { BidCaller } from './bid.types';

export const NOTIFICATION_TYPES = [
  'BID_INVITATION',
  'BID_ANSWERED',
  'BID_UPDATED',
  'BID_MEMBER_REMOVED',
  'BID_SUBMITTED',
  'BID_SUBSTITUTION',
  'STRUCTURE_CLAIM',
  'ACCOUNT_SECURITY',
  // The marketplace loop (issue 15).
  'TENDER_ALERT',
  'TENDER_DIGEST',
  'TENDER_INTEREST',
  'PARTNER_CONTACT',
  'PARTNER_CONTACT_ANSWERED',
  'FAVOURITE_LIST_SHARED',
  'TENDER_DEADLINE',
  // Insertion hours followed up after award (issue 16).
  'AWARD',
  'HOURS_DECLARED',
  'HOURS_REMINDER',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface NewNotification {
  type: NotificationType;
  bidId: string | null;
  title: string;
  body: string;
  tenderId?: string | null;
  /** Path of the page the notification leads to (under PUBLIC_URL in e-mails); default: the groupement or the notifications. */
  link?: string | null;
  /** Path of a page that stops this kind of e-mail (alerts). */
  unsubscribe?: string | null;
}

export interface NotificationView {
  id: string;
  type: string;
  bidId: string | null;
  tenderId: string | null;
  /** Where the notification leads (a path of the web app), when not the groupement. */
  link: string | null;
  title: string;
  body: string;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPage {
  total: number;
  /** Unread notifications of the account, whatever the filter. */
  unread: number;
  page: number;
  perPage: number;
  items: NotificationView[];
}

export function toNotificationView(n: NotificationEntity): NotificationView {
  return {
    id: n.id,
    type: n.type,
    bidId: n.bidId,
    tenderId: n.tenderId,
    link: n.linkUrl,
    title: n.title,
    body: n.body,
    read: n.readAt !== null,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Notifies each account once (null ids, e.g. unclaimed structures, are skipped). */
  async notify(manager: EntityManager, accountIds: readonly (string | null)[], notification: NewNotification): Promise<void> {
    const recipients = [...new Set(accountIds.filter((id): id is string => !!id))];
    if (!recipients.length) return;
    await manager.query(
      `INSERT INTO notifications (account_id, type, bid_id, title, body, email_status, email_next_at, tender_id, link_url, unsubscribe_url)
       SELECT id, $2, $3, $4, $5, $6, now(), $7, $8, $9 FROM unnest($1::uuid[]) AS id`,
      [recipients, ...this.columns(notification)],
    );
  }

  /** One notification per account, each its own text (e.g. publication alerts naming each owner's structures), in one statement. */
  async notifyEach(manager: EntityManager, entries: readonly { accountId: string; notification: NewNotification }[]): Promise<void> {
    if (!entries.length) return;
    const rows = entries.map(({ accountId, notification }) => {
      const [type, bidId, title, body, emailStatus, tenderId, link, unsubscribe] = this.columns(notification);
      return { accountId, type, bidId, title, body, emailStatus, tenderId, link, unsubscribe };
    });
    await manager.query(
      `INSERT INTO notifications (account_id, type, bid_id, title, body, email_status, email_next_at, tender_id, link_url, unsubscribe_url)
       SELECT r."accountId", r.type, r."bidId", r.title, r.body, r."emailStatus", now(), r."tenderId", r.link, r.unsubscribe
         FROM jsonb_to_recordset($1::jsonb) AS r("accountId" uuid, type text, "bidId" uuid, title text, body text, "emailStatus" text, "tenderId" uuid, link text, unsubscribe text)`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * An e-mail to an address that has no account (e.g. the public contact of a structure nobody owns):
   * an outbox row with no in-app side. Returns false when no SMTP is configured (nothing can be sent).
   */
  async notifyAddress(manager: EntityManager, email: string, notification: NewNotification): Promise<boolean> {
    if (!this.config.smtpUrl) return false;
    await manager.query(
      `INSERT INTO notifications (email_to, type, bid_id, title, body, email_status, email_next_at, tender_id, link_url, unsubscribe_url)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9)`,
      [email, ...this.columns(notification)],
    );
    return true;
  }

  /** Whether e-mails can be sent at all (SMTP configured). */
  get emailEnabled(): boolean {
    return !!this.config.smtpUrl;
  }

  private columns(n: NewNotification): unknown[] {
    return [n.type, n.bidId, n.title, n.body, this.config.smtpUrl ? 'pending' : 'none', n.tenderId ?? null, n.link ?? null, n.unsubscribe ?? null];
  }

  async list(caller: BidCaller, query: { unread?: boolean; page?: number; perPage?: number }): Promise<NotificationPage> {
    const page = query.page ?? 1;
    const perPage = query.perPage ?? 20;
    const repository = this.dataSource.getRepository(NotificationEntity);
    const where = query.unread ? { accountId: caller.id, readAt: IsNull() } : { accountId: caller.id };
    const [items, total] = await repository.findAndCount({ where, order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * perPage, take: perPage });
    return { total, unread: await this.unreadCount(caller), page, perPage, items: items.map(toNotificationView) };
  }

  /** One indexed count: every page header shows it. */
  unreadCount(caller: BidCaller): Promise<number> {
    return this.dataSource.getRepository(NotificationEntity).count({ where: { accountId: caller.id, readAt: IsNull() } });
  }

  /** Only the account's own notifications: any other id is unknown (404). Reading twice keeps the first time. */
  async markRead(caller: BidCaller, id: string): Promise<NotificationView> {
    if (!isUuid(id)) throw notFound('Notification introuvable');
    const [rows] = await this.dataSource.query(
      `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND account_id = $2 RETURNING id`,
      [id, caller.id],
    );
    if (!rows?.length) throw notFound('Notification introuvable');
    return toNotificationView(await this.dataSource.getRepository(NotificationEntity).findOneByOrFail({ id }));
  }

  async markAllRead(caller: BidCaller): Promise<{ updated: number }> {
    const [, updated] = await this.dataSource.query(`UPDATE notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL`, [caller.id]);
    return { updated: updated ?? 0 };
  }
}
