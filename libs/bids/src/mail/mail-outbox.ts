// The worker's side of notification e-mails: notifications rows with email_status 'pending' are an outbox.
// A pass claims due rows with FOR UPDATE SKIP LOCKED (several workers never send one twice), leases them
// for a minute (a crashed pass is retried after that), sends each one and records the outcome; failures are
// retried with a growing delay, then given up ('failed') after MAX_EMAIL_ATTEMPTS.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';

export const MAX_EMAIL_ATTEMPTS = 5;
export const EMAIL_BATCH = 50;
/** A claimed row not settled within this lease is taken again by a later pass. */
export const EMAIL_LEASE_SECONDS = 60;
/** Socket timeouts: a slow or silent SMTP server fails the attempt instead of holding the worker. */
const SMTP_TIMEOUT_MS = 15_000;

interface ClaimedEmail {
  id: string;
  email: string;
  title: string;
  body: string;
  bidId: string | null;
  link: string | null;
  unsubscribe: string | null;
  /** true when sent to a bare address (no account). */
  direct: boolean;
  attempts: number;
}

/**
 * The e-mail text: the notification, a link (its own page, else the groupement, else the notifications),
 * why the reader gets it, and how to stop alerts when it is one.
 */
export function emailText(email: Pick<ClaimedEmail, 'body' | 'bidId'> & Partial<Pick<ClaimedEmail, 'link' | 'unsubscribe' | 'direct'>>, publicUrl: string): string {
  const link = email.link
    ? `Ouvrir : ${publicUrl}${email.link}`
    : email.bidId
      ? `Ouvrir le groupement : ${publicUrl}/groupements/${email.bidId}`
      : `Vos notifications : ${publicUrl}/notifications`;
  const why = email.direct
    ? 'vous recevez ce message parce que votre adresse est le contact public d’une structure ou vous a été confiée par l’expéditeur.'
    : 'vous recevez ce message parce que vous êtes propriétaire d’une structure concernée ou utilisateur du service.';
  const unsubscribe = email.unsubscribe ? `\nNe plus recevoir ces alertes : ${publicUrl}${email.unsubscribe}` : '';
  return `${email.body}\n\n${link}\n\n—\nMarché inclusif · ${why}${unsubscribe}`;
}

@Injectable()
export class MailOutbox implements OnApplicationShutdown {
  private readonly logger = new Logger('MailOutbox');
  private transporter?: Transporter;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sends what is due until nothing is left (bounded); without SMTP_URL there is never anything to send. */
  async drain(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    if (!this.config.smtpUrl) return { sent, failed };
    for (let pass = 0; pass < 20; pass++) {
      const claimed = await this.claim();
      if (!claimed.length) break;
      for (const email of claimed) {
        if (await this.send(email)) sent += 1;
        else failed += 1;
      }
    }
    return { sent, failed };
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  private claim(): Promise<ClaimedEmail[]> {
    return this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications n SET email_attempts = n.email_attempts + 1, email_next_at = now() + make_interval(secs => $1)
           FROM (SELECT id FROM notifications WHERE email_status = 'pending' AND email_next_at <= now()
                  ORDER BY email_next_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
          WHERE n.id = due.id
          RETURNING n.id, n.account_id, n.email_to, n.title, n.body, n.bid_id, n.link_url, n.unsubscribe_url, n.email_attempts)
       SELECT c.id, COALESCE(c.email_to, a.email) AS email, c.title, c.body, c.bid_id AS "bidId", c.link_url AS link, c.unsubscribe_url AS unsubscribe,
              c.account_id IS NULL AS direct, c.email_attempts AS attempts
         FROM claimed c LEFT JOIN accounts a ON a.id = c.account_id`,
      [EMAIL_LEASE_SECONDS, EMAIL_BATCH],
    );
  }

  private async send(email: ClaimedEmail): Promise<boolean> {
    try {
      this.transporter ??= createTransport(this.config.smtpUrl, {
        connectionTimeout: SMTP_TIMEOUT_MS,
        greetingTimeout: SMTP_TIMEOUT_MS,
        socketTimeout: SMTP_TIMEOUT_MS,
      } as object);
      await this.transporter.sendMail({ from: this.config.mailFrom, to: email.email, subject: email.title, text: emailText(email, this.config.publicUrl), ...(email.unsubscribe ? { headers: { 'List-Unsubscribe': `<${this.config.publicUrl}${email.unsubscribe}>` } } : {}) });
      await this.dataSource.query(`UPDATE notifications SET email_status = 'sent', email_sent_at = now(), email_error = NULL WHERE id = $1`, [email.id]);
      return true;
    } catch (error) {
      const message = (error as Error).message.slice(0, 500);
      const givenUp = email.attempts >= MAX_EMAIL_ATTEMPTS;
      // Retry after 5 s, 20 s, 45 s, 80 s…
      await this.dataSource.query(
        `UPDATE notifications SET email_status = $2, email_error = $3, email_next_at = now() + make_interval(secs => $4) WHERE id = $1`,
        [email.id, givenUp ? 'failed' : 'pending', message, 5 * email.attempts * email.attempts],
      );
      if (givenUp) this.logger.warn(`E-mail ${email.id} given up after ${email.attempts} attempts: ${message}`);
      return false;
    }
  }
}
