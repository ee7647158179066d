// Publication alerts, off the request path. Publishing a tender marks it alerts_status = 'pending' in
// the same update (an outbox); the worker's sweep takes one pending tender at a time FOR UPDATE SKIP
// LOCKED, finds who to tell, writes the notifications (in-app + e-mail outbox) and marks it done, all in
// one transaction. tender_alerts (tender, account) is the ledger: an account is told at most once per
// tender, whatever retries, crashes or concurrent workers happen.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { alertRecipients, tenderMatchesProfile, type AlertCandidate, type AlertProfileCriteria } from '@app/domain';
import { NotificationsService } from '@app/bids';
import type { TenderEntity, TenderLotEntity } from '@app/persistence';
import { CandidatesService, TendersService } from '@app/tenders';
import { signLink } from './signed-links';

const SYSTEM = { id: 'system', role: 'admin' };
/** A tender with more lots than this is rare; the ranking window grows ×4 up to this many rounds. */
const WINDOW_ROUNDS = 3;

export interface FanoutResult {
  tenderId: string;
  candidateAlerts: number;
  profileAlerts: number;
  queuedForDigest: number;
}

const frDate = (d: Date | null) => (d ? d.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' }) : 'non précisée');

@Injectable()
export class AlertFanout {
  private readonly logger = new Logger('AlertFanout');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenders: TendersService,
    private readonly candidates: CandidatesService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Announces every pending publication (one transaction each), then sends the daily digests that are due. */
  async sweep(): Promise<{ tenders: FanoutResult[]; digests: number }> {
    const tenders: FanoutResult[] = [];
    for (;;) {
      const result = await this.announceNext();
      if (!result) break;
      tenders.push(result);
    }
    return { tenders, digests: await this.sendDigests() };
  }

  /** Takes one pending tender (skipping those another worker holds) and announces it; null when none is left. */
  async announceNext(): Promise<FanoutResult | null> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `SELECT id FROM tenders WHERE alerts_status = 'pending' ORDER BY published_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!row) return null;
      const result = await this.announce(manager, row.id as string);
      await manager.query(`UPDATE tenders SET alerts_status = 'done', alerts_done_at = now() WHERE id = $1`, [row.id]);
      return result;
    });
  }

  private async announce(manager: EntityManager, tenderId: string): Promise<FanoutResult> {
    const { tender, lots } = await this.tenders.load(tenderId, SYSTEM);
    const result: FanoutResult = { tenderId, candidateAlerts: 0, profileAlerts: 0, queuedForDigest: 0 };
    if (tender.status !== 'published') return result; // closed before the worker came: nothing to announce
    const link = `/appels-d-offres/lien/${signLink(this.config.jwtSecret, 'tender-view', tenderId)}`;
    const buyer = tender.buyer?.name ?? 'Un acheteur';

    // 1. Owners of the best candidates of each lot.
    const unsubscribed = new Set<string>(
      (await manager.query(`SELECT id FROM accounts WHERE alerts_unsubscribed_at IS NOT NULL`)).map((r: { id: string }) => r.id),
    );
    const recipients = alertRecipients(await this.lotCandidates(tender, lots), this.config.alerts.perLot, unsubscribed);
    const names = await this.structureNames(manager, [...recipients.values()].flat());
    const place = tender.executionCommuneCode ? this.communeName(tender.executionCommuneCode) : 'un lieu précisé dans l’avis';
    const told = await this.alertOnce(manager, tender, link, [...recipients].map(([accountId, structureIds]) => ({
      accountId,
      structureIds,
      body:
        `${buyer} a publié « ${tender.title} » (${lotsLine(lots)}), exécuté à ${place}. ` +
        `${structureIds.length > 1 ? 'Vos structures' : 'Votre structure'} ${structureIds.map((id) => `« ${names.get(id)} »`).join(', ')} ${structureIds.length > 1 ? 'font' : 'fait'} partie des mieux placées pour y répondre. ` +
        `Date limite de réponse : ${frDate(tender.responseDeadline)}.\n` +
        `Dites à l’acheteur si vous êtes intéressé : ouvrez l’appel d’offres puis « Répondre à l’acheteur ».`,
    })));
    result.candidateAlerts = told.size;

    // 2. Saved searches: at once, or kept for the daily digest.
    const facts = {
      department: tender.executionDepartment,
      region: tender.executionRegion,
      lots: lots.map((l) => ({ sectors: l.effectiveSectors, reservation: l.reservation })),
    };
    const profiles: (AlertProfileCriteria & { id: string; account_id: string; name: string; frequency: string })[] = await manager.query(
      `SELECT p.id, p.account_id, p.name, p.frequency, p.sectors, p.departments, p.regions, p.kinds, p.reservations
         FROM alert_profiles p JOIN accounts a ON a.id = p.account_id
        WHERE a.alerts_unsubscribed_at IS NULL
          AND ((p.departments = '{}' AND p.regions = '{}') OR $1 = ANY(p.departments) OR $2 = ANY(p.regions))
        ORDER BY p.created_at, p.id`,
      [facts.department, facts.region],
    );
    const matching = profiles.filter((profile) => tenderMatchesProfile(profile, facts));
    const daily = matching.filter((p) => p.frequency === 'daily').map((p) => p.id);
    if (daily.length) {
      await manager.query(`INSERT INTO alert_profile_matches (profile_id, tender_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`, [daily, tenderId]);
    }
    result.queuedForDigest = daily.length;
    // An account with several matching profiles is told once, naming its first one.
    const immediate = new Map<string, string>();
    for (const p of matching) if (p.frequency === 'immediate' && !immediate.has(p.account_id)) immediate.set(p.account_id, p.name);
    const toldByProfile = await this.alertOnce(manager, tender, link, [...immediate].map(([accountId, profileName]) => ({
      accountId,
      structureIds: [],
      body: `${buyer} a publié « ${tender.title} » (${lotsLine(lots)}), qui correspond à votre alerte « ${profileName} ». Date limite de réponse : ${frDate(tender.responseDeadline)}.`,
    })));
    result.profileAlerts = toldByProfile.size;
    return result;
  }

  /**
   * One notification per account and day listing the tenders its daily profiles matched (those it was not
   * already told about, still open). A digest is due 24 h after the previous one (or the profile's creation).
   */
  async sendDigests(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due: { account_id: string; profile_ids: string[] }[] = await manager.query(
        `SELECT p.account_id, array_agg(DISTINCT p.id) AS profile_ids
           FROM alert_profiles p JOIN alert_profile_matches m ON m.profile_id = p.id
          WHERE p.frequency = 'daily' AND m.notified_at IS NULL
            AND COALESCE(p.last_digest_at, p.created_at) <= $1::timestamptz - interval '1 day'
          GROUP BY p.account_id`,
        [now.toISOString()],
      );
      let sent = 0;
      for (const { account_id: accountId, profile_ids: profileIds } of due) {
        const matched: { id: string; title: string; deadline: Date | null }[] = await manager.query(
          `SELECT t.id, t.title, t.response_deadline AS deadline
             FROM alert_profile_matches m JOIN tenders t ON t.id = m.tender_id
            WHERE m.profile_id = ANY($1::uuid[]) AND m.notified_at IS NULL AND t.status = 'published'
              AND NOT EXISTS (SELECT 1 FROM tender_alerts a WHERE a.tender_id = t.id AND a.account_id = $2)
            ORDER BY t.published_at, t.id
            FOR UPDATE OF m SKIP LOCKED`,
          [profileIds, accountId],
        );
        // Two profiles of the account may match one tender: listed once.
        const rows = matched.filter((row, i) => matched.findIndex((r) => r.id === row.id) === i);
        await manager.query(`UPDATE alert_profile_matches SET notified_at = $2 WHERE profile_id = ANY($1::uuid[]) AND notified_at IS NULL`, [profileIds, now]);
        await manager.query(`UPDATE alert_profiles SET last_digest_at = $2 WHERE id = ANY($1::uuid[])`, [profileIds, now]);
        const fresh = [];
        for (const row of rows) if (await this.claimAlert(manager, row.id, accountId, [])) fresh.push(row);
        if (!fresh.length) continue;
        await this.notifications.notify(manager, [accountId], {
          type: 'TENDER_DIGEST',
          bidId: null,
          title: `${fresh.length} nouvel(s) appel(s) d’offres pour vos alertes`,
          body:
            'Publiés depuis votre dernier récapitulatif :\n' +
            fresh.map((t) => `- « ${t.title} » (réponse avant le ${frDate(t.deadline)}) : ${this.config.publicUrl}/appels-d-offres/lien/${signLink(this.config.jwtSecret, 'tender-view', t.id)}`).join('\n'),
          link: '/alertes',
          unsubscribe: this.unsubscribePath(accountId),
        });
        sent += 1;
      }
      return sent;
    });
  }

  /**
   * Candidates of each lot, best first, as the candidates API ranks them. The ranking is cut to a window
   * (demo and unowned rows are skipped afterwards), widened while a lot lacks `perLot` usable candidates.
   */
  private async lotCandidates(tender: TenderEntity, lots: TenderLotEntity[]): Promise<AlertCandidate[][]> {
    if (!lots.length) return [];
    let place;
    try {
      place = this.candidates.placeOf(tender);
    } catch {
      this.logger.warn(`Tender ${tender.id} has no located place: no candidate is alerted`);
      return [];
    }
    const perLot = this.config.alerts.perLot;
    const targets = lots.map((lot) => this.candidates.lotTarget(tender, lot));
    let window: number | undefined = perLot * 4;
    for (let round = 0; ; round++) {
      const ranked = await this.candidates.rank(place, targets, window === undefined ? {} : { limit: window });
      const facts = await this.ownership(ranked.flat().map((c) => c.structure.id));
      const lists = ranked.map((list) => list.map((c): AlertCandidate => ({ structureId: c.structure.id, ...(facts.get(c.structure.id) ?? { ownerId: null, demo: true }) })));
      const short = lists.some((list) => list.length === window && list.filter((c) => !c.demo && c.ownerId).length < perLot);
      if (!short || window === undefined) return lists;
      window = round + 1 < WINDOW_ROUNDS ? window * 4 : undefined;
    }
  }

  private async ownership(ids: string[]): Promise<Map<string, { ownerId: string | null; demo: boolean }>> {
    if (!ids.length) return new Map();
    const rows: { id: string; owner_id: string | null; demo: boolean }[] = await this.dataSource.query(
      `SELECT id, owner_id, source = 'demo' AS demo FROM structures WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, { ownerId: r.owner_id, demo: r.demo }]));
  }

  private async structureNames(manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows: { id: string; name: string }[] = await manager.query(`SELECT id, name FROM structures WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Records each account in the ledger and notifies those not told about the tender before; returns them. */
  private async alertOnce(manager: EntityManager, tender: TenderEntity, link: string, entries: { accountId: string; structureIds: string[]; body: string }[]): Promise<Set<string>> {
    const told = await this.claimAlerts(manager, tender.id, entries);
    await this.notifications.notifyEach(
      manager,
      entries
        .filter((e) => told.has(e.accountId))
        .map((e) => ({
          accountId: e.accountId,
          notification: { type: 'TENDER_ALERT' as const, bidId: null, tenderId: tender.id, title: `Nouvel appel d’offres : ${tender.title}`, body: e.body, link, unsubscribe: this.unsubscribePath(e.accountId) },
        })),
    );
    return told;
  }

  /** The ledger, for many accounts at once: those not told about the tender yet (and now are). */
  private async claimAlerts(manager: EntityManager, tenderId: string, entries: { accountId: string; structureIds: string[] }[]): Promise<Set<string>> {
    if (!entries.length) return new Set();
    const rows: { account_id: string }[] = await manager.query(
      `INSERT INTO tender_alerts (tender_id, account_id, structure_ids)
       SELECT $1, r."accountId", r."structureIds" FROM jsonb_to_recordset($2::jsonb) AS r("accountId" uuid, "structureIds" uuid[])
       ON CONFLICT DO NOTHING RETURNING account_id`,
      [tenderId, JSON.stringify(entries.map((e) => ({ accountId: e.accountId, structureIds: `{${e.structureIds.join(',')}}` })))],
    );
    return new Set(rows.map((r) => r.account_id));
  }

  private unsubscribePath(accountId: string): string {
    return `/alertes/desabonnement/${signLink(this.config.jwtSecret, 'unsubscribe', accountId)}`;
  }

  /** The ledger: true when the account had not been told about the tender yet (and now is). */
  private async claimAlert(manager: EntityManager, tenderId: string, accountId: string, structureIds: string[]): Promise<boolean> {
    const rows = await manager.query(
      `INSERT INTO tender_alerts (tender_id, account_id, structure_ids) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING account_id`,
      [tenderId, accountId, structureIds],
    );
    return rows.length > 0;
  }

  private communeName(code: string): string {
    return this.tenders.reference.commune(code)?.name ?? code;
  }
}

function lotsLine(lots: readonly TenderLotEntity[]): string {
  return lots.length === 1 ? `1 lot : ${lots[0].title}` : `${lots.length} lots : ${lots.map((l) => `${l.number}. ${l.title}`).join(' ; ')}`;
}
