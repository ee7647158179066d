// State transitions of a matching run. Every write is guarded by the run's current status so that a
// retried, duplicated or stalled-then-resumed job can never move a finished run or store proposals twice.
// (TypeORM answers UPDATE … RETURNING with [rows, count].)
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MatchingRunEntity } from '@app/persistence';
import type { ProposalView } from './matching-run.view';

/** A proposal as the worker stores it (contract shape minus the id). */
export type ProposalToStore = Omit<ProposalView, 'id'>;

export interface RunOutcome {
  proposals: ProposalToStore[];
  explanations: string[];
  stats: Record<string, unknown>;
}

@Injectable()
export class MatchingRunStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(values: Pick<MatchingRunEntity, 'tenderId' | 'requestedBy' | 'params'>): Promise<MatchingRunEntity> {
    const repository = this.dataSource.getRepository(MatchingRunEntity);
    return repository.save(repository.create({ ...values, status: 'queued', progress: 0, enqueuedAt: new Date() }));
  }

  /**
   * Claims the run for an attempt. Null when the run is gone or already finished (a duplicate job, or a
   * job re-added after the run ended): the caller then does nothing.
   */
  async markRunning(runId: string, attempt: number): Promise<MatchingRunEntity | null> {
    const [rows] = await this.dataSource.query(
      `UPDATE matching_runs SET status = 'running', progress = 0, error = NULL, started_at = now(),
              attempts = GREATEST(attempts, $2)
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING id`,
      [runId, attempt],
    );
    if (!rows?.length) return null;
    return this.dataSource.getRepository(MatchingRunEntity).findOneBy({ id: runId });
  }

  async setProgress(runId: string, progress: number): Promise<void> {
    await this.dataSource.query(`UPDATE matching_runs SET progress = $2 WHERE id = $1 AND status = 'running'`, [
      runId,
      Math.max(0, Math.min(1, progress)),
    ]);
  }

  /**
   * Stores the proposals and ends the run in one transaction. The run row is locked first, so two copies
   * of a job serialise here; the second finds the run succeeded and writes nothing. Delete-then-insert
   * under UNIQUE (run_id, rank) replaces what a crashed earlier attempt may have left.
   * Returns false when the run had already ended.
   */
  async succeed(runId: string, outcome: RunOutcome): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [run] = await manager.query(`SELECT status FROM matching_runs WHERE id = $1 FOR UPDATE`, [runId]);
      if (!run || (run.status !== 'queued' && run.status !== 'running')) return false;
      await manager.query(`DELETE FROM proposals WHERE run_id = $1`, [runId]);
      if (outcome.proposals.length) {
        await manager.query(
          `INSERT INTO proposals (run_id, rank, lots, form, mandataire_solidaire, members, insertion, score, score_breakdown, explanations, warnings)
           SELECT $1, p.rank, ARRAY(SELECT jsonb_array_elements_text(p.lots)::int), p.form, p.mandataire_solidaire,
                  p.members, p.insertion, p.score, p.score_breakdown, p.explanations, p.warnings
             FROM jsonb_to_recordset($2::jsonb) AS p(rank int, lots jsonb, form text, mandataire_solidaire boolean, members jsonb,
                  insertion jsonb, score double precision, score_breakdown jsonb, explanations jsonb, warnings jsonb)`,
          [
            runId,
            JSON.stringify(
              outcome.proposals.map((p) => ({
                rank: p.rank,
                lots: p.lots,
                form: p.form,
                mandataire_solidaire: p.mandataireSolidaire,
                members: p.members,
                insertion: p.insertion,
                score: p.score,
                score_breakdown: p.scoreBreakdown,
                explanations: p.explanations,
                warnings: p.warnings,
              })),
            ),
          ],
        );
      }
      await manager.query(
        `UPDATE matching_runs SET status = 'succeeded', progress = 1, error = NULL, explanations = $2, stats = $3, finished_at = now()
          WHERE id = $1`,
        [runId, JSON.stringify(outcome.explanations), JSON.stringify(outcome.stats)],
      );
      return true;
    });
  }

  /** Between two attempts (BullMQ backoff): waiting again, not failed. */
  async markRetrying(runId: string, failedAttempt: number): Promise<void> {
    // `attempts <= failedAttempt`: never touch a run whose next attempt has already started.
    await this.dataSource.query(
      `UPDATE matching_runs SET status = 'queued', progress = 0, enqueued_at = now()
        WHERE id = $1 AND status = 'running' AND attempts <= $2`,
      [runId, failedAttempt],
    );
  }

  /** Ends the run for good with a readable French message (attempts exhausted or nothing to retry). */
  async markFailed(runId: string, message: string, explanations?: string[]): Promise<boolean> {
    const [rows] = await this.dataSource.query(
      `UPDATE matching_runs SET status = 'failed', error = $2, finished_at = now(),
              explanations = COALESCE($3::jsonb, explanations)
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [runId, message, explanations ? JSON.stringify(explanations) : null],
    );
    return rows.length > 0;
  }

  /**
   * Claims unfinished runs the queue may have lost: queued ones not (re)enqueued for `olderThanMs`, and
   * running ones not started for `runningOlderThanMs`. Claiming bumps `enqueued_at` (SKIP LOCKED), so
   * several worker processes sweeping at once never pick the same run.
   */
  async claimForSweep(olderThanMs: number, runningOlderThanMs: number, limit = 100): Promise<{ id: string; status: string }[]> {
    const [rows] = await this.dataSource.query(
      `UPDATE matching_runs r SET enqueued_at = now()
         FROM (SELECT id FROM matching_runs
                WHERE (status = 'queued' AND enqueued_at <= now() - make_interval(secs => $1::double precision / 1000))
                   OR (status = 'running' AND enqueued_at <= now() - make_interval(secs => $2::double precision / 1000)
                                          AND started_at <= now() - make_interval(secs => $2::double precision / 1000))
                ORDER BY enqueued_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED) AS due
        WHERE r.id = due.id
        RETURNING r.id, r.status`,
      [olderThanMs, runningOlderThanMs, limit],
    );
    return rows ?? [];
  }
}
