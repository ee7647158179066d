import type { Queue } from 'bullmq';
import type { MatchingConfig } from '@app/config';
import { exhaustedAttemptsMessage } from './matching-errors';
import { enqueueMatchingRun, matchingJobOptions } from './matching-queue';

const config: MatchingConfig = {
  concurrency: 1,
  attempts: 3,
  backoffMs: 5000,
  lockDurationMs: 60_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
  enqueueTimeoutMs: 50,
  sweepIntervalMs: 15_000,
  sweepAfterMs: 30_000,
};

const fakeQueue = (add: () => Promise<unknown>) => ({ add: jest.fn(add) }) as unknown as Queue & { add: jest.Mock };

describe('enqueueMatchingRun', () => {
  it('queues the run under its own id, with bounded attempts and exponential backoff', async () => {
    const queue = fakeQueue(() => Promise.resolve({}));
    await expect(enqueueMatchingRun(queue, 'run-1', config)).resolves.toBe('queued');
    expect(queue.add).toHaveBeenCalledWith('match', { runId: 'run-1' }, expect.objectContaining({ jobId: 'run-1', attempts: 3, backoff: { type: 'exponential', delay: 5000 } }));
  });

  it('gives up after the timeout when Redis does not answer, without throwing (the sweeper takes over)', async () => {
    const queue = fakeQueue(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(enqueueMatchingRun(queue, 'run-2', config)).resolves.toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a refused add as an error, without throwing', async () => {
    const queue = fakeQueue(() => Promise.reject(new Error('ECONNREFUSED')));
    await expect(enqueueMatchingRun(queue, 'run-3', config)).resolves.toBe('error');
  });

  it('keeps failed jobs longer than completed ones (the run row is the record)', () => {
    const options = matchingJobOptions(config, 'run-4');
    const kept = (keep: unknown) => (keep as { age: number }).age;
    expect(kept(options.removeOnFail)).toBeGreaterThan(kept(options.removeOnComplete));
  });
});

describe('exhaustedAttemptsMessage', () => {
  it('says in French how many attempts failed and why', () => {
    expect(exhaustedAttemptsMessage(3, 'solveur indisponible')).toBe(
      'Le calcul des propositions a échoué après 3 tentatives. Cause technique : solveur indisponible. Relancez un calcul ; si l’échec se répète, signalez-le à l’équipe.',
    );
  });

  it('explains a worker that kept dying instead of quoting BullMQ', () => {
    const message = exhaustedAttemptsMessage(3, 'job stalled more than allowable limit');
    expect(message).toContain('s’est arrêté en cours de route');
    expect(message).not.toContain('stalled');
  });
});
