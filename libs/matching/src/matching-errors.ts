// Readable French messages for runs that end in failure (api-contract: `error?` of a matching run).

/**
 * A failure retrying cannot fix (the tender was deleted, the anchor delisted…): the run fails at once
 * with this message instead of spending its attempts.
 */
export class MatchingRunRejected extends Error {
  constructor(
    message: string,
    readonly explanations: string[] = [],
  ) {
    super(message);
    this.name = 'MatchingRunRejected';
  }
}

const STALLED_REASON = 'job stalled more than allowable limit';

/** The message stored on a run whose attempts are exhausted. */
export function exhaustedAttemptsMessage(attempts: number, cause: string | undefined): string {
  const times = attempts > 1 ? `après ${attempts} tentatives` : 'à la première tentative';
  if (cause?.includes(STALLED_REASON)) {
    return `Le calcul des propositions a échoué ${times} : le processus de calcul s’est arrêté en cours de route à plusieurs reprises. Relancez un calcul ; si l’échec se répète, signalez-le à l’équipe.`;
  }
  const detail = cause?.trim() ? ` Cause technique : ${cause.trim().slice(0, 300)}.` : '';
  return `Le calcul des propositions a échoué ${times}.${detail} Relancez un calcul ; si l’échec se répète, signalez-le à l’équipe.`;
}
