import { describe, expect, it } from '@jest/globals';
import type { LedgerEvent } from '../ledger-event.js';
import { LEDGER_EVENT_TYPES } from '../ledger-event.js';
import { occurredAt, summarizeEvent } from './event-summary.js';

const p = { promiseId: 'p', customerId: 'c' };
const e = { errorId: 'e', customerId: 'c' };

const examples: [LedgerEvent, string][] = [
  [{ type: 'CustomerRegistered', data: { customerId: 'c', name: 'Acme', kind: 'END_USER', registeredAt: '2026-11-01T00:00:00.000Z' } }, 'Customer registered: end user'],
  [{ type: 'PromiseMade', data: { ...p, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'deliver order 4411', madeAt: '2026-11-01T00:00:00.000Z', dueBy: '2026-12-01T00:00:00.000Z' } }, 'Promise made: deliver order 4411 by 2026-12-01'],
  [{ type: 'PromiseAmended', data: { ...p, previousDueBy: '2026-12-01T00:00:00.000Z', dueBy: '2026-12-08T00:00:00.000Z', reason: 'customer asked', amendedAt: '2026-11-20T00:00:00.000Z' } }, 'Promise amended: due 2026-12-01 → 2026-12-08 (customer asked)'],
  [{ type: 'PromiseKept', data: { ...p, keptAt: '2026-11-30T15:00:00.000Z' } }, 'Promise kept on 2026-11-30'],
  [{ type: 'PromiseBroken', data: { ...p, brokenAt: '2026-11-10T00:00:00.000Z', reason: 'truck failed', reportedAt: '2026-11-10T00:00:00.000Z' } }, 'Promise broken: truck failed'],
  [{ type: 'PromiseReleased', data: { ...p, reason: 'order cancelled', releasedAt: '2026-11-15T00:00:00.000Z' } }, 'Promise released: order cancelled'],
  [{ type: 'PromiseFulfilledLate', data: { ...p, fulfilledAt: '2026-12-04T00:00:00.000Z' } }, 'Broken promise fulfilled late on 2026-12-04'],
  [{ type: 'PromiseAtRisk', data: { ...p, dueBy: '2026-12-01T09:30:00.000Z', flaggedAt: '2026-11-30T09:30:00.000Z' } }, 'Promise at risk: due 2026-12-01 09:30 UTC'],
  [{ type: 'PromiseAtRisk', data: { ...p, dueBy: '2026-12-01T09:30:00.000Z', flaggedAt: '2026-11-30T09:30:00.000Z', level: 'CRITICAL' } }, 'Promise critical: due 2026-12-01 09:30 UTC'],
  [{ type: 'PromiseMade', data: { ...p, kind: 'SERVICE', touchPoint: 'HUMAN', description: 'call back', madeAt: '2026-12-04T15:00:00.000Z', dueBy: '2026-12-07T11:00:00.000Z', calendar: { id: 'berlin', version: 0 }, dueInBusinessHours: 4, atRiskAt: '2026-12-07T10:00:00.000Z', criticalAt: '2026-12-07T10:36:00.000Z', clockMs: 14_400_000 } }, 'Promise made: call back within 4 business hours of calendar berlin, by 2026-12-07 11:00 UTC'],
  [{ type: 'PromisePaused', data: { ...p, reason: 'waiting on the customer', pausedAt: '2026-12-01T10:00:00.000Z', pausedBy: 'agent-ann' } }, 'Promise paused by agent-ann: waiting on the customer'],
  [
    { type: 'PromiseResumed', data: { ...p, resumedAt: '2026-12-01T12:30:00.000Z', pausedAt: '2026-12-01T10:00:00.000Z', pausedBy: 'agent-ann', reason: 'waiting on the customer', pausedMs: 9_000_000, previousDueBy: '2026-12-02T09:00:00.000Z', dueBy: '2026-12-02T11:30:00.000Z', atRiskAt: '2026-12-02T08:00:00.000Z', criticalAt: '2026-12-02T10:00:00.000Z', clockMs: 86_400_000 } },
    'Promise resumed after 2 h 30 min paused by agent-ann (waiting on the customer): due 2026-12-02 09:00 UTC → 2026-12-02 11:30 UTC',
  ],
  [{ type: 'BusinessCalendarSet', data: { calendarId: 'berlin', name: 'Berlin support', timeZone: 'Europe/Berlin', hours: [{ day: 'MONDAY', opens: '09:00', closes: '17:00' }], holidays: [], setAt: '2026-11-01T00:00:00.000Z' } }, 'Business calendar Berlin support set (Europe/Berlin)'],
  [{ type: 'ErrorRecorded', data: { ...e, type: 'BILLING', occurredAt: '2026-11-01T00:00:00.000Z', reference: 'INV-1', cost: { amount: '250.00', currency: 'USD' } } }, 'Billing error recorded: INV-1 (250.00 USD)'],
  [{ type: 'ErrorResolved', data: { ...e, resolution: 'credit note CN-7', resolvedAt: '2026-11-02T00:00:00.000Z' } }, 'Error resolved: credit note CN-7'],
  [{ type: 'ErrorVoided', data: { ...e, reason: 'duplicate', voidedAt: '2026-11-01T00:00:00.000Z' } }, 'Error voided: duplicate'],
  [{ type: 'ErrorCostPolicySet', data: { customerKind: 'DISTRIBUTOR', errorType: 'SHIPPING', costPerError: { amount: '300.00', currency: 'USD' }, effectiveFrom: '2027-01-01T00:00:00.000Z', setAt: '2026-11-23T00:00:00.000Z' } }, 'Cost policy set: distributor shipping errors cost 300.00 USD from 2027-01-01'],
  [{ type: 'CustomerErased', data: { customerId: 'c', reason: 'right to erasure, ticket 88', requestedBy: 'dpo', erasedAt: '2026-11-02T00:00:00.000Z' } }, "Customer's personal data erased at dpo's request: right to erasure, ticket 88"],
];

describe('summarizeEvent', () => {
  it.each(examples)('summarises %p', (event, line) => expect(summarizeEvent(event)).toBe(line));

  it('has an example for every event type', () => expect([...new Set(examples.map(([event]) => event.type))].sort()).toEqual([...LEDGER_EVENT_TYPES].sort()));

  it.each([
    [{ type: 'CustomerRegistered', data: { customerId: 'c', name: 'Acme', kind: 'DISTRIBUTOR', region: 'EMEA', email: 'a@b.example', registeredAt: '2026-11-01T00:00:00.000Z' } }, 'Customer registered: distributor, EMEA'],
    [{ type: 'PromiseBroken', data: { ...p, brokenAt: '2026-12-01T00:00:00.000Z', reason: 'DEADLINE_PASSED', reportedAt: '2026-12-01T00:00:05.000Z' } }, 'Promise broken: deadline 2026-12-01 passed'],
    [{ type: 'PromiseBroken', data: { ...p, brokenAt: '2026-12-01T00:00:00.000Z', reason: 'LATE', reportedAt: '2026-12-03T00:00:00.000Z', fulfilledAt: '2026-12-02T00:00:00.000Z' } }, 'Promise broken: kept late on 2026-12-02, due 2026-12-01'],
    [{ type: 'ErrorRecorded', data: { ...e, type: 'SHIPPING', occurredAt: '2026-11-01T00:00:00.000Z' } }, 'Shipping error recorded'],
  ] as [LedgerEvent, string][])('summarises the variant %p', (event, line) => expect(summarizeEvent(event)).toBe(line));

  it('never puts the customer\'s name or e-mail (erasable personal data) in the line', () => {
    const line = summarizeEvent({ type: 'CustomerRegistered', data: { customerId: 'c', name: 'Jane Roe', kind: 'END_USER', email: 'jane@roe.example', registeredAt: '2026-11-01T00:00:00.000Z' } });
    expect(line).not.toMatch(/Jane|jane@/);
  });

  it('summarises an unknown event type by its name', () => expect(summarizeEvent({ type: 'PromiseTranslated', data: {} } as never)).toBe('PromiseTranslated'));
});

describe('occurredAt', () => {
  it.each([
    [examples[0]![0], '2026-11-01T00:00:00.000Z'],
    [examples[3]![0], '2026-11-30T15:00:00.000Z'],
    [examples[4]![0], '2026-11-10T00:00:00.000Z'],
    [examples.find(([event]) => event.type === 'ErrorRecorded')![0], '2026-11-01T00:00:00.000Z'],
    [examples.find(([event]) => event.type === 'ErrorCostPolicySet')![0], '2026-11-23T00:00:00.000Z'],
    [examples.find(([event]) => event.type === 'PromisePaused')![0], '2026-12-01T10:00:00.000Z'],
    [examples.find(([event]) => event.type === 'PromiseResumed')![0], '2026-12-01T12:30:00.000Z'],
  ])('is the business time of %p', (event, at) => expect(occurredAt(event)).toBe(at));

  it('is the delivery time for a late keep', () =>
    expect(occurredAt({ type: 'PromiseBroken', data: { ...p, brokenAt: '2026-12-01T00:00:00.000Z', reason: 'LATE', reportedAt: '2026-12-03T00:00:00.000Z', fulfilledAt: '2026-12-02T00:00:00.000Z' } })).toBe('2026-12-02T00:00:00.000Z'));
});
