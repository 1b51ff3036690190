import { describe, expect, it } from '@jest/globals';
import type { LedgerEvent } from '../ledger-event.js';
import { ERASED_TEXT, dataSubjectOf, personalFieldsOf, redactPersonalData } from './personal-data.js';

const ref = { promiseId: 'p1', customerId: 'c1' };

describe('personal data of events', () => {
  it('names the customer, the e-mail and what an agent typed; never ids, dates, amounts or codes', () => {
    expect(personalFieldsOf({ type: 'CustomerRegistered', data: { customerId: 'c1', name: 'n', kind: 'RESELLER', registeredAt: 't' } })).toEqual(['name', 'email']);
    expect(personalFieldsOf({ type: 'PromiseBroken', data: { ...ref, brokenAt: 't', reason: 'the van broke', reportedAt: 't' } })).toEqual(['reason', 'evidence']);
    expect(personalFieldsOf({ type: 'PromiseBroken', data: { ...ref, brokenAt: 't', reason: 'DEADLINE_PASSED', reportedAt: 't' } })).toEqual(['evidence']);
    expect(personalFieldsOf({ type: 'PromiseAtRisk', data: { ...ref, dueBy: 't', flaggedAt: 't' } })).toEqual([]);
  });

  it('redacts every personal field present, and only those', () => {
    const event: LedgerEvent = { type: 'CustomerRegistered', data: { customerId: 'c1', name: 'Zéphyr', kind: 'RESELLER', region: 'EMEA', registeredAt: 't' } };
    expect(redactPersonalData(event)).toEqual({ type: 'CustomerRegistered', data: { customerId: 'c1', name: ERASED_TEXT, kind: 'RESELLER', region: 'EMEA', registeredAt: 't' } });
    const kept: LedgerEvent = { type: 'PromiseKept', data: { ...ref, keptAt: 't' } };
    expect(redactPersonalData(kept)).toBe(kept);
  });

  it('finds the customer whose key protects an event', () => {
    expect(dataSubjectOf({ type: 'ErrorVoided', data: { errorId: 'e1', customerId: 'c9', reason: 'r', voidedAt: 't' } })).toBe('c9');
    expect(
      dataSubjectOf({ type: 'ErrorCostPolicySet', data: { customerKind: 'RESELLER', errorType: 'BILLING', costPerError: { amount: '1.00', currency: 'EUR' }, effectiveFrom: 't', setAt: 't' } }),
    ).toBeUndefined();
  });
});
