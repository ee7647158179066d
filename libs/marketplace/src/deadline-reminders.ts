// Response deadlines come fast: a few days before a published tender closes, the structures that said they were
// interested and the members of a groupement still being formed for it are reminded, once (ledger
// tender_deadline_reminders), in-app and by e-mail through the outbox. Run by the worker's periodic sweep.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsService } from '@app/bids';

/** How long before the deadline the reminder goes: three days leave time to finish a bid, even over a weekend. */
export const DEADLINE_REMINDER_HOURS = 72;

const deadlineText = (d: Date) => d.toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

interface DueReminder {
  tender_id: string;
  account_id: string;
  forming: boolean;
  title: string;
  response_deadline: Date;
}

@Injectable()
export class DeadlineReminders {
  constructor(
    private readonly dataSource: DataSource,
    private readonly notifications: NotificationsService,
  ) {}

  /** Reminds whoever is due a reminder and was not reminded yet; returns how many accounts were told. */
  async sendDue(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due: DueReminder[] = await manager.query(
        `WITH due AS (
           SELECT id, title, response_deadline FROM tenders
            WHERE status = 'published' AND response_deadline > $1 AND response_deadline <= $1 + make_interval(hours => $2)
         ), recipients AS (
           SELECT i.tender_id, i.account_id, false AS forming
             FROM tender_interests i JOIN due ON due.id = i.tender_id
            WHERE i.status = 'interested'
           UNION ALL
           SELECT b.tender_id, s.owner_id, true
             FROM bids b JOIN due ON due.id = b.tender_id
             JOIN bid_members m ON m.bid_id = b.id AND m.status = 'accepted'
             JOIN structures s ON s.id = m.structure_id
            WHERE b.status = 'forming' AND s.owner_id IS NOT NULL
         ), grouped AS (
           SELECT tender_id, account_id, bool_or(forming) AS forming FROM recipients GROUP BY tender_id, account_id
         ), inserted AS (
           INSERT INTO tender_deadline_reminders (tender_id, account_id) SELECT tender_id, account_id FROM grouped
           ON CONFLICT DO NOTHING RETURNING tender_id, account_id
         )
         SELECT i.tender_id, i.account_id, g.forming, due.title, due.response_deadline
           FROM inserted i JOIN grouped g USING (tender_id, account_id) JOIN due ON due.id = i.tender_id`,
        [now, DEADLINE_REMINDER_HOURS],
      );
      await this.notifications.notifyEach(
        manager,
        due.map((r) => ({
          accountId: r.account_id,
          notification: {
            type: 'TENDER_DEADLINE',
            bidId: null,
            tenderId: r.tender_id,
            link: `/appels-d-offres/${r.tender_id}`,
            title: `Date limite proche : ${r.title}`,
            body: r.forming
              ? `Les réponses à « ${r.title} » sont attendues avant le ${deadlineText(r.response_deadline)}. Votre groupement n’est pas encore déposé : vérifiez-le et déposez-le avant cette date.`
              : `Les réponses à « ${r.title} », qui vous intéresse, sont attendues avant le ${deadlineText(r.response_deadline)}.`,
          },
        })),
      );
      return due.length;
    });
  }
}
