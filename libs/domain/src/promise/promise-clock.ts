/** The calendar a promise's clock follows, at the version in effect when the promise was made. */
export interface CalendarRef {
  id: string;
  version: number;
}

/**
 * How a promise's clock runs, handed to the decider with the commands that move its dates
 * (make, amend, resume). The zone arithmetic of a business calendar needs a date library, which
 * the domain may not import: the application builds this from the calendar and the configuration,
 * and the decider only ever sees instants and milliseconds.
 */
export interface PromiseClock {
  /** Undefined: the clock runs around the clock. */
  calendar?: CalendarRef;
  /** The moment `ms` of clock time after `from` (`from` itself for 0). */
  add(from: Date, ms: number): Date;
  /** Clock time from `from` to `to` in ms (0 when `to` is not after `from`). */
  between(from: Date, to: Date): number;
  /** Shares of the promised clock time at which a promise becomes AT_RISK and CRITICAL (LEDGER_RISK_THRESHOLDS). */
  riskThresholds: readonly [atRisk: number, critical: number];
  /** AT_RISK at the latest this much clock time before dueBy (LEDGER_AT_RISK_WINDOW). */
  atRiskWindowMs: number;
}

export const DEFAULT_RISK_THRESHOLDS = [0.75, 0.9] as const;
export const DEFAULT_AT_RISK_WINDOW_MS = 24 * 3_600_000;

/** Elapsed time is clock time: no calendar. */
export const aroundTheClock = (
  riskThresholds: readonly [number, number] = DEFAULT_RISK_THRESHOLDS,
  atRiskWindowMs: number = DEFAULT_AT_RISK_WINDOW_MS,
): PromiseClock => ({
  add: (from, ms) => new Date(from.getTime() + Math.max(0, ms)),
  between: (from, to) => Math.max(0, to.getTime() - from.getTime()),
  riskThresholds,
  atRiskWindowMs,
});

/** The moments a promise's risk changes, for a clock running from `start` with `elapsedMs` used of `clockMs`. */
export function riskMoments(clock: PromiseClock, start: Date, elapsedMs: number, clockMs: number): { atRiskAt: Date; criticalAt: Date } {
  const [atRisk, critical] = clock.riskThresholds;
  // AT_RISK at the threshold share, or once only the window is left, whichever comes first.
  const atRiskMs = Math.min(Math.round(clockMs * atRisk), Math.max(0, clockMs - clock.atRiskWindowMs));
  const criticalMs = Math.max(atRiskMs, Math.round(clockMs * critical));
  return {
    atRiskAt: clock.add(start, Math.max(0, atRiskMs - elapsedMs)),
    criticalAt: clock.add(start, Math.max(0, criticalMs - elapsedMs)),
  };
}
