// Producing matching jobs: shared by the API (right after persisting a run) and the worker's sweeper.
import { Queue, type JobsOptions } from 'bullmq';
import type { MatchingConfig, MatchingJob } from '@app/config';

export const MATCHING_JOB_NAME = 'match';

/** Bounded retries with exponential backoff; finished jobs are trimmed (the run row is the record). */
export function matchingJobOptions(config: MatchingConfig, runId: string): JobsOptions {
  return {
    // jobId = runId: BullMQ ignores a second add of a job that still exists, so the API and the
    // sweeper may both enqueue the same run without running it twice.
    jobId: runId,
    attempts: config.attempts,
    backoff: { type: 'exponential', delay: config.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export type EnqueueOutcome = 'queued' | 'timeout' | 'error';

/**
 * Adds the run's job, waiting at most `enqueueTimeoutMs`. Never throws: when Redis is down the run
 * stays `queued` in PostgreSQL and the sweeper enqueues it later. A timed-out add may still land once
 * Redis answers; jobId deduplication makes that harmless.
 */
export async function enqueueMatchingRun(queue: Queue, runId: string, config: MatchingConfig): Promise<EnqueueOutcome> {
  const data: MatchingJob = { runId };
  let timer: NodeJS.Timeout | undefined;
  const add = queue.add(MATCHING_JOB_NAME, data, matchingJobOptions(config, runId)).then(
    () => 'queued' as const,
    () => 'error' as const,
  );
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), config.enqueueTimeoutMs)));
  try {
    return await Promise.race([add, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a queue without hanging when Redis is unreachable (shutdown must stay quick). */
export async function closeQueueQuickly(queue: Queue, timeoutMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  try {
    const closed = await Promise.race([queue.close().then(() => 'closed' as const, () => 'closed' as const), timeout]);
    if (closed === 'timeout') void queue.disconnect().catch(() => undefined);
  } finally {
    clearTimeout(timer);
  }
}
