/** How a failed delivery is tried again: exponential backoff, capped, for a while, then FAILED. */
export interface RetrySchedule {
  /** Delay after the first failed attempt; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest delay between two attempts. */
  maxDelayMs: number;
  /** How long after the first attempt of a series it is tried again before it is FAILED. */
  retryForMs: number;
}

/** The product's schedule: about 1 s, doubling, at most an hour apart, for 24 hours. */
export const WEBHOOK_RETRY_SCHEDULE: RetrySchedule = { firstDelayMs: 1_000, maxDelayMs: 3_600_000, retryForMs: 24 * 3_600_000 };

/** The delay after the `failedAttempts`-th failure of a series (1 for the first). */
export function retryDelayMs(failedAttempts: number, schedule: RetrySchedule = WEBHOOK_RETRY_SCHEDULE): number {
  const doublings = Math.min(Math.max(failedAttempts - 1, 0), 50);
  return Math.min(schedule.firstDelayMs * 2 ** doublings, schedule.maxDelayMs);
}

/**
 * When to try again after the `failedAttempts`-th failure of a series that started at
 * `seriesStartedAt`, the failure being at `now`; undefined when the series is over (FAILED). The
 * last attempt is made when the window closes, not skipped because a full delay would overrun it.
 */
export function nextAttemptAfterFailure(
  seriesStartedAt: Date,
  failedAttempts: number,
  now: Date,
  schedule: RetrySchedule = WEBHOOK_RETRY_SCHEDULE,
): Date | undefined {
  const closesAt = seriesStartedAt.getTime() + schedule.retryForMs;
  if (now.getTime() >= closesAt) return undefined;
  return new Date(Math.min(now.getTime() + retryDelayMs(failedAttempts, schedule), closesAt));
}
