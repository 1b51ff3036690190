import type { PromiseKind, TouchPoint } from '../shared/enums.js';
import type { PromiseClock } from './promise-clock.js';

export interface MakePromise {
  type: 'MakePromise';
  promiseId: string;
  customerId: string;
  kind: PromiseKind;
  touchPoint: TouchPoint;
  description: string;
  /** Either dueBy, or dueInBusinessHours with calendarId. */
  dueBy?: Date;
  dueInBusinessHours?: number;
  calendarId?: string;
  madeAt?: Date;
  /** The clock of calendarId (or around the clock) with the risk thresholds; the application supplies it. */
  clock?: PromiseClock;
  now: Date;
}
export interface AmendPromise {
  type: 'AmendPromise';
  promiseId: string;
  /** Either dueBy, or dueInBusinessHours counted from madeAt on the promise's calendar. */
  dueBy?: Date;
  dueInBusinessHours?: number;
  reason: string;
  /** The promise's clock (its calendar at the version it was made with). */
  clock?: PromiseClock;
  now: Date;
}
/** Stops the clock; `pausedBy` is who asked (the command's actor). */
export interface PausePromise { type: 'PausePromise'; promiseId: string; reason: string; pausedBy: string; now: Date }
export interface ResumePromise { type: 'ResumePromise'; promiseId: string; clock?: PromiseClock; now: Date }
export interface KeepPromise { type: 'KeepPromise'; promiseId: string; keptAt?: Date; evidence?: string; now: Date }
export interface BreakPromise { type: 'BreakPromise'; promiseId: string; reason: string; now: Date }
/** The system's deadline detection. */
export interface BreakPromiseForDeadline { type: 'BreakPromiseForDeadline'; promiseId: string; now: Date }
export interface ReleasePromise { type: 'ReleasePromise'; promiseId: string; reason: string; now: Date }
export interface FulfilPromiseLate { type: 'FulfilPromiseLate'; promiseId: string; fulfilledAt?: Date; evidence?: string; now: Date }
export interface FlagPromiseAtRisk { type: 'FlagPromiseAtRisk'; promiseId: string; now: Date }

export type PromiseCommand =
  | MakePromise
  | AmendPromise
  | KeepPromise
  | BreakPromise
  | BreakPromiseForDeadline
  | ReleasePromise
  | FulfilPromiseLate
  | FlagPromiseAtRisk
  | PausePromise
  | ResumePromise;
