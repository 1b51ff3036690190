import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ErrorCode } from '../shared/domain-error.js';
import { minorDigits, type Money, type MoneyJson } from '../shared/money.js';
import { EARLIEST_MS, LATEST_MS, decideAndCompare, foldFrozen, isInRange, isoOf, outcome, type Outcome } from '../shared/property.spec-helpers.js';
import { DEFAULT_COST_POLICIES, costPolicyDecider, priceError, type CostPolicy } from './cost-policy.decider.js';
import type { SetErrorCostPolicy } from './cost-policy.commands.js';
import type { CostPolicyEvent } from './cost-policy.events.js';

// Cost policies, from product.md: a cost per error by customer kind and error type, effective from
// a moment; history is never rewritten. Setting what is already the latest policy for the same
// kind, type and moment is a no-op; anything else (including a change back) is a new policy.

const KINDS = ['DISTRIBUTOR', 'RESELLER', 'END_USER'] as const;
const TYPES = ['BILLING', 'SHIPPING'] as const;

function formatted(money: Money): MoneyJson | null {
  if (!Intl.supportedValuesOf('currency').includes(money.currency) || money.minor < 0n) return null;
  const digits = minorDigits(money.currency);
  if (money.minor >= 10n ** BigInt(15 + digits)) return null;
  const text = money.minor.toString().padStart(digits + 1, '0');
  return { amount: digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`, currency: money.currency };
}

const moneyArb: fc.Arbitrary<Money> = fc.record({
  minor: fc.oneof(fc.constantFrom(0n, 25_000n, 30_000n, -1n, 10n ** 17n - 1n, 10n ** 17n, 10n ** 18n - 1n), fc.bigInt({ min: 0n, max: 10n ** 18n })),
  currency: fc.oneof(fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'usd', 'US', 'ZZZ'), fc.constantFrom(...Intl.supportedValuesOf('currency'))),
});
const momentArb = fc.oneof(
  fc.constantFrom(EARLIEST_MS, LATEST_MS, Date.parse('2026-01-01T00:00:00Z'), Date.parse('1970-01-01T00:00:00Z'), EARLIEST_MS - 1, LATEST_MS + 1, Number.NaN),
  fc.integer({ min: EARLIEST_MS, max: LATEST_MS }),
);
const setArb = fc.record({
  customerKind: fc.constantFrom<string>(...KINDS, 'PARTNER'),
  errorType: fc.constantFrom<string>(...TYPES, 'QUALITY'),
  costPerError: moneyArb,
  effectiveFrom: momentArb,
});

describe('cost policy decider against a reference model', () => {
  it('appends a policy unless it repeats the latest one for the same kind, type and moment', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.record({ set: setArb, repeatOf: fc.option(fc.nat(), { freq: 3 }) }), { minLength: 1, maxLength: 25 }), (steps) => {
        const policies: CostPolicy[] = [];
        const commands: SetErrorCostPolicy[] = [];
        const history: CostPolicyEvent[] = [];
        for (const [i, step] of steps.entries()) {
          const now = new Date(Date.parse('2026-06-01T00:00:00Z') + i);
          const fresh = { type: 'SetErrorCostPolicy' as const, ...step.set, effectiveFrom: new Date(step.set.effectiveFrom), now } as SetErrorCostPolicy;
          const c = step.repeatOf !== null && commands.length > 0 ? { ...commands[step.repeatOf % commands.length]!, now } : fresh;
          commands.push(c);
          const cost = formatted(c.costPerError);
          const violations: ErrorCode[] =
            !KINDS.includes(c.customerKind) || !TYPES.includes(c.errorType) || !isInRange(c.effectiveFrom) || cost === null ? ['BAD_USER_INPUT'] : [];
          const latest = isInRange(c.effectiveFrom)
            ? policies.filter((p) => p.customerKind === c.customerKind && p.errorType === c.errorType && p.effectiveFrom === isoOf(c.effectiveFrom.getTime())).at(-1)
            : undefined;
          const repeat = latest !== undefined && JSON.stringify(latest.costPerError) === JSON.stringify(cost);
          const want: Outcome<CostPolicyEvent> = outcome(violations, () =>
            repeat ? [] : [{ type: 'ErrorCostPolicySet', data: { customerKind: c.customerKind, errorType: c.errorType, costPerError: cost!, effectiveFrom: isoOf(c.effectiveFrom.getTime()), setAt: isoOf(now.getTime()) } }],
          );
          const events = decideAndCompare(costPolicyDecider, history, c, want);
          seen.add('events' in want ? `${events.length}` : 'refused');
          history.push(...events);
          if (events.length > 0) policies.push({ customerKind: c.customerKind, errorType: c.errorType, costPerError: cost!, effectiveFrom: isoOf(c.effectiveFrom.getTime()) });
          expect(foldFrozen(costPolicyDecider, history)).toStrictEqual(policies.length === 0 ? { status: 'EMPTY' } : { status: 'SET', policies });
        }
      }),
      { seed: 20261206, numRuns: 500 },
    );
    expect([...seen].sort()).toEqual(['0', '1', 'refused']);
  });

  it('the shipped defaults price a distributor\'s billing or shipping error at any valid instant: they hold "from the beginning of time"', () =>
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.oneof(fc.constantFrom(EARLIEST_MS, LATEST_MS, 0, -1), fc.integer({ min: EARLIEST_MS, max: LATEST_MS })), (type, occurredAt) => {
        const price = priceError(DEFAULT_COST_POLICIES, 'DISTRIBUTOR', type, new Date(occurredAt));
        expect(price === null ? null : formatted(price)).toStrictEqual({ amount: '250.00', currency: 'USD' });
      }),
      { seed: 20261208, numRuns: 500 },
    ));

  it('prices an error with the policy of the latest effectiveFrom not after occurredAt, the later-set winning a tie', () => {
    const policyArb = fc.record({
      customerKind: fc.constantFrom(...KINDS),
      errorType: fc.constantFrom(...TYPES),
      costPerError: fc.record({ minor: fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KWD') }).map((m) => formatted(m)!),
      effectiveFrom: fc.oneof(fc.constantFrom(EARLIEST_MS, 0, LATEST_MS), fc.integer({ min: EARLIEST_MS, max: LATEST_MS })).map(isoOf),
    });
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 12 }), fc.constantFrom(...KINDS), fc.constantFrom(...TYPES), fc.oneof(fc.constantFrom(EARLIEST_MS, 0, LATEST_MS), fc.integer({ min: EARLIEST_MS, max: LATEST_MS })), (policies, kind, type, occurredAt) => {
        // Naive: every applicable policy, the latest moment first, the later-set first among equals.
        const applicable = policies
          .map((p, order) => ({ p, order }))
          .filter(({ p }) => p.customerKind === kind && p.errorType === type && Date.parse(p.effectiveFrom) <= occurredAt)
          .sort((a, b) => Date.parse(b.p.effectiveFrom) - Date.parse(a.p.effectiveFrom) || b.order - a.order);
        const want = applicable[0]?.p.costPerError ?? null;
        const price = priceError(policies, kind, type, new Date(occurredAt));
        expect(price === null ? null : formatted(price)).toStrictEqual(want);
      }),
      { seed: 20261207, numRuns: 1_000 },
    );
  });
});
