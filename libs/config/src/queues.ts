// Queue names and job payloads: the contract between the API (producer) and the worker (consumer).
export const QUEUES = {
  matching: 'matching',
  searchIndex: 'search-index',
  mail: 'mail',
  alerts: 'alerts',
  purchaseAnalysis: 'purchase-analysis',
} as const;

/** Jobs carry ids only: the worker rereads current state from PostgreSQL. */
export interface MatchingJob {
  runId: string;
}

export interface SearchIndexJob {
  /** Outbox rows to process; empty = claim whatever is pending. */
  outboxIds?: string[];
}

/** Mail jobs only nudge the worker: it drains the notifications e-mail outbox in PostgreSQL. */
export type MailJob = Record<string, never>;

/** Alert jobs only nudge the worker: it reads the tenders waiting for their publication alerts in PostgreSQL. */
export type AlertsJob = Record<string, never>;
/** Advise the lines of one uploaded purchase plan (issue 16). */
export interface PurchaseAnalysisJob {
  analysisId: string;
}
