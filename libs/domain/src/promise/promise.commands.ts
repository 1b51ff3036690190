import type { PromiseKind, TouchPoint } from '../shared/enums.js';

export interface MakePromise {
  type: 'MakePromise';
  promiseId: string;
  customerId: string;
  kind: PromiseKind;
  touchPoint: TouchPoint;
  description: string;
  dueBy: Date;
  madeAt?: Date;
  now: Date;
}
export interface AmendPromise { type: 'AmendPromise'; promiseId: string; dueBy: Date; reason: string; now: Date }
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
  | FlagPromiseAtRisk;
