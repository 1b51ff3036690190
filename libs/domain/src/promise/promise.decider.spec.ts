import { describe, it } from '@jest/globals';
import { spec } from '../shared/decider.spec-helpers.js';
import { promiseDecider } from './promise.decider.js';
import type { PromiseEvent } from './promise.events.js';

const given = spec(promiseDecider);
const t = (iso: string) => new Date(iso);
const ref = { promiseId: 'p1', customerId: 'c1' };
const made: PromiseEvent = {
  type: 'PromiseMade',
  data: { ...ref, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'deliver order 4411', madeAt: '2026-11-01T00:00:00.000Z', dueBy: '2026-11-10T00:00:00.000Z' },
};
const kept: PromiseEvent = { type: 'PromiseKept', data: { ...ref, keptAt: '2026-11-05T00:00:00.000Z' } };
const broken: PromiseEvent = { type: 'PromiseBroken', data: { ...ref, brokenAt: '2026-11-06T00:00:00.000Z', reason: 'truck', reportedAt: '2026-11-06T00:00:00.000Z' } };
const released: PromiseEvent = { type: 'PromiseReleased', data: { ...ref, reason: 'dropped', releasedAt: '2026-11-06T00:00:00.000Z' } };
const before = t('2026-11-05T00:00:00Z');
const after = t('2026-11-12T00:00:00Z');
const make = (over: Record<string, unknown> = {}) => ({
  type: 'MakePromise' as const, promiseId: 'p1', customerId: 'c1', kind: 'DELIVERY' as const, touchPoint: 'HUMAN' as const,
  description: 'deliver order 4411', dueBy: t('2026-11-10T00:00:00Z'), madeAt: t('2026-11-01T00:00:00Z'), now: before, ...over,
});

describe('promise decider', () => {
  describe('make', () => {
    it('opens a promise', () => given([]).when(make()).then([made]));
    it('defaults madeAt to now', () =>
      given([]).when(make({ madeAt: undefined, now: t('2026-11-01T00:00:00Z') })).then([made]));
    it('refuses dueBy not after madeAt', () => given([]).when(make({ dueBy: t('2026-11-01T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'dueBy'));
    it('refuses madeAt in the future', () => given([]).when(make({ madeAt: t('2026-11-06T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'madeAt'));
    it('refuses an empty or too long description', () => {
      given([]).when(make({ description: ' ' })).thenRefused('BAD_USER_INPUT', 'description');
      given([]).when(make({ description: 'x'.repeat(2_001) })).thenRefused('BAD_USER_INPUT', 'description');
    });
    it('refuses an unknown kind or touch point', () => {
      given([]).when(make({ kind: 'PIZZA' })).thenRefused('BAD_USER_INPUT', 'kind');
      given([]).when(make({ touchPoint: 'EMAIL' })).thenRefused('BAD_USER_INPUT', 'touchPoint');
    });
    it('is idempotent for the same content, even without madeAt', () => {
      given([made]).when(make()).then([]);
      given([made]).when(make({ madeAt: undefined })).then([]);
    });
    it('refuses the same id with other content', () => given([made]).when(make({ description: 'other' })).thenRefused('CONFLICT'));
  });

  describe('amend', () => {
    const amend = (over: Record<string, unknown> = {}) => ({ type: 'AmendPromise' as const, promiseId: 'p1', dueBy: t('2026-11-20T00:00:00Z'), reason: 'asked', now: before, ...over });
    it('moves the due date, keeping the previous one on record', () =>
      given([made]).when(amend()).then([
        { type: 'PromiseAmended', data: { ...ref, previousDueBy: '2026-11-10T00:00:00.000Z', dueBy: '2026-11-20T00:00:00.000Z', reason: 'asked', amendedAt: '2026-11-05T00:00:00.000Z' } },
      ]));
    it('refuses after the due date has passed', () => given([made]).when(amend({ now: after })).thenRefused('INVALID_STATE'));
    it('refuses a new due date in the past', () => given([made]).when(amend({ dueBy: t('2026-11-04T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'dueBy'));
    it('refuses an unknown promise', () => given([]).when(amend()).thenRefused('NOT_FOUND'));
    it('refuses when not open', () => given([made, kept]).when(amend()).thenRefused('INVALID_STATE'));
  });

  describe('keep', () => {
    const keep = (over: Record<string, unknown> = {}) => ({ type: 'KeepPromise' as const, promiseId: 'p1', now: before, ...over });
    it('keeps on time', () => given([made]).when(keep()).then([kept]));
    it('records a late keep as broken at dueBy and fulfilled at keptAt', () =>
      given([made]).when(keep({ keptAt: t('2026-11-11T00:00:00Z'), now: after })).then([
        { type: 'PromiseBroken', data: { ...ref, brokenAt: '2026-11-10T00:00:00.000Z', reason: 'LATE', reportedAt: '2026-11-12T00:00:00.000Z', fulfilledAt: '2026-11-11T00:00:00.000Z' } },
      ]));
    it('refuses keptAt in the future or before madeAt', () => {
      given([made]).when(keep({ keptAt: t('2026-11-06T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'keptAt');
      given([made]).when(keep({ keptAt: t('2026-10-01T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'keptAt');
    });
    it('refuses a kept, broken or released promise', () => {
      given([made, kept]).when(keep()).thenRefused('INVALID_STATE');
      given([made, broken]).when(keep()).thenRefused('INVALID_STATE');
      given([made, released]).when(keep()).thenRefused('INVALID_STATE');
    });
  });

  describe('break, release, deadline', () => {
    it('breaks when reported', () =>
      given([made]).when({ type: 'BreakPromise', promiseId: 'p1', reason: 'truck', now: t('2026-11-06T00:00:00Z') }).then([broken]));
    it('breaks at the deadline when reported after it', () =>
      given([made]).when({ type: 'BreakPromise', promiseId: 'p1', reason: 'late', now: after }).then([
        { type: 'PromiseBroken', data: { ...ref, brokenAt: '2026-11-10T00:00:00.000Z', reason: 'late', reportedAt: '2026-11-12T00:00:00.000Z' } },
      ]));
    it('refuses a break without a reason', () => given([made]).when({ type: 'BreakPromise', promiseId: 'p1', reason: '', now: before }).thenRefused('BAD_USER_INPUT', 'reason'));
    it('releases', () => given([made]).when({ type: 'ReleasePromise', promiseId: 'p1', reason: 'dropped', now: t('2026-11-06T00:00:00Z') }).then([released]));
    it('refuses to release a kept promise', () => given([made, kept]).when({ type: 'ReleasePromise', promiseId: 'p1', reason: 'x', now: before }).thenRefused('INVALID_STATE'));
    it('detects the deadline once, with brokenAt = dueBy', () => {
      given([made]).when({ type: 'BreakPromiseForDeadline', promiseId: 'p1', now: after }).then([
        { type: 'PromiseBroken', data: { ...ref, brokenAt: '2026-11-10T00:00:00.000Z', reason: 'DEADLINE_PASSED', reportedAt: '2026-11-12T00:00:00.000Z' } },
      ]);
      given([made, broken]).when({ type: 'BreakPromiseForDeadline', promiseId: 'p1', now: after }).thenRefused('INVALID_STATE');
    });
    it('refuses deadline detection before the due date', () =>
      given([made]).when({ type: 'BreakPromiseForDeadline', promiseId: 'p1', now: before }).thenRefused('INVALID_STATE'));
  });

  describe('fulfil late', () => {
    const fulfil = (over: Record<string, unknown> = {}) => ({ type: 'FulfilPromiseLate' as const, promiseId: 'p1', now: after, ...over });
    it('records fulfilment of a broken promise', () =>
      given([made, broken]).when(fulfil()).then([{ type: 'PromiseFulfilledLate', data: { ...ref, fulfilledAt: '2026-11-12T00:00:00.000Z' } }]));
    it('refuses an open or kept promise, and a second fulfilment', () => {
      given([made]).when(fulfil()).thenRefused('INVALID_STATE');
      given([made, kept]).when(fulfil()).thenRefused('INVALID_STATE');
      given([made, broken, { type: 'PromiseFulfilledLate', data: { ...ref, fulfilledAt: '2026-11-12T00:00:00.000Z' } }]).when(fulfil()).thenRefused('INVALID_STATE');
    });
    it('refuses a fulfilment before the break', () => given([made, broken]).when(fulfil({ fulfilledAt: t('2026-11-02T00:00:00Z') })).thenRefused('BAD_USER_INPUT', 'fulfilledAt'));
  });

  describe('at risk', () => {
    const flag = (now = t('2026-11-09T12:00:00Z')) => ({ type: 'FlagPromiseAtRisk' as const, promiseId: 'p1', now });
    const atRisk: PromiseEvent = { type: 'PromiseAtRisk', data: { ...ref, dueBy: '2026-11-10T00:00:00.000Z', flaggedAt: '2026-11-09T12:00:00.000Z' } };
    it('flags once per due date', () => {
      given([made]).when(flag()).then([atRisk]);
      given([made, atRisk]).when(flag()).then([]);
    });
    it('flags again after an amendment', () => {
      const amended: PromiseEvent = { type: 'PromiseAmended', data: { ...ref, previousDueBy: '2026-11-10T00:00:00.000Z', dueBy: '2026-11-09T18:00:00.000Z', reason: 'x', amendedAt: '2026-11-09T00:00:00.000Z' } };
      given([made, atRisk, amended]).when(flag()).then([
        { type: 'PromiseAtRisk', data: { ...ref, dueBy: '2026-11-09T18:00:00.000Z', flaggedAt: '2026-11-09T12:00:00.000Z' } },
      ]);
    });
    it('refuses a promise already due or settled', () => {
      given([made]).when(flag(after)).thenRefused('INVALID_STATE');
      given([made, kept]).when(flag()).thenRefused('INVALID_STATE');
    });
  });
});
