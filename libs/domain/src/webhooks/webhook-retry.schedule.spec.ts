import { describe, expect, it } from '@jest/globals';
import { WEBHOOK_RETRY_SCHEDULE, nextAttemptAfterFailure, retryDelayMs } from './webhook-retry.schedule.js';

const HOUR = 3_600_000;

describe('webhook retry schedule', () => {
  it('starts at 1 s and doubles: 1, 2, 4, 8 … s', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  it('is never more than an hour apart, however many failures', () => {
    expect(retryDelayMs(12)).toBe(2_048_000);
    expect(retryDelayMs(13)).toBe(HOUR);
    expect(retryDelayMs(1_000)).toBe(HOUR);
  });

  it('retries for 24 hours after the first attempt, makes a last attempt when the window closes, then gives up', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    let now = start;
    const attempts: Date[] = [start];
    for (let failed = 1; ; failed++) {
      const next = nextAttemptAfterFailure(start, failed, now);
      if (!next) break;
      expect(next.getTime()).toBeGreaterThan(now.getTime());
      attempts.push((now = next));
    }
    expect(attempts[attempts.length - 1]!.getTime() - start.getTime()).toBe(24 * HOUR);
    // 12 doublings (about 68 minutes), then hourly until the 24th hour.
    expect(attempts.length).toBeGreaterThan(30);
    expect(attempts.length).toBeLessThan(40);
    expect(nextAttemptAfterFailure(start, attempts.length, new Date(start.getTime() + 24 * HOUR))).toBeUndefined();
  });

  it('follows a configured schedule (tests use milliseconds)', () => {
    const schedule = { ...WEBHOOK_RETRY_SCHEDULE, firstDelayMs: 10, maxDelayMs: 40, retryForMs: 100 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, schedule))).toEqual([10, 20, 40, 40]);
    const start = new Date(0);
    expect(nextAttemptAfterFailure(start, 3, new Date(90), schedule)).toEqual(new Date(100));
    expect(nextAttemptAfterFailure(start, 4, new Date(100), schedule)).toBeUndefined();
  });
});
