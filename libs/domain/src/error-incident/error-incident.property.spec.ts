import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ErrorCode } from '../shared/domain-error.js';
import { minorDigits, type Money, type MoneyJson } from '../shared/money.js';
import {
  advanceArb,
  advanceClock,
  decideAndCompare,
  expectedOptionalText,
  expectedText,
  foldFrozen,
  idArb,
  isInRange,
  isValidId,
  isoOf,
  outcome,
  resolveWhen,
  startArb,
  textArb,
  whenArb,
  type Advance,
  type Outcome,
  type When,
} from '../shared/property.spec-helpers.js';
import { errorIncidentDecider } from './error-incident.decider.js';
import type { ErrorIncidentCommand, RecordError } from './error-incident.commands.js';
import type { ErrorIncidentEvent } from './error-incident.events.js';

// A reference model of an error incident, from product.md: OPEN → RESOLVED (the cost still
// counts) or → VOIDED (recorded by mistake); a resolved error can still be voided; a voided one
// is final. Recording is idempotent for the same content under the same id.

const TYPES = ['BILLING', 'SHIPPING'];

/** Money at and around the cap of 15 integer digits, in currencies of 0, 2 and 3 minor digits. */
const moneyArb: fc.Arbitrary<Money> = fc
  .tuple(
    fc.oneof(fc.constantFrom('USD', 'EUR', 'JPY', 'KRW', 'KWD', 'BHD', 'CLP'), fc.constantFrom(...Intl.supportedValuesOf('currency')), fc.constantFrom('usd', 'US', 'EURO', '€€€', '', 'ZZZ', 'XXX')),
    fc.oneof(fc.constantFrom('zero', 'one', 'max', 'over', 'negative'), fc.bigInt({ min: 0n, max: 10n ** 18n })),
  )
  .map(([currency, size]) => {
    const cap = 10n ** BigInt(15 + (Intl.supportedValuesOf('currency').includes(currency) ? minorDigits(currency) : 2));
    const minor = size === 'zero' ? 0n : size === 'one' ? 1n : size === 'max' ? cap - 1n : size === 'over' ? cap : size === 'negative' ? -1n : (size as bigint);
    return { minor, currency };
  });

/** The money the domain must accept, formatted by hand: null when it must refuse it. */
function expectedMoney(money: Money): MoneyJson | null {
  if (!Intl.supportedValuesOf('currency').includes(money.currency) || money.minor < 0n) return null;
  const digits = minorDigits(money.currency);
  if (money.minor >= 10n ** BigInt(15 + digits)) return null;
  const text = money.minor.toString();
  if (digits === 0) return { amount: text, currency: money.currency };
  const padded = text.padStart(digits + 1, '0');
  return { amount: `${padded.slice(0, padded.length - digits)}.${padded.slice(padded.length - digits)}`, currency: money.currency };
}

interface Model {
  errorId: string;
  customerId: string;
  errorType: string;
  occurredAt: number;
  reference?: string;
  description?: string;
  cost?: MoneyJson;
  status: 'OPEN' | 'RESOLVED' | 'VOIDED';
  resolution?: string;
  resolvedAt?: number;
  voidReason?: string;
  voidedAt?: number;
}

type Base = 'occurredAt';
type W = When<Base>;
type Change = 'customerId' | 'errorType' | 'reference' | 'description' | 'cost' | 'occurredAt';
type RecordSpec = {
  type: 'RecordError'; errorId: string; customerId: string; errorType: string; occurredAt?: W; reference?: string; description?: string; cost?: Money;
};
type Spec =
  | RecordSpec
  | { type: 'RepeatRecord'; dropOccurredAt: boolean; change?: Change }
  | { type: 'ResolveError'; resolution: string }
  | { type: 'VoidError'; reason: string };

const when = whenArb<Base>(['occurredAt']);
const recordArb = (good: boolean): fc.Arbitrary<RecordSpec> =>
  fc.record(
    {
      type: fc.constant('RecordError' as const),
      errorId: good ? fc.constant('e1') : idArb(['e1']),
      customerId: good ? fc.constant('c1') : idArb(['c1', 'c2']),
      errorType: good ? fc.constantFrom(...TYPES) : fc.constantFrom(...TYPES, 'TYPO', 'billing'),
      occurredAt: good ? fc.record({ base: fc.constant('now' as const), delta: fc.integer({ min: -400 * 86_400_000, max: 0 }) }) : when,
      reference: textArb(200),
      description: textArb(2_000),
      cost: moneyArb,
    },
    { requiredKeys: ['type', 'errorId', 'customerId', 'errorType'] },
  );
const specArb: fc.Arbitrary<Spec> = fc.oneof(
  recordArb(false),
  fc.record(
    { type: fc.constant('RepeatRecord' as const), dropOccurredAt: fc.boolean(), change: fc.constantFrom<Change>('customerId', 'errorType', 'reference', 'description', 'cost', 'occurredAt') },
    { requiredKeys: ['type', 'dropOccurredAt'] },
  ),
  fc.record({ type: fc.constant('ResolveError' as const), resolution: textArb(2_000) }),
  fc.record({ type: fc.constant('VoidError' as const), reason: textArb(2_000) }),
);
const scenarioArb = fc.record({
  start: startArb,
  first: fc.oneof({ weight: 4, arbitrary: recordArb(true) }, { weight: 1, arbitrary: recordArb(false) }),
  steps: fc.array(fc.record({ advance: advanceArb<Base>(['occurredAt']), spec: specArb }), { maxLength: 20, size: 'max' }),
});

const ref = (m: Model) => ({ errorId: m.errorId, customerId: m.customerId });

function expected(m: Model | null, c: ErrorIncidentCommand): Outcome<ErrorIncidentEvent> {
  const now = c.now.getTime();
  switch (c.type) {
    case 'RecordError': {
      const reference = expectedOptionalText(c.reference, 200);
      const description = expectedOptionalText(c.description, 2_000);
      const cost = c.cost === undefined ? undefined : expectedMoney(c.cost);
      const bad = !isValidId(c.errorId) || !isValidId(c.customerId) || !TYPES.includes(c.errorType) ||
        (c.occurredAt !== undefined && !isInRange(c.occurredAt)) || reference === null || description === null || cost === null;
      const violations: ErrorCode[] = bad ? ['BAD_USER_INPUT'] : [];
      if (m !== null) {
        const same = m.customerId === c.customerId && m.errorType === c.errorType && m.reference === reference?.value &&
          m.description === description?.value && JSON.stringify(m.cost) === JSON.stringify(cost) &&
          (c.occurredAt === undefined || m.occurredAt === c.occurredAt.getTime());
        if (!same) violations.push('CONFLICT');
        return outcome(violations, () => []);
      }
      const occurredAt = c.occurredAt?.getTime() ?? now;
      if (occurredAt > now) violations.push('BAD_USER_INPUT');
      return outcome(violations, () => [{
        type: 'ErrorRecorded',
        data: {
          errorId: c.errorId, customerId: c.customerId, type: c.errorType as 'BILLING', occurredAt: isoOf(occurredAt),
          ...(reference?.value ? { reference: reference.value } : {}), ...(description?.value ? { description: description.value } : {}), ...(cost ? { cost } : {}),
        },
      }]);
    }
    case 'ResolveError': {
      const violations: ErrorCode[] = m === null ? ['NOT_FOUND'] : m.status !== 'OPEN' ? ['INVALID_STATE'] : [];
      const resolution = expectedText(c.resolution, 2_000);
      if (resolution === null) violations.push('BAD_USER_INPUT');
      return outcome(violations, () => [{ type: 'ErrorResolved', data: { ...ref(m!), resolution: resolution!, resolvedAt: isoOf(now) } }]);
    }
    case 'VoidError': {
      const violations: ErrorCode[] = m === null ? ['NOT_FOUND'] : m.status === 'VOIDED' ? ['INVALID_STATE'] : [];
      const reason = expectedText(c.reason, 2_000);
      if (reason === null) violations.push('BAD_USER_INPUT');
      return outcome(violations, () => [{ type: 'ErrorVoided', data: { ...ref(m!), reason: reason!, voidedAt: isoOf(now) } }]);
    }
  }
}

function next(m: Model | null, c: ErrorIncidentCommand, events: ErrorIncidentEvent[]): Model | null {
  if (events.length === 0) return m;
  const now = c.now.getTime();
  switch (c.type) {
    case 'RecordError': {
      const reference = c.reference?.trim() || undefined;
      const description = c.description?.trim() || undefined;
      const cost = c.cost && expectedMoney(c.cost);
      return {
        errorId: c.errorId, customerId: c.customerId, errorType: c.errorType, occurredAt: c.occurredAt?.getTime() ?? now, status: 'OPEN',
        ...(reference ? { reference } : {}), ...(description ? { description } : {}), ...(cost ? { cost } : {}),
      };
    }
    case 'ResolveError':
      return { ...m!, status: 'RESOLVED', resolution: c.resolution.trim(), resolvedAt: now };
    case 'VoidError': {
      // Voiding replaces the resolution: the record was a mistake.
      const { resolution: _r, resolvedAt: _at, ...rest } = m!;
      return { ...rest, status: 'VOIDED', voidReason: c.reason.trim(), voidedAt: now };
    }
  }
}

function stateOf(m: Model | null) {
  if (m === null) return { status: 'NONE' };
  const details = {
    errorId: m.errorId, customerId: m.customerId, errorType: m.errorType, occurredAt: isoOf(m.occurredAt),
    ...(m.reference !== undefined ? { reference: m.reference } : {}), ...(m.description !== undefined ? { description: m.description } : {}),
    ...(m.cost !== undefined ? { cost: m.cost } : {}),
  };
  switch (m.status) {
    case 'OPEN':
      return { ...details, status: 'OPEN' };
    case 'RESOLVED':
      return { ...details, status: 'RESOLVED', resolution: m.resolution, resolvedAt: isoOf(m.resolvedAt!) };
    case 'VOIDED':
      return { ...details, status: 'VOIDED', voidReason: m.voidReason, voidedAt: isoOf(m.voidedAt!) };
  }
}

function command(spec: Spec, m: Model | null, now: number, last: RecordError | undefined): ErrorIncidentCommand {
  const base = { errorId: 'e1', now: new Date(now) };
  switch (spec.type) {
    case 'RecordError': {
      const { occurredAt, ...rest } = spec;
      return { ...rest, errorType: rest.errorType as 'BILLING', ...(occurredAt ? { occurredAt: resolveWhen(occurredAt, now, { occurredAt: m?.occurredAt }) } : {}), now: base.now };
    }
    case 'RepeatRecord': {
      const again: RecordError = last ? { ...last, now: base.now } : { type: 'RecordError', errorId: 'e1', customerId: 'c1', errorType: 'SHIPPING', now: base.now };
      if (spec.dropOccurredAt) delete again.occurredAt;
      switch (spec.change) {
        case 'customerId': return { ...again, customerId: `${again.customerId}x` };
        case 'errorType': return { ...again, errorType: again.errorType === 'BILLING' ? 'SHIPPING' : 'BILLING' };
        case 'reference': return { ...again, reference: `${again.reference ?? ''}R` };
        case 'description': return { ...again, description: `${again.description ?? ''}D` };
        case 'cost': return { ...again, cost: again.cost ? { ...again.cost, minor: again.cost.minor + 1n } : { minor: 25_000n, currency: 'USD' } };
        case 'occurredAt': return { ...again, occurredAt: new Date((again.occurredAt ?? again.now).getTime() - 1) };
        default: return again;
      }
    }
    case 'ResolveError':
      return { ...base, type: spec.type, resolution: spec.resolution };
    case 'VoidError':
      return { ...base, type: spec.type, reason: spec.reason };
  }
}

describe('error incident decider against a reference model', () => {
  it('accepts and refuses exactly what the model does, with its events and codes, and folds to its state', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, ({ start, first, steps }) => {
        let now = start;
        let model: Model | null = null;
        let last: RecordError | undefined;
        const history: ErrorIncidentEvent[] = [];
        for (const { advance, spec } of [{ advance: 0 as Advance<Base>, spec: first as Spec }, ...steps]) {
          now = advanceClock(now, advance, { occurredAt: model?.occurredAt });
          const c = command(spec, model, now, last);
          if (c.type === 'RecordError') last = c;
          const want = expected(model, c);
          const events = decideAndCompare(errorIncidentDecider, history, c, want);
          seen.add('events' in want ? `${c.type}:${events.map((e) => e.type).join('+') || 'none'}` : `${c.type}:${[...new Set(want.refused)].sort().join('|')}`);
          history.push(...events);
          model = next(model, c, events);
          expect(foldFrozen(errorIncidentDecider, history)).toStrictEqual(stateOf(model));
        }
      }),
      { seed: 20261204, numRuns: 500 },
    );
    for (const label of ['RecordError:ErrorRecorded', 'RecordError:none', 'RecordError:CONFLICT', 'RecordError:BAD_USER_INPUT', 'ResolveError:ErrorResolved',
      'ResolveError:INVALID_STATE', 'ResolveError:NOT_FOUND', 'VoidError:ErrorVoided', 'VoidError:INVALID_STATE']) {
      expect([label, seen.has(label)]).toEqual([label, true]);
    }
  });
});
