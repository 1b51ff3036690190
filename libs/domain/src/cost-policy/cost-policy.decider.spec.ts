import { describe, expect, it } from '@jest/globals';
import { spec } from '../shared/decider.spec-helpers.js';
import { DEFAULT_COST_POLICIES, costPolicyDecider, defaultCostPolicyEvents, priceError, type CostPolicy } from './cost-policy.decider.js';

const given = spec(costPolicyDecider);
const now = new Date('2026-11-23T10:00:00Z');
const set = (amount: bigint, from: string) => ({
  type: 'SetErrorCostPolicy' as const, customerKind: 'DISTRIBUTOR' as const, errorType: 'BILLING' as const,
  costPerError: { minor: amount, currency: 'USD' }, effectiveFrom: new Date(from), now,
});

describe('cost policy decider', () => {
  it('sets a policy with an effective date', () =>
    given([]).when(set(30000n, '2026-12-01T00:00:00Z')).then([
      { type: 'ErrorCostPolicySet', data: { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: { amount: '300.00', currency: 'USD' }, effectiveFrom: '2026-12-01T00:00:00.000Z', setAt: '2026-11-23T10:00:00.000Z' } },
    ]));
  it('sets the identical policy only once', () => {
    const events = defaultCostPolicyEvents(now);
    given(events).when(set(25000n, '1970-01-01T00:00:00Z')).then([]);
  });
  it('refuses an unknown kind', () =>
    given([]).when({ ...set(1n, '2026-01-01T00:00:00Z'), customerKind: 'VIP' as never }).thenRefused('BAD_USER_INPUT', 'customerKind'));
});

describe('priceError', () => {
  const policies: CostPolicy[] = [
    ...DEFAULT_COST_POLICIES,
    { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: { amount: '300.00', currency: 'USD' }, effectiveFrom: '2026-11-15T00:00:00.000Z' },
  ];
  it('uses the policy in effect when the error occurred: a mid-month change does not re-price earlier errors', () => {
    expect(priceError(policies, 'DISTRIBUTOR', 'BILLING', new Date('2026-11-10T00:00:00Z'))).toEqual({ minor: 25000n, currency: 'USD' });
    expect(priceError(policies, 'DISTRIBUTOR', 'BILLING', new Date('2026-11-15T00:00:00Z'))).toEqual({ minor: 30000n, currency: 'USD' });
    expect(priceError(policies, 'DISTRIBUTOR', 'SHIPPING', new Date('2026-11-20T00:00:00Z'))).toEqual({ minor: 25000n, currency: 'USD' });
  });
  it('is null (unpriced) when no policy covers the kind', () => expect(priceError(policies, 'RESELLER', 'BILLING', now)).toBeNull());
  it('lets the later-set policy win a tie on effectiveFrom', () => {
    const tie = [...policies, { ...policies[2]!, costPerError: { amount: '310.00', currency: 'USD' } }];
    expect(priceError(tie, 'DISTRIBUTOR', 'BILLING', now)).toEqual({ minor: 31000n, currency: 'USD' });
  });
});
