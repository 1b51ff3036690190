import { describe, expect, it } from '@jest/globals';
import { spec, stateAfter } from '../shared/decider.spec-helpers.js';
import { DEFAULT_COST_POLICIES, costPolicyDecider, defaultCostPolicyEvents, priceError, type CostPolicy } from './cost-policy.decider.js';
import type { CostPolicyCommand } from './cost-policy.commands.js';
import type { CostPolicyEvent } from './cost-policy.events.js';

const given = spec(costPolicyDecider);
const now = new Date('2026-11-23T10:00:00Z');
const SET_AT = '2026-11-23T10:00:00.000Z';
const set = (minor: bigint, from: string, over: Record<string, unknown> = {}) =>
  ({
    type: 'SetErrorCostPolicy', customerKind: 'DISTRIBUTOR', errorType: 'BILLING',
    costPerError: { minor, currency: 'USD' }, effectiveFrom: new Date(from), now, ...over,
  }) as CostPolicyCommand;
const policySet = (amount: string, effectiveFrom: string, currency = 'USD'): CostPolicyEvent => ({
  type: 'ErrorCostPolicySet',
  data: { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: { amount, currency }, effectiveFrom, setAt: SET_AT },
});

describe('cost policy decider', () => {
  it('sets a policy with an effective date', () => given([]).when(set(30000n, '2026-12-01T00:00:00Z')).then([policySet('300.00', '2026-12-01T00:00:00.000Z')]));

  it('lists every policy in the order set', () =>
    expect(stateAfter(costPolicyDecider, [policySet('300.00', '2026-12-01T00:00:00.000Z'), policySet('200.00', '2026-06-01T00:00:00.000Z')])).toEqual({
      status: 'SET',
      policies: [
        { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: { amount: '300.00', currency: 'USD' }, effectiveFrom: '2026-12-01T00:00:00.000Z' },
        { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: { amount: '200.00', currency: 'USD' }, effectiveFrom: '2026-06-01T00:00:00.000Z' },
      ],
    }));

  it('sets the identical policy only once', () => given([policySet('300.00', '2026-12-01T00:00:00.000Z')]).when(set(30000n, '2026-12-01T00:00:00Z')).then([]));

  it('sets the shipped default only once', () => given(defaultCostPolicyEvents(now)).when(set(25000n, '0001-01-01T00:00:00Z')).then([]));

  it.each([
    ['another amount', set(31000n, '2026-12-01T00:00:00Z'), policySet('310.00', '2026-12-01T00:00:00.000Z')],
    ['another currency', set(30000n, '2026-12-01T00:00:00Z', { costPerError: { minor: 30000n, currency: 'EUR' } }), policySet('300.00', '2026-12-01T00:00:00.000Z', 'EUR')],
    ['another effectiveFrom', set(30000n, '2027-01-01T00:00:00Z'), policySet('300.00', '2027-01-01T00:00:00.000Z')],
  ])('sets the policy again with %s', (_, command, event) => given([policySet('300.00', '2026-12-01T00:00:00.000Z')]).when(command).then([event]));

  it('sets a change back to an earlier amount for the same moment (250 → 300 → 250)', () =>
    given([policySet('250.00', '2026-12-01T00:00:00.000Z'), policySet('300.00', '2026-12-01T00:00:00.000Z')])
      .when(set(25000n, '2026-12-01T00:00:00Z'))
      .then([policySet('250.00', '2026-12-01T00:00:00.000Z')]));

  it.each([
    [{ customerKind: 'VIP' }, 'customerKind'],
    [{ errorType: 'TYPO' }, 'errorType'],
    [{ effectiveFrom: new Date('nonsense') }, 'effectiveFrom'],
    [{ costPerError: { minor: -1n, currency: 'USD' } }, 'costPerError'],
    [{ costPerError: { minor: 1n, currency: 'US' } }, 'costPerError'],
  ])('refuses %p', (over, field) => given([]).when(set(100n, '2026-01-01T00:00:00Z', over)).thenRefused('BAD_USER_INPUT', field));

  it('refuses an unknown command type', () => given([]).when({ type: 'DropErrorCostPolicy', now } as never).thenRefused('BAD_USER_INPUT'));
});

describe('shipped defaults', () => {
  it('price distributor billing and shipping errors at 250.00 USD from the beginning of time', () =>
    expect(defaultCostPolicyEvents(now)).toStrictEqual(
      (['BILLING', 'SHIPPING'] as const).map((errorType) => ({
        type: 'ErrorCostPolicySet',
        data: { customerKind: 'DISTRIBUTOR', errorType, costPerError: { amount: '250.00', currency: 'USD' }, effectiveFrom: '0001-01-01T00:00:00.000Z', setAt: SET_AT },
      })),
    ));
});

describe('priceError', () => {
  const usd = (minor: bigint) => ({ minor, currency: 'USD' });
  const policy = (amount: string, effectiveFrom: string, errorType: 'BILLING' | 'SHIPPING' = 'BILLING'): CostPolicy => ({
    customerKind: 'DISTRIBUTOR', errorType, costPerError: { amount, currency: 'USD' }, effectiveFrom,
  });
  // The price changes on 15 Nov, mid-month.
  const policies = [...DEFAULT_COST_POLICIES, policy('300.00', '2026-11-15T00:00:00.000Z')];

  it('keeps the old price for errors that occurred before a mid-month change', () =>
    expect(priceError(policies, 'DISTRIBUTOR', 'BILLING', new Date('2026-11-14T23:59:59.999Z'))).toEqual(usd(25000n)));

  it('uses the new price from the moment it takes effect', () =>
    expect(priceError(policies, 'DISTRIBUTOR', 'BILLING', new Date('2026-11-15T00:00:00Z'))).toEqual(usd(30000n)));

  it('leaves the other error type at its own price', () =>
    expect(priceError(policies, 'DISTRIBUTOR', 'SHIPPING', new Date('2026-11-20T00:00:00Z'))).toEqual(usd(25000n)));

  it('is null (unpriced) for a kind no policy covers', () => expect(priceError(policies, 'RESELLER', 'BILLING', now)).toBeNull());

  it('is null before the first policy takes effect', () =>
    expect(priceError([policy('300.00', '2026-11-15T00:00:00.000Z')], 'DISTRIBUTOR', 'BILLING', new Date('2026-11-01T00:00:00Z'))).toBeNull());

  it('takes the latest effectiveFrom, whatever the order the policies were set in', () => {
    const backdated = [policy('300.00', '2026-11-15T00:00:00.000Z'), policy('200.00', '2026-01-01T00:00:00.000Z')];
    expect(priceError(backdated, 'DISTRIBUTOR', 'BILLING', new Date('2026-11-20T00:00:00Z'))).toEqual(usd(30000n));
  });

  it('lets the later-set policy win a tie on effectiveFrom', () => {
    const tie = [...policies, policy('310.00', '2026-11-15T00:00:00.000Z')];
    expect(priceError(tie, 'DISTRIBUTOR', 'BILLING', now)).toEqual(usd(31000n));
  });
});
