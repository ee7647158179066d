import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { minutesText, tooManyRequests } from '@app/common';
import { RATE_LIMITER, type RateLimiter } from '@app/persistence';

/** Runs cost worker time: each account may start `matchingRunsMaxPerWindow` of them per window (API and pages alike). */
@Injectable()
export class MatchingRunThrottle {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one run for the account; 429 (with Retry-After) past the limit. */
  async take(accountId: string): Promise<void> {
    const decision = await this.limiter.hit(`matching-runs:${accountId}`, this.config.matchingRunsMaxPerWindow, this.config.throttleWindowSec);
    if (!decision.allowed) {
      throw tooManyRequests(`Trop de calculs de groupements demandés. Réessayez dans ${minutesText(decision.retryAfterSec)}.`, decision.retryAfterSec);
    }
  }
}
