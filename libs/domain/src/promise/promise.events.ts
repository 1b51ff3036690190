import type { PromiseKind, TouchPoint } from '../shared/enums.js';

type Ref = { promiseId: string; customerId: string };

export interface PromiseMade {
  type: 'PromiseMade';
  data: Ref & { kind: PromiseKind; touchPoint: TouchPoint; description: string; madeAt: string; dueBy: string };
}
export interface PromiseAmended {
  type: 'PromiseAmended';
  data: Ref & { previousDueBy: string; dueBy: string; reason: string; amendedAt: string };
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
export interface PromiseAtRisk {
  type: 'PromiseAtRisk';
  data: Ref & { dueBy: string; flaggedAt: string };
}

export type PromiseEvent =
  | PromiseMade
  | PromiseAmended
  | PromiseKept
  | PromiseBroken
  | PromiseReleased
  | PromiseFulfilledLate
  | PromiseAtRisk;

export const DEADLINE_PASSED = 'DEADLINE_PASSED';
export const KEPT_LATE = 'LATE';
