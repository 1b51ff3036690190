import { describe, expect, it } from '@jest/globals';
import { spec, stateAfter } from '../shared/decider.spec-helpers.js';
import { promiseDecider } from './promise.decider.js';
import type { PromiseCommand } from './promise.commands.js';
import type { PromiseEvent } from './promise.events.js';

const given = spec(promiseDecider);
const t = (iso: string) => new Date(iso);
const ref = { promiseId: 'p1', customerId: 'c1' };

// Made on 1 Nov, due 10 Nov.
const MADE_AT = '2026-11-01T00:00:00.000Z';
const DUE_BY = '2026-11-10T00:00:00.000Z';
const before = t('2026-11-05T00:00:00Z');
const atDue = t(DUE_BY);
const after = t('2026-11-12T00:00:00Z');

const made: PromiseEvent = {
  type: 'PromiseMade',
  data: { ...ref, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'deliver order 4411', madeAt: MADE_AT, dueBy: DUE_BY },
};
// As made now: with its risk moments (9 days of clock: AT_RISK at 75 %, CRITICAL at 90 %).
const DAY_MS = 86_400_000;
const withRisk = (event: PromiseEvent, atRiskAt: string, criticalAt: string, clockMs: number): PromiseEvent =>
  ({ ...event, data: { ...event.data, atRiskAt, criticalAt, clockMs } }) as PromiseEvent;
const madeNow = withRisk(made, '2026-11-07T18:00:00.000Z', '2026-11-09T02:24:00.000Z', 9 * DAY_MS);
const kept: PromiseEvent = { type: 'PromiseKept', data: { ...ref, keptAt: '2026-11-05T00:00:00.000Z' } };
const broken: PromiseEvent = {
  type: 'PromiseBroken',
  data: { ...ref, brokenAt: '2026-11-06T00:00:00.000Z', reason: 'truck', reportedAt: '2026-11-06T00:00:00.000Z' },
};
const brokenLate: PromiseEvent = {
  type: 'PromiseBroken',
  data: { ...ref, brokenAt: DUE_BY, reason: 'LATE', reportedAt: '2026-11-12T00:00:00.000Z', fulfilledAt: '2026-11-11T00:00:00.000Z' },
};
const released: PromiseEvent = { type: 'PromiseReleased', data: { ...ref, reason: 'dropped', releasedAt: '2026-11-06T00:00:00.000Z' } };
const amendedTo = (dueBy: string, amendedAt = '2026-11-04T00:00:00.000Z', previousDueBy = DUE_BY): PromiseEvent => ({
  type: 'PromiseAmended',
  data: { ...ref, previousDueBy, dueBy, reason: 'customer asked', amendedAt },
});

type Over = Record<string, unknown>;
const make = (over: Over = {}) =>
  ({
    type: 'MakePromise', promiseId: 'p1', customerId: 'c1', kind: 'DELIVERY', touchPoint: 'HUMAN',
    description: 'deliver order 4411', dueBy: t(DUE_BY), madeAt: t(MADE_AT), now: before, ...over,
  }) as PromiseCommand;
const amend = (over: Over = {}) =>
  ({ type: 'AmendPromise', promiseId: 'p1', dueBy: t('2026-11-20T00:00:00Z'), reason: 'customer asked', now: t('2026-11-04T00:00:00Z'), ...over }) as PromiseCommand;
const keep = (over: Over = {}) => ({ type: 'KeepPromise', promiseId: 'p1', now: before, ...over }) as PromiseCommand;
const breakIt = (over: Over = {}) => ({ type: 'BreakPromise', promiseId: 'p1', reason: 'truck', now: t('2026-11-06T00:00:00Z'), ...over }) as PromiseCommand;
const deadline = (now = after) => ({ type: 'BreakPromiseForDeadline', promiseId: 'p1', now }) as PromiseCommand;
const release = (over: Over = {}) => ({ type: 'ReleasePromise', promiseId: 'p1', reason: 'dropped', now: t('2026-11-06T00:00:00Z'), ...over }) as PromiseCommand;
const fulfil = (over: Over = {}) => ({ type: 'FulfilPromiseLate', promiseId: 'p1', now: after, ...over }) as PromiseCommand;
const flag = (now = t('2026-11-09T12:00:00Z')) => ({ type: 'FlagPromiseAtRisk', promiseId: 'p1', now }) as PromiseCommand;

const transitions: [string, PromiseCommand][] = [
  ['AmendPromise', amend()],
  ['KeepPromise', keep()],
  ['BreakPromise', breakIt()],
  ['BreakPromiseForDeadline', deadline()],
  ['ReleasePromise', release()],
  ['FulfilPromiseLate', fulfil()],
  ['FlagPromiseAtRisk', flag()],
];

describe('promise decider', () => {
  describe('MakePromise', () => {
    it('opens a promise, with the moments its risk changes', () => given([]).when(make()).then([madeNow]));

    it('defaults madeAt to now', () => given([]).when(make({ madeAt: undefined, now: t(MADE_AT) })).then([madeNow]));

    it('stores the description trimmed', () => given([]).when(make({ description: '  deliver order 4411 ' })).then([madeNow]));

    it('accepts a description of exactly 2000 characters', () => {
      const description = 'x'.repeat(2_000);
      given([]).when(make({ description })).then([{ ...madeNow, data: { ...madeNow.data, description } } as PromiseEvent]);
    });

    it.each([
      ['equal to madeAt', MADE_AT],
      ['before madeAt', '2026-10-31T00:00:00Z'],
    ])('refuses dueBy %s', (_, dueBy) => given([]).when(make({ dueBy: t(dueBy) })).thenRefused('BAD_USER_INPUT', 'dueBy'));

    it('refuses dueBy not after the defaulted madeAt (now)', () =>
      given([]).when(make({ madeAt: undefined, now: t('2026-11-10T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'dueBy'));

    it('refuses madeAt in the future', () => given([]).when(make({ madeAt: t('2026-11-06T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'madeAt'));

    it('refuses an invalid date', () => given([]).when(make({ dueBy: t('not a date') })).thenRefused('BAD_USER_INPUT', 'dueBy'));

    it.each([
      [{ description: '' }, 'description'],
      [{ description: '   ' }, 'description'],
      [{ description: 'x'.repeat(2_001) }, 'description'],
      [{ kind: 'PIZZA' }, 'kind'],
      [{ touchPoint: 'EMAIL' }, 'touchPoint'],
      [{ promiseId: '' }, 'id'],
      [{ promiseId: 'p'.repeat(101) }, 'id'],
      [{ promiseId: ' p1' }, 'id'],
      [{ customerId: '' }, 'customerId'],
    ])('refuses %p', (over, field) => given([]).when(make(over)).thenRefused('BAD_USER_INPUT', field));

    it('is idempotent for the same content', () => given([made]).when(make()).then([]));

    it('is idempotent for a retry without madeAt, even once the clock has passed dueBy', () =>
      given([made]).when(make({ madeAt: undefined, now: after })).then([]));

    it('is idempotent for a retry after the promise was amended and kept', () =>
      given([made, amendedTo('2026-11-20T00:00:00.000Z'), kept]).when(make()).then([]));

    it.each([
      [{ description: 'other' }],
      [{ customerId: 'c2' }],
      [{ kind: 'SERVICE' }],
      [{ touchPoint: 'SYSTEM' }],
      [{ dueBy: t('2026-11-11T00:00:00Z') }],
      [{ madeAt: t('2026-11-02T00:00:00Z') }],
    ])('refuses the same id with other content %p', (over) => given([made]).when(make(over)).thenRefused('CONFLICT'));
  });

  describe('AmendPromise', () => {
    it('moves the due date, keeping the previous one on record', () =>
      given([made]).when(amend()).then([withRisk(amendedTo('2026-11-20T00:00:00.000Z'), '2026-11-15T06:00:00.000Z', '2026-11-18T02:24:00.000Z', 19 * DAY_MS)]));

    it('counts amendments and keeps the original due date in the state', () => {
      const state = stateAfter(promiseDecider, [made, amendedTo('2026-11-20T00:00:00.000Z'), amendedTo('2026-11-25T00:00:00.000Z', '2026-11-05T00:00:00.000Z', '2026-11-20T00:00:00.000Z')]);
      expect(state).toMatchObject({ status: 'OPEN', dueBy: '2026-11-25T00:00:00.000Z', originalDueBy: DUE_BY, amendments: 2 });
    });

    it('may also bring the due date forward', () =>
      given([made]).when(amend({ dueBy: t('2026-11-08T00:00:00Z') })).then([withRisk(amendedTo('2026-11-08T00:00:00.000Z'), '2026-11-06T06:00:00.000Z', '2026-11-07T07:12:00.000Z', 7 * DAY_MS)]));

    it.each([
      ['at the due date', atDue],
      ['after the due date', after],
    ])('refuses %s with INVALID_STATE', (_, now) => given([made]).when(amend({ now })).thenRefused('INVALID_STATE'));

    it.each([
      ['before now', '2026-11-03T00:00:00Z'],
      ['equal to now', '2026-11-04T00:00:00Z'],
    ])('refuses a new due date %s', (_, dueBy) => given([made]).when(amend({ dueBy: t(dueBy) })).thenRefused('BAD_USER_INPUT', 'dueBy'));

    it('refuses a new due date not after madeAt (a promise made by a clock ahead of this one)', () => {
      const madeAhead: PromiseEvent = { ...made, data: { ...made.data, madeAt: '2026-11-04T12:00:00.000Z' } } as PromiseEvent;
      given([madeAhead]).when(amend({ dueBy: t('2026-11-04T06:00:00Z') })).thenRefused('BAD_USER_INPUT', 'dueBy');
    });

    it.each([[''], ['r'.repeat(2_001)]])('refuses the reason %p', (reason) =>
      given([made]).when(amend({ reason })).thenRefused('BAD_USER_INPUT', 'reason'));

    it.each([
      ['broken', broken],
      ['released', released],
    ])('refuses a %s promise', (_, event) => given([made, event]).when(amend()).thenRefused('INVALID_STATE'));
  });

  describe('KeepPromise', () => {
    it('keeps on time, keptAt defaulting to now', () => given([made]).when(keep()).then([kept]));

    it('records the evidence', () =>
      given([made]).when(keep({ evidence: 'POD 1' })).then([{ type: 'PromiseKept', data: { ...ref, keptAt: '2026-11-05T00:00:00.000Z', evidence: 'POD 1' } }]));

    it('keeps at exactly the due date', () =>
      given([made]).when(keep({ keptAt: atDue, now: after })).then([{ type: 'PromiseKept', data: { ...ref, keptAt: DUE_BY } }]));

    it('keeps at exactly madeAt', () => given([made]).when(keep({ keptAt: t(MADE_AT) })).then([{ type: 'PromiseKept', data: { ...ref, keptAt: MADE_AT } }]));

    it('keeps by the amended due date', () =>
      given([made, amendedTo('2026-11-20T00:00:00.000Z')]).when(keep({ keptAt: t('2026-11-15T00:00:00Z'), now: t('2026-11-15T00:00:00Z') })).then([
        { type: 'PromiseKept', data: { ...ref, keptAt: '2026-11-15T00:00:00.000Z' } },
      ]));

    it('records a late keep as one PromiseBroken: brokenAt = dueBy, fulfilledAt = keptAt, reason LATE', () =>
      given([made]).when(keep({ keptAt: t('2026-11-11T00:00:00Z'), now: after })).then([brokenLate]));

    it('carries the evidence of a late keep', () =>
      given([made]).when(keep({ keptAt: t('2026-11-11T00:00:00Z'), evidence: 'POD 7', now: after })).then([
        { ...brokenLate, data: { ...brokenLate.data, evidence: 'POD 7' } } as PromiseEvent,
      ]));

    it('leaves a late keep BROKEN in the state, fulfilled', () =>
      expect(stateAfter(promiseDecider, [made, brokenLate])).toMatchObject({
        status: 'BROKEN', brokenAt: DUE_BY, brokenReason: 'LATE', fulfilledAt: '2026-11-11T00:00:00.000Z',
      }));

    it('leaves an on-time keep KEPT in the state', () =>
      expect(stateAfter(promiseDecider, [made, kept])).toMatchObject({ status: 'KEPT', keptAt: '2026-11-05T00:00:00.000Z' }));

    it.each([
      ['in the future', '2026-11-06T00:00:00Z'],
      ['before madeAt', '2026-10-01T00:00:00Z'],
    ])('refuses keptAt %s', (_, keptAt) => given([made]).when(keep({ keptAt: t(keptAt) })).thenRefused('BAD_USER_INPUT', 'keptAt'));

    it('refuses evidence over 2000 characters', () => given([made]).when(keep({ evidence: 'e'.repeat(2_001) })).thenRefused('BAD_USER_INPUT', 'evidence'));

    it('refuses a broken promise', () => given([made, broken]).when(keep()).thenRefused('INVALID_STATE'));
  });

  describe('BreakPromise', () => {
    it('breaks when reported: brokenAt = now', () => given([made]).when(breakIt()).then([broken]));

    it('dates a break reported after the deadline at the deadline (reportedAt keeps when it was reported)', () =>
      given([made]).when(breakIt({ reason: 'never shipped', now: after })).then([
        { type: 'PromiseBroken', data: { ...ref, brokenAt: DUE_BY, reason: 'never shipped', reportedAt: '2026-11-12T00:00:00.000Z' } },
      ]));

    it('records the reason in the state', () =>
      expect(stateAfter(promiseDecider, [made, broken])).toMatchObject({ status: 'BROKEN', brokenAt: '2026-11-06T00:00:00.000Z', brokenReason: 'truck' }));

    it.each([[''], ['  '], ['r'.repeat(2_001)], ['DEADLINE_PASSED'], ['LATE']])('refuses the reason %p', (reason) =>
      given([made]).when(breakIt({ reason })).thenRefused('BAD_USER_INPUT', 'reason'));

    it('refuses a broken promise', () => given([made, broken]).when(breakIt()).thenRefused('INVALID_STATE'));
  });

  describe('BreakPromiseForDeadline', () => {
    const detected = (reportedAt: string): PromiseEvent => ({
      type: 'PromiseBroken',
      data: { ...ref, brokenAt: DUE_BY, reason: 'DEADLINE_PASSED', reportedAt },
    });

    it('breaks an open promise past its deadline with brokenAt = dueBy', () => given([made]).when(deadline()).then([detected('2026-11-12T00:00:00.000Z')]));

    it('breaks at exactly the due date', () => given([made]).when(deadline(atDue)).then([detected(DUE_BY)]));

    it('follows the amended due date: not due yet', () =>
      given([made, amendedTo('2026-11-20T00:00:00.000Z')]).when(deadline(after)).thenRefused('INVALID_STATE'));

    it('refuses before the due date', () => given([made]).when(deadline(before)).thenRefused('INVALID_STATE'));

    it('refuses a second detection, so racing watchers append it once', () =>
      given([made, detected('2026-11-12T00:00:00.000Z')]).when(deadline()).thenRefused('INVALID_STATE'));

    it('refuses a promise an agent already broke', () => given([made, broken]).when(deadline()).thenRefused('INVALID_STATE'));
  });

  describe('ReleasePromise', () => {
    it('releases an open promise', () => given([made]).when(release()).then([released]));

    it('records releasedAt in the state', () =>
      expect(stateAfter(promiseDecider, [made, released])).toMatchObject({ status: 'RELEASED', releasedAt: '2026-11-06T00:00:00.000Z' }));

    it('refuses an empty reason', () => given([made]).when(release({ reason: '' })).thenRefused('BAD_USER_INPUT', 'reason'));

    it('refuses a broken promise', () => given([made, broken]).when(release()).thenRefused('INVALID_STATE'));
  });

  describe('FulfilPromiseLate', () => {
    const late = (fulfilledAt: string, evidence?: string): PromiseEvent => ({
      type: 'PromiseFulfilledLate',
      data: { ...ref, fulfilledAt, ...(evidence ? { evidence } : {}) },
    });

    it('records the fulfilment of a broken promise, fulfilledAt defaulting to now', () =>
      given([made, broken]).when(fulfil()).then([late('2026-11-12T00:00:00.000Z')]));

    it('takes an explicit fulfilledAt and evidence', () =>
      given([made, broken]).when(fulfil({ fulfilledAt: t('2026-11-08T00:00:00Z'), evidence: 'POD 2' })).then([late('2026-11-08T00:00:00.000Z', 'POD 2')]));

    it('accepts fulfilledAt equal to brokenAt', () =>
      given([made, broken]).when(fulfil({ fulfilledAt: t('2026-11-06T00:00:00Z') })).then([late('2026-11-06T00:00:00.000Z')]));

    it('keeps the promise BROKEN, with fulfilledAt', () =>
      expect(stateAfter(promiseDecider, [made, broken, late('2026-11-12T00:00:00.000Z')])).toMatchObject({
        status: 'BROKEN', brokenReason: 'truck', fulfilledAt: '2026-11-12T00:00:00.000Z',
      }));

    it.each([
      ['before the break', '2026-11-02T00:00:00Z'],
      ['in the future', '2026-11-13T00:00:00Z'],
    ])('refuses fulfilledAt %s', (_, fulfilledAt) =>
      given([made, broken]).when(fulfil({ fulfilledAt: t(fulfilledAt) })).thenRefused('BAD_USER_INPUT', 'fulfilledAt'));

    it('refuses an open promise', () => given([made]).when(fulfil()).thenRefused('INVALID_STATE'));

    it('refuses a second fulfilment', () => given([made, broken, late('2026-11-12T00:00:00.000Z')]).when(fulfil()).thenRefused('INVALID_STATE'));

    it('refuses a promise kept late (already fulfilled)', () => given([made, brokenLate]).when(fulfil()).thenRefused('INVALID_STATE'));
  });

  describe('FlagPromiseAtRisk', () => {
    // Without a level: as written before risk levels.
    const atRisk = (dueBy = DUE_BY): PromiseEvent => ({ type: 'PromiseAtRisk', data: { ...ref, dueBy, flaggedAt: '2026-11-09T12:00:00.000Z' } });
    const flagged = (dueBy = DUE_BY, level: 'AT_RISK' | 'CRITICAL' = 'AT_RISK', flaggedAt = '2026-11-09T12:00:00.000Z'): PromiseEvent => ({
      type: 'PromiseAtRisk',
      data: { ...ref, dueBy, flaggedAt, level },
    });

    it('flags an open promise made before risk levels for its due date', () => given([made]).when(flag()).then([flagged()]));

    it('flags AT_RISK once 75 % of the clock is used, not before', () => {
      given([madeNow]).when(flag(t('2026-11-07T17:59:59Z'))).then([]);
      given([madeNow]).when(flag(t('2026-11-07T18:00:00Z'))).then([flagged(DUE_BY, 'AT_RISK', '2026-11-07T18:00:00.000Z')]);
    });

    it('flags CRITICAL at 90 %, once', () => {
      const first = flagged(DUE_BY, 'AT_RISK', '2026-11-07T18:00:00.000Z');
      given([madeNow, first]).when(flag(t('2026-11-09T02:24:00Z'))).then([flagged(DUE_BY, 'CRITICAL', '2026-11-09T02:24:00.000Z')]);
      given([madeNow, first, flagged(DUE_BY, 'CRITICAL', '2026-11-09T02:24:00.000Z')]).when(flag()).then([]);
    });

    it('after downtime records both levels, in order, once each', () => {
      given([madeNow]).when(flag()).then([flagged(DUE_BY, 'AT_RISK'), flagged(DUE_BY, 'CRITICAL')]);
      given([madeNow, flagged(DUE_BY, 'AT_RISK'), flagged(DUE_BY, 'CRITICAL')]).when(flag()).then([]);
    });

    it('is AT_RISK within LEDGER_AT_RISK_WINDOW of dueBy when that comes before 75 %', () => {
      // 30 days of clock: 75 % is day 22.5, the window (1 day) starts at day 29... 75 % first; with 2 days of clock, 75 % is 36 h, the window 24 h.
      const madeShort = make({ dueBy: t('2026-11-03T00:00:00Z'), now: t('2026-11-01T00:00:00Z') });
      const [event] = promiseDecider.decide(madeShort, promiseDecider.initialState());
      expect(event).toMatchObject({ data: { atRiskAt: '2026-11-02T00:00:00.000Z', criticalAt: '2026-11-02T19:12:00.000Z' } });
    });

    it('remembers the due date it flagged', () => expect(stateAfter(promiseDecider, [made, atRisk()])).toMatchObject({ status: 'OPEN', atRiskFlaggedFor: DUE_BY }));

    it('flags once per due date: a second flag appends nothing', () => given([made, atRisk()]).when(flag()).then([]));

    it('still remembers the old flag after an amendment', () =>
      expect(stateAfter(promiseDecider, [made, atRisk(), amendedTo('2026-11-20T00:00:00.000Z')])).toMatchObject({ dueBy: '2026-11-20T00:00:00.000Z', atRiskFlaggedFor: DUE_BY }));

    it('flags again for a new due date after an amendment', () => {
      const amended = amendedTo('2026-11-09T18:00:00.000Z', '2026-11-09T00:00:00.000Z');
      given([made, atRisk(), amended]).when(flag()).then([flagged('2026-11-09T18:00:00.000Z')]);
    });

    it('refuses a promise already due (the deadline detection takes over)', () => given([made]).when(flag(atDue)).thenRefused('INVALID_STATE'));

    it('refuses a broken promise', () => given([made, broken]).when(flag()).thenRefused('INVALID_STATE'));
  });

  describe('settled promises and unknown ones', () => {
    it.each(transitions)('refuses %s on a KEPT promise with INVALID_STATE', (_, command) => given([made, kept]).when(command).thenRefused('INVALID_STATE'));

    it.each(transitions)('refuses %s on a RELEASED promise with INVALID_STATE', (_, command) => given([made, released]).when(command).thenRefused('INVALID_STATE'));

    it.each(transitions)('refuses %s on a promise that does not exist with NOT_FOUND', (_, command) => given([]).when(command).thenRefused('NOT_FOUND'));

    it('refuses an unknown command type', () => given([made]).when({ type: 'BurnPromise', promiseId: 'p1', now: before } as never).thenRefused('BAD_USER_INPUT'));

    it('ignores an event type it does not know', () => {
      const state = stateAfter(promiseDecider, [made]);
      expect(promiseDecider.evolve(state, { type: 'PromiseTranslated', data: {} } as never)).toBe(state);
    });

    it('starts with no promise', () => expect(promiseDecider.initialState()).toEqual({ status: 'NONE' }));
  });
});
