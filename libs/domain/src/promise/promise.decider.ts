import type { Decider } from '../shared/decider.js';
import { skipUnknownEvent, unreachable, type SameSet } from '../shared/decider.js';
import { DomainError, badInput } from '../shared/domain-error.js';
import { PROMISE_KINDS, TOUCH_POINTS, type PromiseKind, type PromiseStatus, type TouchPoint } from '../shared/enums.js';
import { identifier, iso, optionalText, text, validDate } from '../shared/validation.js';
import type {
  AmendPromise,
  BreakPromise,
  BreakPromiseForDeadline,
  FlagPromiseAtRisk,
  FulfilPromiseLate,
  KeepPromise,
  MakePromise,
  PromiseCommand,
  ReleasePromise,
} from './promise.commands.js';
import { DEADLINE_PASSED, KEPT_LATE, type PromiseEvent } from './promise.events.js';

/** Break reasons the system writes; an agent may not use them (they are codes, not free text). */
export const SYSTEM_BREAK_REASONS: readonly string[] = [DEADLINE_PASSED, KEPT_LATE];

export interface PromiseDetails {
  promiseId: string;
  customerId: string;
  kind: PromiseKind;
  touchPoint: TouchPoint;
  description: string;
  madeAt: string;
  dueBy: string;
  originalDueBy: string;
  amendments: number;
  /** The dueBy the promise was last flagged at risk for. */
  atRiskFlaggedFor?: string;
}

export type PromiseState =
  | { status: 'NONE' }
  | (PromiseDetails & { status: 'OPEN' })
  | (PromiseDetails & { status: 'KEPT'; keptAt: string })
  | (PromiseDetails & { status: 'BROKEN'; brokenAt: string; brokenReason: string; fulfilledAt?: string })
  | (PromiseDetails & { status: 'RELEASED'; releasedAt: string });

type Existing = Exclude<PromiseState, { status: 'NONE' }>;
// The decider's states are the contract's statuses (PROMISE_STATUSES), no more and no fewer.
const STATES_ARE_STATUSES: SameSet<Existing['status'], PromiseStatus> = true;
void STATES_ARE_STATUSES;
type Open = Extract<PromiseState, { status: 'OPEN' }>;

const ms = (isoDate: string) => Date.parse(isoDate);
const ref = (s: PromiseDetails) => ({ promiseId: s.promiseId, customerId: s.customerId });

function existing(state: PromiseState, promiseId: string): Existing {
  if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `promise ${promiseId} not found`);
  return state;
}

function open(state: PromiseState, promiseId: string, action: string): Open {
  const s = existing(state, promiseId);
  if (s.status !== 'OPEN') throw new DomainError('INVALID_STATE', `cannot ${action} a promise that is ${s.status}`);
  return s;
}

function make(c: MakePromise, state: PromiseState): PromiseEvent[] {
  const promiseId = identifier('id', c.promiseId);
  const customerId = identifier('customerId', c.customerId);
  const description = text('description', c.description, 2_000);
  if (!PROMISE_KINDS.includes(c.kind)) throw badInput('kind', `must be one of ${PROMISE_KINDS.join(', ')}`);
  if (!TOUCH_POINTS.includes(c.touchPoint)) throw badInput('touchPoint', `must be one of ${TOUCH_POINTS.join(', ')}`);
  const dueBy = validDate('dueBy', c.dueBy);
  const madeAt = c.madeAt ? validDate('madeAt', c.madeAt) : c.now;
  if (state.status !== 'NONE') {
    // Compare only what the caller gave: a retry without madeAt must neither conflict nor fail the
    // time rules because the clock moved on since the first call.
    const same =
      state.customerId === customerId &&
      state.kind === c.kind &&
      state.touchPoint === c.touchPoint &&
      state.description === description &&
      ms(state.originalDueBy) === dueBy.getTime() &&
      (c.madeAt === undefined || ms(state.madeAt) === madeAt.getTime());
    if (same) return [];
    throw new DomainError('CONFLICT', `promise ${promiseId} exists with different content`);
  }
  if (madeAt.getTime() > c.now.getTime()) throw badInput('madeAt', 'must not be in the future');
  if (dueBy.getTime() <= madeAt.getTime()) throw badInput('dueBy', 'must be after madeAt');
  return [
    {
      type: 'PromiseMade',
      data: { promiseId, customerId, kind: c.kind, touchPoint: c.touchPoint, description, madeAt: iso(madeAt), dueBy: iso(dueBy) },
    },
  ];
}

function amend(c: AmendPromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'amend');
  const reason = text('reason', c.reason, 2_000);
  const dueBy = validDate('dueBy', c.dueBy);
  if (c.now.getTime() >= ms(s.dueBy)) throw new DomainError('INVALID_STATE', 'cannot amend a promise after its due date has passed');
  if (dueBy.getTime() <= c.now.getTime()) throw badInput('dueBy', 'must be in the future');
  if (dueBy.getTime() <= ms(s.madeAt)) throw badInput('dueBy', 'must be after madeAt');
  return [{ type: 'PromiseAmended', data: { ...ref(s), previousDueBy: s.dueBy, dueBy: iso(dueBy), reason, amendedAt: iso(c.now) } }];
}

function keep(c: KeepPromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'keep');
  const keptAt = c.keptAt ? validDate('keptAt', c.keptAt) : c.now;
  const evidence = optionalText('evidence', c.evidence, 2_000);
  if (keptAt.getTime() > c.now.getTime()) throw badInput('keptAt', 'must not be in the future');
  if (keptAt.getTime() < ms(s.madeAt)) throw badInput('keptAt', 'must not be before the promise was made');
  if (keptAt.getTime() > ms(s.dueBy)) {
    // Kept after the deadline: the promise was broken at its due date and fulfilled late.
    return [
      {
        type: 'PromiseBroken',
        data: { ...ref(s), brokenAt: s.dueBy, reason: KEPT_LATE, reportedAt: iso(c.now), fulfilledAt: iso(keptAt), ...(evidence ? { evidence } : {}) },
      },
    ];
  }
  return [{ type: 'PromiseKept', data: { ...ref(s), keptAt: iso(keptAt), ...(evidence ? { evidence } : {}) } }];
}

function breakPromise(c: BreakPromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'break');
  const reason = text('reason', c.reason, 2_000);
  // The system's reasons mean something to the ledger and the timeline; an agent cannot claim them.
  if (SYSTEM_BREAK_REASONS.includes(reason)) throw badInput('reason', `${reason} is reserved for the system`);
  // Reported after the deadline passed unnoticed: it broke at the deadline.
  const brokenAt = Math.min(c.now.getTime(), ms(s.dueBy));
  return [{ type: 'PromiseBroken', data: { ...ref(s), brokenAt: iso(new Date(brokenAt)), reason, reportedAt: iso(c.now) } }];
}

function breakForDeadline(c: BreakPromiseForDeadline, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'detect a deadline on');
  if (c.now.getTime() < ms(s.dueBy)) throw new DomainError('INVALID_STATE', 'the promise is not due yet');
  return [{ type: 'PromiseBroken', data: { ...ref(s), brokenAt: s.dueBy, reason: DEADLINE_PASSED, reportedAt: iso(c.now) } }];
}

function release(c: ReleasePromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'release');
  const reason = text('reason', c.reason, 2_000);
  return [{ type: 'PromiseReleased', data: { ...ref(s), reason, releasedAt: iso(c.now) } }];
}

function fulfilLate(c: FulfilPromiseLate, state: PromiseState): PromiseEvent[] {
  const s = existing(state, c.promiseId);
  if (s.status !== 'BROKEN') throw new DomainError('INVALID_STATE', `only a broken promise can be fulfilled late; this one is ${s.status}`);
  if (s.fulfilledAt) throw new DomainError('INVALID_STATE', 'the promise was already fulfilled late');
  const fulfilledAt = c.fulfilledAt ? validDate('fulfilledAt', c.fulfilledAt) : c.now;
  const evidence = optionalText('evidence', c.evidence, 2_000);
  if (fulfilledAt.getTime() > c.now.getTime()) throw badInput('fulfilledAt', 'must not be in the future');
  if (fulfilledAt.getTime() < ms(s.brokenAt)) throw badInput('fulfilledAt', 'must not be before the promise broke');
  return [{ type: 'PromiseFulfilledLate', data: { ...ref(s), fulfilledAt: iso(fulfilledAt), ...(evidence ? { evidence } : {}) } }];
}

function flagAtRisk(c: FlagPromiseAtRisk, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'flag at risk');
  if (c.now.getTime() >= ms(s.dueBy)) throw new DomainError('INVALID_STATE', 'the promise is already due');
  // Once per due date: an amended promise can be at risk again for its new date.
  if (s.atRiskFlaggedFor === s.dueBy) return [];
  return [{ type: 'PromiseAtRisk', data: { ...ref(s), dueBy: s.dueBy, flaggedAt: iso(c.now) } }];
}

function details(state: PromiseState): PromiseDetails {
  // Only a corrupt stream gets here: every promise stream starts with PromiseMade.
  if (state.status === 'NONE') throw new DomainError('INVALID_STATE', 'event on a promise that was never made');
  const { promiseId, customerId, kind, touchPoint, description, madeAt, dueBy, originalDueBy, amendments, atRiskFlaggedFor } = state;
  return {
    promiseId,
    customerId,
    kind,
    touchPoint,
    description,
    madeAt,
    dueBy,
    originalDueBy,
    amendments,
    ...(atRiskFlaggedFor ? { atRiskFlaggedFor } : {}),
  };
}

export const promiseDecider: Decider<PromiseCommand, PromiseState, PromiseEvent> = {
  initialState: () => ({ status: 'NONE' }),
  decide(command, state) {
    switch (command.type) {
      case 'MakePromise':
        return make(command, state);
      case 'AmendPromise':
        return amend(command, state);
      case 'KeepPromise':
        return keep(command, state);
      case 'BreakPromise':
        return breakPromise(command, state);
      case 'BreakPromiseForDeadline':
        return breakForDeadline(command, state);
      case 'ReleasePromise':
        return release(command, state);
      case 'FulfilPromiseLate':
        return fulfilLate(command, state);
      case 'FlagPromiseAtRisk':
        return flagAtRisk(command, state);
      default:
        return unreachable(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PromiseMade': {
        const { promiseId, customerId, kind, touchPoint, description, madeAt, dueBy } = event.data;
        return { status: 'OPEN', promiseId, customerId, kind, touchPoint, description, madeAt, dueBy, originalDueBy: dueBy, amendments: 0 };
      }
      case 'PromiseAmended': {
        const d = details(state);
        return { ...d, status: 'OPEN', dueBy: event.data.dueBy, amendments: d.amendments + 1 };
      }
      case 'PromiseKept':
        return { ...details(state), status: 'KEPT', keptAt: event.data.keptAt };
      case 'PromiseBroken':
        return {
          ...details(state),
          status: 'BROKEN',
          brokenAt: event.data.brokenAt,
          brokenReason: event.data.reason,
          ...(event.data.fulfilledAt ? { fulfilledAt: event.data.fulfilledAt } : {}),
        };
      case 'PromiseReleased':
        return { ...details(state), status: 'RELEASED', releasedAt: event.data.releasedAt };
      case 'PromiseFulfilledLate':
        return state.status === 'BROKEN' ? { ...state, fulfilledAt: event.data.fulfilledAt } : state;
      case 'PromiseAtRisk':
        return state.status === 'NONE' ? state : { ...state, atRiskFlaggedFor: event.data.dueBy };
      default:
        return skipUnknownEvent(event, state);
    }
  },
};
