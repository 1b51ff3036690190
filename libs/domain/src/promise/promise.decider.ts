import type { Decider } from '../shared/decider.js';
import { skipUnknownEvent, unreachable, type SameSet } from '../shared/decider.js';
import { DomainError, badInput } from '../shared/domain-error.js';
import { PROMISE_KINDS, TOUCH_POINTS, type PromiseKind, type PromiseStatus, type RiskFlag, type TouchPoint } from '../shared/enums.js';
import { identifier, iso, optionalText, text, validDate } from '../shared/validation.js';
import type {
  AmendPromise,
  BreakPromise,
  BreakPromiseForDeadline,
  FlagPromiseAtRisk,
  FulfilPromiseLate,
  KeepPromise,
  MakePromise,
  PausePromise,
  PromiseCommand,
  ReleasePromise,
  ResumePromise,
} from './promise.commands.js';
import { DEADLINE_PASSED, KEPT_LATE, type PromiseEvent, type RiskMoments } from './promise.events.js';
import { aroundTheClock, riskMoments, type CalendarRef, type PromiseClock } from './promise-clock.js';

const HOUR_MS = 3_600_000;
const MAX_BUSINESS_HOURS = 100_000;

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
  /** The dueBy the promise was last flagged at risk for (events without a level). */
  atRiskFlaggedFor?: string;
  /** Risk levels recorded since the promise was made or last amended. */
  flagged: RiskFlag[];
  calendar?: CalendarRef;
  dueInBusinessHours?: number;
  /** Clock time promised (madeAt to dueBy, less the time paused). */
  clockMs: number;
  /** Absent for promises made before risk levels. */
  atRiskAt?: string;
  criticalAt?: string;
  /** Clock time spent paused by pauses that ended. */
  pausedMs: number;
  pause?: { pausedAt: string; pausedBy: string; reason: string };
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
  const clock = makeClock(c);
  const madeAt = c.madeAt ? validDate('madeAt', c.madeAt) : c.now;
  const hours = c.dueInBusinessHours == null ? undefined : businessHours('dueInBusinessHours', c.dueInBusinessHours);
  if (hours !== undefined && !clock.calendar) throw badInput('calendarId', 'is required with dueInBusinessHours');
  if (hours === undefined && c.dueBy == null) throw badInput('dueBy', 'is required unless dueInBusinessHours is given');
  const dueBy = hours === undefined ? validDate('dueBy', c.dueBy as Date) : dueAfter(clock, madeAt, hours);
  if (state.status !== 'NONE') {
    // Compare only what the caller gave: a retry without madeAt must neither conflict nor fail the
    // time rules because the clock moved on since the first call.
    const same =
      state.customerId === customerId &&
      state.kind === c.kind &&
      state.touchPoint === c.touchPoint &&
      state.description === description &&
      state.calendar?.id === c.calendarId &&
      (hours === undefined ? ms(state.originalDueBy) === dueBy.getTime() : state.dueInBusinessHours === hours) &&
      (c.madeAt === undefined || ms(state.madeAt) === madeAt.getTime());
    if (same) return [];
    throw new DomainError('CONFLICT', `promise ${promiseId} exists with different content`);
  }
  if (madeAt.getTime() > c.now.getTime()) throw badInput('madeAt', 'must not be in the future');
  if (dueBy.getTime() <= madeAt.getTime()) throw badInput('dueBy', 'must be after madeAt');
  const clockMs = clock.between(madeAt, dueBy);
  if (clockMs <= 0) throw badInput('dueBy', 'leaves no open hours of the calendar before it');
  return [
    {
      type: 'PromiseMade',
      data: {
        promiseId,
        customerId,
        kind: c.kind,
        touchPoint: c.touchPoint,
        description,
        madeAt: iso(madeAt),
        dueBy: iso(dueBy),
        ...moments(clock, madeAt, 0, clockMs),
        ...(clock.calendar ? { calendar: { id: clock.calendar.id, version: clock.calendar.version } } : {}),
        ...(hours === undefined ? {} : { dueInBusinessHours: hours }),
      },
    },
  ];
}

function businessHours(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_BUSINESS_HOURS) throw badInput(field, `must be a whole number of hours from 1 to ${MAX_BUSINESS_HOURS}`);
  return value;
}

function dueAfter(clock: PromiseClock, from: Date, hours: number): Date {
  return validDate('dueInBusinessHours', clock.add(from, hours * HOUR_MS));
}

/** The clock a new promise follows: the one its calendarId names, or around the clock without one. */
function makeClock(c: MakePromise): PromiseClock {
  if (c.calendarId != null && c.dueBy != null && c.dueInBusinessHours != null) {
    throw badInput('dueInBusinessHours', 'give dueBy or dueInBusinessHours, not both');
  }
  if (c.calendarId == null) return c.clock && !c.clock.calendar ? c.clock : aroundTheClock(c.clock?.riskThresholds, c.clock?.atRiskWindowMs);
  identifier('calendarId', c.calendarId);
  if (c.clock?.calendar?.id !== c.calendarId) throw new DomainError('NOT_FOUND', `calendar ${c.calendarId} not found`, { calendarId: 'not found' });
  return c.clock;
}

/** The clock of an existing promise: the command's must be the promise's calendar at its version. */
function clockOf(s: PromiseDetails, clock: PromiseClock | undefined): PromiseClock {
  if (!s.calendar) return clock && !clock.calendar ? clock : aroundTheClock(clock?.riskThresholds, clock?.atRiskWindowMs);
  if (clock?.calendar?.id !== s.calendar.id || clock.calendar.version !== s.calendar.version) {
    throw new DomainError('UNAVAILABLE', `the clock of calendar ${s.calendar.id} version ${s.calendar.version} was not supplied`);
  }
  return clock;
}

function moments(clock: PromiseClock, start: Date, elapsedMs: number, clockMs: number): RiskMoments {
  const { atRiskAt, criticalAt } = riskMoments(clock, start, elapsedMs, clockMs);
  return { atRiskAt: iso(atRiskAt), criticalAt: iso(criticalAt), clockMs };
}

function notPaused(s: Open, action: string): void {
  if (s.pause) throw new DomainError('INVALID_STATE', `cannot ${action} a paused promise; resume it first`);
}

function amend(c: AmendPromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'amend');
  notPaused(s, 'amend');
  const reason = text('reason', c.reason, 2_000);
  if (c.dueBy != null && c.dueInBusinessHours != null) throw badInput('dueInBusinessHours', 'give dueBy or dueInBusinessHours, not both');
  if (c.dueBy == null && c.dueInBusinessHours == null) throw badInput('dueBy', 'is required unless dueInBusinessHours is given');
  const hours = c.dueInBusinessHours == null ? undefined : businessHours('dueInBusinessHours', c.dueInBusinessHours);
  if (hours !== undefined && !s.calendar) throw badInput('dueInBusinessHours', 'the promise follows no calendar; give dueBy');
  const clock = clockOf(s, c.clock);
  // Business hours count from madeAt, like the promise's first due date, plus the time paused since.
  const dueBy = hours === undefined ? validDate('dueBy', c.dueBy as Date) : dueAfter(clock, new Date(ms(s.madeAt)), hours + s.pausedMs / HOUR_MS);
  if (c.now.getTime() >= ms(s.dueBy)) throw new DomainError('INVALID_STATE', 'cannot amend a promise after its due date has passed');
  if (dueBy.getTime() <= c.now.getTime()) throw badInput(hours === undefined ? 'dueBy' : 'dueInBusinessHours', 'must be in the future');
  if (dueBy.getTime() <= ms(s.madeAt)) throw badInput('dueBy', 'must be after madeAt');
  const clockMs = clock.between(new Date(ms(s.madeAt)), dueBy) - s.pausedMs;
  if (clockMs <= 0) throw badInput('dueBy', 'leaves no open hours of the calendar before it');
  // Counted back from the old due date (not from madeAt): the span stays the promise's own.
  const elapsedMs = s.clockMs - clock.between(c.now, new Date(ms(s.dueBy)));
  return [
    {
      type: 'PromiseAmended',
      data: {
        ...ref(s),
        previousDueBy: s.dueBy,
        dueBy: iso(dueBy),
        reason,
        amendedAt: iso(c.now),
        ...(hours === undefined ? {} : { dueInBusinessHours: hours }),
        ...moments(clock, c.now, elapsedMs, clockMs),
      },
    },
  ];
}

function keep(c: KeepPromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'keep');
  const keptAt = c.keptAt ? validDate('keptAt', c.keptAt) : c.now;
  const evidence = optionalText('evidence', c.evidence, 2_000);
  if (keptAt.getTime() > c.now.getTime()) throw badInput('keptAt', 'must not be in the future');
  if (keptAt.getTime() < ms(s.madeAt)) throw badInput('keptAt', 'must not be before the promise was made');
  // While paused the clock stands still: kept since the pause is kept in time.
  const inTime = keptAt.getTime() <= ms(s.dueBy) || (s.pause !== undefined && keptAt.getTime() >= ms(s.pause.pausedAt));
  if (!inTime) {
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
  // Reported after the deadline passed unnoticed: it broke at the deadline (a paused clock has not reached it).
  const brokenAt = s.pause ? c.now.getTime() : Math.min(c.now.getTime(), ms(s.dueBy));
  return [{ type: 'PromiseBroken', data: { ...ref(s), brokenAt: iso(new Date(brokenAt)), reason, reportedAt: iso(c.now) } }];
}

function breakForDeadline(c: BreakPromiseForDeadline, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'detect a deadline on');
  if (s.pause) throw new DomainError('INVALID_STATE', 'the promise is paused: its clock is stopped');
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
  if (s.pause) throw new DomainError('INVALID_STATE', 'the promise is paused: its clock is stopped');
  if (c.now.getTime() >= ms(s.dueBy)) throw new DomainError('INVALID_STATE', 'the promise is already due');
  const flag = (level: RiskFlag): PromiseEvent => ({ type: 'PromiseAtRisk', data: { ...ref(s), dueBy: s.dueBy, flaggedAt: iso(c.now), level } });
  // Made before risk levels: AT_RISK once per due date, when the watcher finds it within the window.
  if (s.atRiskAt === undefined || s.criticalAt === undefined) return s.atRiskFlaggedFor === s.dueBy || s.flagged.includes('AT_RISK') ? [] : [flag('AT_RISK')];
  // Each level once (since made or amended); after downtime both, in order.
  const crossed: RiskFlag[] = [];
  if (c.now.getTime() >= ms(s.atRiskAt) && !s.flagged.includes('AT_RISK')) crossed.push('AT_RISK');
  if (c.now.getTime() >= ms(s.criticalAt) && !s.flagged.includes('CRITICAL')) crossed.push('CRITICAL');
  return crossed.map(flag);
}

function pause(c: PausePromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'pause');
  if (s.pause) throw new DomainError('INVALID_STATE', `the promise is already paused (since ${s.pause.pausedAt})`);
  const reason = text('reason', c.reason, 2_000);
  if (c.now.getTime() >= ms(s.dueBy)) throw new DomainError('INVALID_STATE', 'cannot pause a promise that is already due');
  return [{ type: 'PromisePaused', data: { ...ref(s), reason, pausedAt: iso(c.now), pausedBy: c.pausedBy } }];
}

function resume(c: ResumePromise, state: PromiseState): PromiseEvent[] {
  const s = open(state, c.promiseId, 'resume');
  if (!s.pause) throw new DomainError('INVALID_STATE', 'the promise is not paused');
  const clock = clockOf(s, c.clock);
  const pausedAt = new Date(ms(s.pause.pausedAt));
  const pausedMs = clock.between(pausedAt, c.now);
  const dueBy = validDate('dueBy', clock.add(new Date(ms(s.dueBy)), pausedMs));
  const elapsedMs = s.clockMs - clock.between(pausedAt, new Date(ms(s.dueBy)));
  return [
    {
      type: 'PromiseResumed',
      data: {
        ...ref(s),
        resumedAt: iso(c.now),
        pausedAt: s.pause.pausedAt,
        pausedBy: s.pause.pausedBy,
        reason: s.pause.reason,
        pausedMs,
        previousDueBy: s.dueBy,
        dueBy: iso(dueBy),
        ...moments(clock, c.now, elapsedMs, s.clockMs),
      },
    },
  ];
}

function details(state: PromiseState): PromiseDetails {
  // Only a corrupt stream gets here: every promise stream starts with PromiseMade.
  if (state.status === 'NONE') throw new DomainError('INVALID_STATE', 'event on a promise that was never made');
  const { promiseId, customerId, kind, touchPoint, description, madeAt, dueBy, originalDueBy, amendments, atRiskFlaggedFor, flagged } = state;
  const { calendar, dueInBusinessHours, clockMs, atRiskAt, criticalAt, pausedMs, pause } = state;
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
    flagged,
    clockMs,
    pausedMs,
    ...(atRiskFlaggedFor ? { atRiskFlaggedFor } : {}),
    ...(calendar ? { calendar } : {}),
    ...(dueInBusinessHours ? { dueInBusinessHours } : {}),
    ...(atRiskAt ? { atRiskAt } : {}),
    ...(criticalAt ? { criticalAt } : {}),
    ...(pause ? { pause } : {}),
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
      case 'PausePromise':
        return pause(command, state);
      case 'ResumePromise':
        return resume(command, state);
      default:
        return unreachable(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PromiseMade': {
        const { promiseId, customerId, kind, touchPoint, description, madeAt, dueBy, calendar, dueInBusinessHours, atRiskAt, criticalAt, clockMs } = event.data;
        return {
          status: 'OPEN',
          promiseId,
          customerId,
          kind,
          touchPoint,
          description,
          madeAt,
          dueBy,
          originalDueBy: dueBy,
          amendments: 0,
          flagged: [],
          clockMs: clockMs ?? ms(dueBy) - ms(madeAt),
          pausedMs: 0,
          ...(calendar ? { calendar } : {}),
          ...(dueInBusinessHours ? { dueInBusinessHours } : {}),
          ...(atRiskAt && criticalAt ? { atRiskAt, criticalAt } : {}),
        };
      }
      case 'PromiseAmended': {
        const { atRiskAt: _a, criticalAt: _c, ...d } = details(state);
        const { dueBy, atRiskAt, criticalAt, clockMs } = event.data;
        return {
          ...d,
          status: 'OPEN',
          dueBy,
          amendments: d.amendments + 1,
          flagged: [],
          clockMs: clockMs ?? d.clockMs + (ms(dueBy) - ms(d.dueBy)),
          ...(atRiskAt && criticalAt ? { atRiskAt, criticalAt } : {}),
        };
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
      case 'PromiseAtRisk': {
        if (state.status === 'NONE') return state;
        const level = event.data.level ?? 'AT_RISK';
        return {
          ...state,
          ...(event.data.level ? {} : { atRiskFlaggedFor: event.data.dueBy }),
          flagged: state.flagged.includes(level) ? state.flagged : [...state.flagged, level],
        };
      }
      case 'PromisePaused': {
        if (state.status !== 'OPEN') return state;
        const { pausedAt, pausedBy, reason } = event.data;
        return { ...state, pause: { pausedAt, pausedBy, reason } };
      }
      case 'PromiseResumed': {
        if (state.status !== 'OPEN') return state;
        const { pause: _p, ...d } = state;
        const { dueBy, atRiskAt, criticalAt, clockMs, pausedMs } = event.data;
        return { ...d, dueBy, atRiskAt, criticalAt, clockMs, pausedMs: d.pausedMs + pausedMs };
      }
      default:
        return skipUnknownEvent(event, state);
    }
  },
};
