import { SingleBar } from 'cli-progress';

/** What importers report to; the CLI shows a bar on a terminal, tests and pipes get nothing. */
export interface ProgressReporter {
  start(total: number): void;
  advance(count: number): void;
  stop(): void;
}

export const SILENT_PROGRESS: ProgressReporter = { start: () => undefined, advance: () => undefined, stop: () => undefined };

/** A cli-progress bar on a TTY (stderr), silent otherwise (CI logs, pipes). */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return SILENT_PROGRESS;
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    stream,
  });
  return {
    start: (total) => bar.start(total, 0),
    advance: (count) => bar.increment(count),
    stop: () => bar.stop(),
  };
}
