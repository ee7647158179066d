// Alert profiles (saved searches) and the opt-out of publication alerts: the API side. The worker side
// (./alert-fanout) reads them when a tender is published.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest, notFound } from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { FieldError } from '@app/common';
import { isUuid } from '@app/bids';
import { ReferenceService } from '@app/reference';
import type { AlertProfileInput, AlertProfileView, MarketCaller } from './marketplace.types';
import { signLink, verifyLink } from './signed-links';

/** Per account: a handful of saved searches is what anyone needs, and it bounds each fan-out. */
export const MAX_ALERT_PROFILES = 20;

@Injectable()
export class AlertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(caller: MarketCaller, input: AlertProfileInput): Promise<AlertProfileView> {
    const errors = this.problems(input);
    if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM alert_profiles WHERE account_id = $1`, [caller.id]);
    if (count >= MAX_ALERT_PROFILES) throw badRequest(`${MAX_ALERT_PROFILES} alertes au plus par compte : supprimez-en une d’abord`, [{ field: 'name', message: 'trop d’alertes' }]);
    const [row] = await this.dataSource.query(
      `INSERT INTO alert_profiles (account_id, name, sectors, departments, regions, kinds, reservations, frequency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        caller.id,
        input.name.trim(),
        [...new Set(input.sectors ?? [])],
        // Stored as the reference writes them ("1" → "01"), since tenders carry those codes.
        [...new Set((input.departments ?? []).map((code) => this.reference.index.department(code)!.code))],
        [...new Set((input.regions ?? []).map((code) => this.reference.index.region(code)!.code))],
        [...new Set(input.kinds ?? [])],
        [...new Set(input.reservations ?? [])],
        input.frequency,
      ],
    );
    // Creating an alert is asking for alerts again.
    await this.dataSource.query(`UPDATE accounts SET alerts_unsubscribed_at = NULL WHERE id = $1`, [caller.id]);
    return toProfileView(row);
  }

  async list(caller: MarketCaller): Promise<{ items: AlertProfileView[]; candidateAlerts: boolean }> {
    const rows = await this.dataSource.query(`SELECT * FROM alert_profiles WHERE account_id = $1 ORDER BY created_at, id`, [caller.id]);
    const [account] = await this.dataSource.query(`SELECT alerts_unsubscribed_at FROM accounts WHERE id = $1`, [caller.id]);
    return { items: rows.map(toProfileView), candidateAlerts: !account?.alerts_unsubscribed_at };
  }

  /** Only the caller's own profiles: any other id is unknown (404). */
  async remove(caller: MarketCaller, id: string): Promise<void> {
    if (!isUuid(id)) throw notFound('Alerte introuvable');
    const [, deleted] = await this.dataSource.query(`DELETE FROM alert_profiles WHERE id = $1 AND account_id = $2`, [id, caller.id]);
    if (!deleted) throw notFound('Alerte introuvable');
  }

  /** Publication alerts for the account's structures on (true) or off. */
  async setCandidateAlerts(caller: MarketCaller, enabled: boolean): Promise<{ candidateAlerts: boolean }> {
    await this.dataSource.query(`UPDATE accounts SET alerts_unsubscribed_at = CASE WHEN $2 THEN NULL ELSE now() END WHERE id = $1`, [caller.id, enabled]);
    return { candidateAlerts: enabled };
  }

  /** The unsubscribe token of an e-mail: every alert of the account stops (publication alerts and profiles). */
  unsubscribeToken(accountId: string): string {
    return signLink(this.config.jwtSecret, 'unsubscribe', accountId);
  }

  /** What an unsubscribe link names, or null when the link is not valid. */
  async unsubscribeTarget(token: string): Promise<{ accountId: string; email: string; unsubscribed: boolean } | null> {
    const accountId = verifyLink(this.config.jwtSecret, 'unsubscribe', token);
    if (!accountId || !isUuid(accountId)) return null;
    const [row] = await this.dataSource.query(`SELECT email, alerts_unsubscribed_at FROM accounts WHERE id = $1`, [accountId]);
    return row ? { accountId, email: row.email, unsubscribed: !!row.alerts_unsubscribed_at } : null;
  }

  /** Follows an unsubscribe link: publication alerts off and saved searches removed. Idempotent. */
  async unsubscribe(token: string): Promise<{ email: string } | null> {
    const target = await this.unsubscribeTarget(token);
    if (!target) return null;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE accounts SET alerts_unsubscribed_at = COALESCE(alerts_unsubscribed_at, now()) WHERE id = $1`, [target.accountId]);
      await manager.query(`DELETE FROM alert_profiles WHERE account_id = $1`, [target.accountId]);
    });
    return { email: target.email };
  }

  private problems(input: AlertProfileInput): FieldError[] {
    const errors: FieldError[] = [];
    const index = this.reference.index;
    if (!input.name?.trim()) errors.push({ field: 'name', message: 'donnez un nom à cette alerte' });
    (input.sectors ?? []).forEach((code, i) => {
      if (!index.sector(code)) errors.push({ field: `sectors[${i}]`, message: `secteur inconnu : ${code}` });
    });
    (input.departments ?? []).forEach((code, i) => {
      if (!index.department(code)) errors.push({ field: `departments[${i}]`, message: `département inconnu : ${code}` });
    });
    (input.regions ?? []).forEach((code, i) => {
      if (!index.region(code)) errors.push({ field: `regions[${i}]`, message: `région inconnue : ${code}` });
    });
    return errors;
  }
}

function toProfileView(row: Record<string, unknown>): AlertProfileView {
  return {
    id: row.id as string,
    name: row.name as string,
    sectors: row.sectors as string[],
    departments: row.departments as string[],
    regions: row.regions as string[],
    kinds: row.kinds as AlertProfileView['kinds'],
    reservations: row.reservations as AlertProfileView['reservations'],
    frequency: row.frequency as AlertProfileView['frequency'],
    lastDigestAt: (row.last_digest_at as Date | null)?.toISOString() ?? null,
    createdAt: (row.created_at as Date).toISOString(),
  };
}
