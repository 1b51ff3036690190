import { describe, expect, it } from '@jest/globals';
import { spec, stateAfter } from '../shared/decider.spec-helpers.js';
import { promiseDecider } from './promise.decider.js';
import type { PromiseCommand } from './promise.commands.js';
import type { PromiseEvent } from './promise.events.js';
import { aroundTheClock, type PromiseClock } from './promise-clock.js';

const given = spec(promiseDecider);
const t = (iso: string) => new Date(iso);
const ref = { promiseId: 'p1', customerId: 'c1' };
const HOUR = 3_600_000;

// Made Monday 2 Nov 00:00 UTC, due Tuesday 3 Nov 00:00: 24 h of clock.
const made: PromiseEvent = {
  type: 'PromiseMade',
  data: {
    ...ref, kind: 'SERVICE', touchPoint: 'HUMAN', description: 'call back', madeAt: '2026-11-02T00:00:00.000Z', dueBy: '2026-11-03T00:00:00.000Z',
    atRiskAt: '2026-11-02T00:00:00.000Z', criticalAt: '2026-11-02T21:36:00.000Z', clockMs: 24 * HOUR,
  },
};
const paused: PromiseEvent = { type: 'PromisePaused', data: { ...ref, reason: 'waiting on the customer', pausedAt: '2026-11-02T10:00:00.000Z', pausedBy: 'agent-ann' } };
const pause = (over: Record<string, unknown> = {}) =>
  ({ type: 'PausePromise', promiseId: 'p1', reason: 'waiting on the customer', pausedBy: 'agent-ann', now: t('2026-11-02T10:00:00Z'), ...over }) as PromiseCommand;
const resume = (now = '2026-11-02T13:00:00Z', clock?: PromiseClock) => ({ type: 'ResumePromise', promiseId: 'p1', now: t(now), ...(clock ? { clock } : {}) }) as PromiseCommand;

/** A test calendar without a date library: open 09:00-17:00 UTC every day. */
const nineToFive: PromiseClock = {
  calendar: { id: 'office', version: 2 },
  riskThresholds: [0.75, 0.9],
  atRiskWindowMs: 0,
  between(from, to) {
    let total = 0;
    for (let day = Math.floor(from.getTime() / (24 * HOUR)) * 24 * HOUR; day < to.getTime(); day += 24 * HOUR) {
      total += Math.max(0, Math.min(to.getTime(), day + 17 * HOUR) - Math.max(from.getTime(), day + 9 * HOUR));
    }
    return total;
  },
  add(from, ms) {
    if (ms <= 0) return from;
    let left = ms;
    for (let day = Math.floor(from.getTime() / (24 * HOUR)) * 24 * HOUR; ; day += 24 * HOUR) {
      const start = Math.max(from.getTime(), day + 9 * HOUR);
      const open = Math.max(0, day + 17 * HOUR - start);
      if (left <= open) return new Date(start + left);
      left -= open;
    }
  },
};
const madeOnCalendar: PromiseEvent = {
  type: 'PromiseMade',
  data: {
    ...ref, kind: 'SERVICE', touchPoint: 'HUMAN', description: 'call back', madeAt: '2026-11-02T09:00:00.000Z', dueBy: '2026-11-03T17:00:00.000Z',
    calendar: { id: 'office', version: 2 }, dueInBusinessHours: 16, atRiskAt: '2026-11-03T13:00:00.000Z', criticalAt: '2026-11-03T15:24:00.000Z', clockMs: 16 * HOUR,
  },
};

describe('promise decider: pause and resume', () => {
  describe('PausePromise', () => {
    it('stops the clock of an open promise, saying who and why', () => given([made]).when(pause()).then([paused]));

    it('refuses a promise already paused', () => given([made, paused]).when(pause({ now: t('2026-11-02T11:00:00Z') })).thenRefused('INVALID_STATE'));

    it('refuses a promise already due', () => given([made]).when(pause({ now: t('2026-11-03T00:00:00Z') })).thenRefused('INVALID_STATE'));

    it.each([
      ['kept', { type: 'PromiseKept', data: { ...ref, keptAt: '2026-11-02T05:00:00.000Z' } }],
      ['released', { type: 'PromiseReleased', data: { ...ref, reason: 'dropped', releasedAt: '2026-11-02T05:00:00.000Z' } }],
      ['broken', { type: 'PromiseBroken', data: { ...ref, brokenAt: '2026-11-02T05:00:00.000Z', reason: 'truck', reportedAt: '2026-11-02T05:00:00.000Z' } }],
    ] as [string, PromiseEvent][])('refuses a %s promise', (_, settled) => given([made, settled]).when(pause()).thenRefused('INVALID_STATE'));

    it('refuses an unknown promise', () => given([]).when(pause()).thenRefused('NOT_FOUND'));

    it.each([[''], ['   '], ['x'.repeat(2_001)]])('refuses the reason %p', (reason) => given([made]).when(pause({ reason })).thenRefused('BAD_USER_INPUT', 'reason'));
  });

  describe('ResumePromise', () => {
    it('moves dueBy later by the time paused and restarts the risk moments from there', () =>
      given([made, paused]).when(resume()).then([
        {
          type: 'PromiseResumed',
          data: {
            ...ref, resumedAt: '2026-11-02T13:00:00.000Z', pausedAt: '2026-11-02T10:00:00.000Z', pausedBy: 'agent-ann', reason: 'waiting on the customer',
            pausedMs: 3 * HOUR, previousDueBy: '2026-11-03T00:00:00.000Z', dueBy: '2026-11-03T03:00:00.000Z',
            // 10 h of 24 used at the pause: AT_RISK (window 24 h) at once, CRITICAL after 21.6 - 10 = 11.6 h more.
            atRiskAt: '2026-11-02T13:00:00.000Z', criticalAt: '2026-11-03T00:36:00.000Z', clockMs: 24 * HOUR,
          },
        },
      ]));

    it('counts business time when the promise follows a calendar', () => {
      // Paused Monday 15:00, resumed Tuesday 10:00: 2 h Monday + 1 h Tuesday of open hours.
      const pausedOnCalendar: PromiseEvent = { type: 'PromisePaused', data: { ...ref, reason: 'waiting', pausedAt: '2026-11-02T15:00:00.000Z', pausedBy: 'agent-ann' } };
      const [event] = promiseDecider.decide(resume('2026-11-03T10:00:00Z', nineToFive) as never, stateAfter(promiseDecider, [madeOnCalendar, pausedOnCalendar]));
      expect(event).toMatchObject({ type: 'PromiseResumed', data: { pausedMs: 3 * HOUR, dueBy: '2026-11-04T12:00:00.000Z' } });
    });

    it('refuses without the clock of the promise\'s calendar at its version', () => {
      const pausedOnCalendar: PromiseEvent = { type: 'PromisePaused', data: { ...ref, reason: 'waiting', pausedAt: '2026-11-02T15:00:00.000Z', pausedBy: 'agent-ann' } };
      given([madeOnCalendar, pausedOnCalendar]).when(resume('2026-11-03T10:00:00Z')).thenRefused('UNAVAILABLE');
      given([madeOnCalendar, pausedOnCalendar]).when(resume('2026-11-03T10:00:00Z', { ...nineToFive, calendar: { id: 'office', version: 3 } })).thenRefused('UNAVAILABLE');
    });

    it('refuses a promise that is not paused', () => given([made]).when(resume()).thenRefused('INVALID_STATE'));

    it('refuses a settled promise', () =>
      given([made, paused, { type: 'PromiseReleased', data: { ...ref, reason: 'dropped', releasedAt: '2026-11-02T11:00:00.000Z' } }]).when(resume()).thenRefused('INVALID_STATE'));

    it('adds up every pause', () => {
      const first: PromiseEvent[] = [paused, ...promiseDecider.decide(resume() as never, stateAfter(promiseDecider, [made, paused]))];
      const second = pause({ now: t('2026-11-02T20:00:00Z'), reason: 'again' });
      const history = [made, ...first, ...promiseDecider.decide(second as never, stateAfter(promiseDecider, [made, ...first]))];
      const after = promiseDecider.decide(resume('2026-11-02T21:00:00Z') as never, stateAfter(promiseDecider, history));
      expect(stateAfter(promiseDecider, [...history, ...after])).toMatchObject({ status: 'OPEN', pausedMs: 4 * HOUR, dueBy: '2026-11-03T04:00:00.000Z' });
    });
  });

  describe('while paused', () => {
    it('the deadline never breaks it, even past its due date', () =>
      given([made, paused]).when({ type: 'BreakPromiseForDeadline', promiseId: 'p1', now: t('2026-11-04T00:00:00Z') }).thenRefused('INVALID_STATE'));

    it('no risk is flagged', () => given([made, paused]).when({ type: 'FlagPromiseAtRisk', promiseId: 'p1', now: t('2026-11-02T22:00:00Z') }).thenRefused('INVALID_STATE'));

    it('cannot be amended before it is resumed', () =>
      given([made, paused]).when({ type: 'AmendPromise', promiseId: 'p1', dueBy: t('2026-11-10T00:00:00Z'), reason: 'later', now: t('2026-11-02T11:00:00Z') }).thenRefused('INVALID_STATE'));

    it('a keep after dueBy is in time (the clock stood still)', () =>
      given([made, paused]).when({ type: 'KeepPromise', promiseId: 'p1', now: t('2026-11-04T00:00:00Z') }).then([{ type: 'PromiseKept', data: { ...ref, keptAt: '2026-11-04T00:00:00.000Z' } }]));

    it('counts as open', () => expect(stateAfter(promiseDecider, [made, paused])).toMatchObject({ status: 'OPEN', pause: { pausedBy: 'agent-ann' } }));
  });

  describe('business-time due dates', () => {
    const make = (over: Record<string, unknown>) =>
      ({ type: 'MakePromise', promiseId: 'p1', customerId: 'c1', kind: 'SERVICE', touchPoint: 'HUMAN', description: 'call back', now: t('2026-11-02T09:00:00Z'), ...over }) as PromiseCommand;

    it('computes dueBy from madeAt on the calendar', () =>
      given([]).when(make({ calendarId: 'office', dueInBusinessHours: 16, clock: nineToFive })).then([madeOnCalendar]));

    it('refuses dueBy and dueInBusinessHours together', () =>
      given([]).when(make({ calendarId: 'office', dueInBusinessHours: 4, dueBy: t('2026-11-04T00:00:00Z'), clock: nineToFive })).thenRefused('BAD_USER_INPUT', 'dueInBusinessHours'));

    it('refuses neither', () => given([]).when(make({ calendarId: 'office', clock: nineToFive })).thenRefused('BAD_USER_INPUT', 'dueBy'));

    it('refuses dueInBusinessHours without a calendar', () => given([]).when(make({ dueInBusinessHours: 4 })).thenRefused('BAD_USER_INPUT', 'calendarId'));

    it('refuses an unknown calendar', () => given([]).when(make({ calendarId: 'nowhere', dueInBusinessHours: 4 })).thenRefused('NOT_FOUND', 'calendarId'));

    it.each([[0], [-1], [1.5], [100_001]])('refuses %p hours', (hours) =>
      given([]).when(make({ calendarId: 'office', dueInBusinessHours: hours, clock: nineToFive })).thenRefused('BAD_USER_INPUT', 'dueInBusinessHours'));

    it('is idempotent for a retry with the same hours, later', () =>
      given([madeOnCalendar]).when(make({ calendarId: 'office', dueInBusinessHours: 16, clock: nineToFive, now: t('2026-11-02T12:00:00Z') })).then([]));

    it('amends in business hours from madeAt on the promise\'s calendar', () => {
      const [event] = promiseDecider.decide(
        { type: 'AmendPromise', promiseId: 'p1', dueInBusinessHours: 20, reason: 'bigger job', clock: nineToFive, now: t('2026-11-02T10:00:00Z') },
        stateAfter(promiseDecider, [madeOnCalendar]),
      );
      expect(event).toMatchObject({ type: 'PromiseAmended', data: { dueBy: '2026-11-04T13:00:00.000Z', dueInBusinessHours: 20, clockMs: 20 * HOUR } });
    });

    it('refuses amending in business hours a promise without a calendar', () =>
      given([made]).when({ type: 'AmendPromise', promiseId: 'p1', dueInBusinessHours: 2, reason: 'x', now: t('2026-11-02T01:00:00Z') }).thenRefused('BAD_USER_INPUT', 'dueInBusinessHours'));

    it('around the clock by default', () => expect(aroundTheClock().add(t('2026-11-02T00:00:00Z'), HOUR)).toEqual(t('2026-11-02T01:00:00Z')));
  });
});
