import type { AggregateCommand, DecisionRules, DistributiveOmit } from '#libs/application';
import { parseMoney } from '#libs/domain';
import type { SetErrorCostPolicyInput } from '../costs/error-cost.types.js';
import type { SetBusinessCalendarInput } from '../calendars/business-calendar.type.js';
import type { RegisterCustomerInput } from '../customers/register-customer.input.js';
import type { RecordErrorInput, ResolveErrorInput, VoidErrorInput } from '../errors/error-incident.type.js';
import {
  DEFAULT_TOUCH_POINT,
  type AmendPromiseInput,
  type BreakPromiseInput,
  type FulfilPromiseLateInput,
  type KeepPromiseInput,
  type MakePromiseInput,
  type PausePromiseInput,
  type ReleasePromiseInput,
  type ResumePromiseInput,
} from '../promises/promise.inputs.js';

type Target = DistributiveOmit<AggregateCommand, keyof DecisionRules>;

/** A new aggregate about a customer: refused if the customer is unknown; a generated id names a stream nobody wrote. */
const aboutCustomer = (input: { id?: string | null; customerId: string }, target: Target): AggregateCommand => ({
  ...target,
  requiresCustomer: input.customerId,
  newStream: input.id == null,
});

/** A change of an existing aggregate, refused if it moved past the version the caller saw. */
const change = (input: { expectedVersion?: number | null }, target: Target): AggregateCommand => ({
  ...target,
  mustExist: true,
  expectedVersion: input.expectedVersion,
});

/** Names the aggregate a create sent without an id: a fresh id for a mutation, one derived from the item for ERP. */
export type NewId = () => string;

/**
 * The one mapping from an input (a mutation's argument or an ERP item's payload, validated and
 * with its dates parsed) to the command it asks for. Defaults live here and nowhere else.
 * @throws DomainError BAD_USER_INPUT for an amount that is not money.
 */
export const toCommand = {
  registerCustomer: (p: RegisterCustomerInput, newId: NewId): AggregateCommand => ({
    aggregate: 'customer',
    newStream: p.id == null,
    command: { type: 'RegisterCustomer', customerId: p.id ?? newId(), name: p.name, kind: p.kind, region: p.region ?? undefined, email: p.email ?? undefined },
  }),
  makePromise: (p: MakePromiseInput, newId: NewId) =>
    aboutCustomer(p, {
      aggregate: 'promise',
      command: {
        type: 'MakePromise',
        promiseId: p.id ?? newId(),
        customerId: p.customerId,
        kind: p.kind,
        touchPoint: p.touchPoint ?? DEFAULT_TOUCH_POINT,
        description: p.description,
        dueBy: p.dueBy ?? undefined,
        dueInBusinessHours: p.dueInBusinessHours ?? undefined,
        calendarId: p.calendarId ?? undefined,
        madeAt: p.madeAt ?? undefined,
      },
    }),
  amendPromise: (p: AmendPromiseInput) =>
    change(p, {
      aggregate: 'promise',
      command: { type: 'AmendPromise', promiseId: p.id, dueBy: p.dueBy, reason: p.reason },
    }),
  // pausedBy: the actor, filled in by the application from the command's context.
  pausePromise: (p: PausePromiseInput) => change(p, { aggregate: 'promise', command: { type: 'PausePromise', promiseId: p.id, reason: p.reason, pausedBy: '' } }),
  resumePromise: (p: ResumePromiseInput) => change(p, { aggregate: 'promise', command: { type: 'ResumePromise', promiseId: p.id } }),
  keepPromise: (p: KeepPromiseInput) => change(p, { aggregate: 'promise', command: { type: 'KeepPromise', promiseId: p.id, keptAt: p.keptAt ?? undefined, evidence: p.evidence ?? undefined } }),
  breakPromise: (p: BreakPromiseInput) => change(p, { aggregate: 'promise', command: { type: 'BreakPromise', promiseId: p.id, reason: p.reason } }),
  releasePromise: (p: ReleasePromiseInput) => change(p, { aggregate: 'promise', command: { type: 'ReleasePromise', promiseId: p.id, reason: p.reason } }),
  fulfilPromiseLate: (p: FulfilPromiseLateInput) => change(p, { aggregate: 'promise', command: { type: 'FulfilPromiseLate', promiseId: p.id, fulfilledAt: p.fulfilledAt ?? undefined, evidence: p.evidence ?? undefined } }),
  recordError: (p: RecordErrorInput, newId: NewId) =>
    aboutCustomer(p, {
      aggregate: 'error',
      command: {
        type: 'RecordError',
        errorId: p.id ?? newId(),
        customerId: p.customerId,
        errorType: p.type,
        occurredAt: p.occurredAt ?? undefined,
        reference: p.reference ?? undefined,
        description: p.description ?? undefined,
        cost: p.cost ? parseMoney(p.cost, 'cost.amount') : undefined,
      },
    }),
  resolveError: (p: ResolveErrorInput) => change(p, { aggregate: 'error', command: { type: 'ResolveError', errorId: p.id, resolution: p.resolution } }),
  voidError: (p: VoidErrorInput) => change(p, { aggregate: 'error', command: { type: 'VoidError', errorId: p.id, reason: p.reason } }),
  setBusinessCalendar: (p: SetBusinessCalendarInput): AggregateCommand => ({
    aggregate: 'calendar',
    expectedVersion: p.expectedVersion,
    command: { type: 'SetBusinessCalendar', calendarId: p.id, name: p.name, timeZone: p.timeZone, hours: p.hours, holidays: p.holidays ?? undefined },
  }),
  setErrorCostPolicy: (p: SetErrorCostPolicyInput): AggregateCommand => ({
    aggregate: 'cost-policy',
    command: {
      type: 'SetErrorCostPolicy',
      customerKind: p.customerKind,
      errorType: p.errorType,
      costPerError: parseMoney(p.costPerError, 'costPerError.amount'),
      effectiveFrom: p.effectiveFrom,
    },
  }),
};
