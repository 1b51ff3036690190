import type { PromiseKind, RiskFlag, TouchPoint } from '../shared/enums.js';
import type { CalendarRef } from './promise-clock.js';

type Ref = { promiseId: string; customerId: string };

export interface PromiseMade {
  type: 'PromiseMade';
  data: Ref & {
    kind: PromiseKind;
    touchPoint: TouchPoint;
    description: string;
    madeAt: string;
    dueBy: string;
  } & Partial<RiskMoments> & {
    /** The calendar the clock follows (absent: around the clock), at its version when made. */
    calendar?: CalendarRef;
    /** Given instead of dueBy: dueBy was computed from madeAt on the calendar. */
    dueInBusinessHours?: number;
  };
}
/**
 * When a promise's clock started (made, amended, resumed), the moments its risk changes and the
 * clock time promised, stored so the watcher finds them by index (absent in events written before
 * risk levels: those are AT_RISK within LEDGER_AT_RISK_WINDOW of dueBy).
 */
export interface RiskMoments {
  atRiskAt: string;
  criticalAt: string;
  /** Clock time from madeAt to dueBy, less the time paused (business time with a calendar). */
  clockMs: number;
}
export interface PromiseAmended {
  type: 'PromiseAmended';
  data: Ref & { previousDueBy: string; dueBy: string; reason: string; amendedAt: string; dueInBusinessHours?: number } & Partial<RiskMoments>;
}
export interface PromiseKept {
  type: 'PromiseKept';
  data: Ref & { keptAt: string; evidence?: string };
}
/** Reported broken, detected at the deadline (reason DEADLINE_PASSED), or kept too late (reason LATE, with fulfilledAt). */
export interface PromiseBroken {
  type: 'PromiseBroken';
  data: Ref & { brokenAt: string; reason: string; reportedAt: string; fulfilledAt?: string; evidence?: string };
}
export interface PromiseReleased {
  type: 'PromiseReleased';
  data: Ref & { reason: string; releasedAt: string };
}
export interface PromiseFulfilledLate {
  type: 'PromiseFulfilledLate';
  data: Ref & { fulfilledAt: string; evidence?: string };
}
/** Crossed into AT_RISK or CRITICAL (no level: AT_RISK, as written before risk levels). */
export interface PromiseAtRisk {
  type: 'PromiseAtRisk';
  data: Ref & { dueBy: string; flaggedAt: string; level?: RiskFlag };
}
/** The clock stopped: waiting on the customer. */
export interface PromisePaused {
  type: 'PromisePaused';
  data: Ref & { reason: string; pausedAt: string; pausedBy: string };
}
/** The clock runs again; dueBy moved later by the time paused (clock time: business time with a calendar). */
export interface PromiseResumed {
  type: 'PromiseResumed';
  data: Ref &
    RiskMoments & {
      resumedAt: string;
      pausedAt: string;
      pausedBy: string;
      reason: string;
      /** Clock time this pause lasted. */
      pausedMs: number;
      previousDueBy: string;
      dueBy: string;
    };
}

export type PromiseEvent =
  | PromiseMade
  | PromiseAmended
  | PromiseKept
  | PromiseBroken
  | PromiseReleased
  | PromiseFulfilledLate
  | PromiseAtRisk
  | PromisePaused
  | PromiseResumed;

export const DEADLINE_PASSED = 'DEADLINE_PASSED';
export const KEPT_LATE = 'LATE';
