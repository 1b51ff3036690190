import { describe, expect, it } from '@jest/globals';
import { summarizeEvent } from './event-summary.js';

describe('summarizeEvent', () => {
  it.each([
    [{ type: 'PromiseMade', data: { promiseId: 'p', customerId: 'c', kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'deliver order 4411', madeAt: '2026-11-01T00:00:00Z', dueBy: '2026-12-01T00:00:00Z' } }, 'Promise made: deliver order 4411 by 2026-12-01'],
    [{ type: 'PromiseBroken', data: { promiseId: 'p', customerId: 'c', brokenAt: '2026-12-01T00:00:00Z', reason: 'DEADLINE_PASSED', reportedAt: '2026-12-01T00:00:05Z' } }, 'Promise broken: deadline 2026-12-01 passed'],
    [{ type: 'PromiseBroken', data: { promiseId: 'p', customerId: 'c', brokenAt: '2026-12-01T00:00:00Z', reason: 'LATE', reportedAt: '2026-12-03T00:00:00Z', fulfilledAt: '2026-12-02T00:00:00Z' } }, 'Promise broken: kept late on 2026-12-02, due 2026-12-01'],
    [{ type: 'ErrorRecorded', data: { errorId: 'e', customerId: 'c', type: 'BILLING', occurredAt: '2026-11-01T00:00:00Z', reference: 'INV-1', cost: { amount: '250.00', currency: 'USD' } } }, 'Billing error recorded: INV-1 (250.00 USD)'],
    [{ type: 'ErrorVoided', data: { errorId: 'e', customerId: 'c', reason: 'duplicate', voidedAt: '2026-11-01T00:00:00Z' } }, 'Error voided: duplicate'],
    [{ type: 'CustomerRegistered', data: { customerId: 'c', name: 'Acme', kind: 'END_USER', registeredAt: '2026-11-01T00:00:00Z' } }, 'Customer registered: Acme (end user)'],
  ])('summarises %p', (event, line) => expect(summarizeEvent(event as never)).toBe(line));
});
