import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from './domain-error.js';
import { formatMoney, minorDigits, multiplyMoneyRatio, parseMoney, sumByCurrency, type Money } from './money.js';

// Money round trips and arithmetic against naive bigint references. The currencies cover every
// minor-digit class (0, 2 and 3 digits) and every ISO 4217 currency in use (the runtime's ICU list).

const ZERO_DIGITS = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const THREE_DIGITS = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
const currencyArb = fc.oneof(fc.constantFrom(...ZERO_DIGITS, ...THREE_DIGITS, 'USD', 'EUR', 'CHF'), fc.constantFrom(...Intl.supportedValuesOf('currency')));
const cap = (currency: string) => 10n ** BigInt(15 + minorDigits(currency));
/** Any amount the domain accepts: 0, 1, the largest with 15 integer digits, and anything between. */
const moneyArb: fc.Arbitrary<Money> = currencyArb.chain((currency) =>
  fc.oneof(fc.constantFrom(0n, 1n, cap(currency) - 1n, cap(currency) / 10n), fc.bigInt({ min: 0n, max: cap(currency) - 1n })).map((minor) => ({ minor, currency })),
);

describe('money properties', () => {
  it('knows the minor digits of every class', () => {
    for (const c of ZERO_DIGITS) expect([c, minorDigits(c)]).toEqual([c, 0]);
    for (const c of THREE_DIGITS) expect([c, minorDigits(c)]).toEqual([c, 3]);
  });

  it('parseMoney ∘ formatMoney is the identity, up to the digit limit', () =>
    fc.assert(
      fc.property(moneyArb, (money) => {
        const json = formatMoney(money);
        const digits = minorDigits(money.currency);
        // The shape: integer part without leading zeros, exactly the currency's minor digits.
        expect(json.amount).toMatch(digits === 0 ? /^(0|[1-9]\d{0,14})$/ : new RegExp(`^(0|[1-9]\\d{0,14})\\.\\d{${digits}}$`));
        expect(parseMoney(json)).toStrictEqual(money);
      }),
      { seed: 1, numRuns: 2_000 },
    ));

  it('formatMoney ∘ parseMoney is the identity on every string it accepts; anything else is BAD_USER_INPUT on the amount', () => {
    const amountArb = fc.oneof(
      fc.stringMatching(/^(0|[1-9]\d{0,15})(\.\d{0,4})?$/),
      fc.stringMatching(/^[-+ 0-9.,e]{0,20}$/),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(amountArb, currencyArb, (amount, currency) => {
        let parsed: Money | undefined;
        try {
          parsed = parseMoney({ amount, currency }, 'cost.amount');
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('BAD_USER_INPUT');
          expect(Object.keys((error as DomainError).fields ?? {})).toEqual(['cost.amount']);
        }
        const digits = minorDigits(currency);
        const [whole, fraction] = amount.split('.');
        const acceptable = /^(0|[1-9]\d{0,14})$/.test(whole ?? '') && (digits === 0 ? fraction === undefined : fraction !== undefined && new RegExp(`^\\d{${digits}}$`).test(fraction));
        expect(parsed !== undefined).toBe(acceptable);
        if (parsed) expect(formatMoney(parsed)).toStrictEqual({ amount, currency });
      }),
      { seed: 2, numRuns: 3_000 },
    );
  });

  it('sumByCurrency equals a naive bigint sum per currency, sorted by code', () =>
    fc.assert(
      fc.property(fc.array(moneyArb, { maxLength: 40 }), (list) => {
        const naive: Record<string, bigint> = {};
        for (const m of list) naive[m.currency] = (naive[m.currency] ?? 0n) + m.minor;
        const want = Object.keys(naive).sort().map((currency) => ({ currency, minor: naive[currency]! }));
        expect(sumByCurrency(list)).toStrictEqual(want);
      }),
      { seed: 3, numRuns: 1_000 },
    ));

  it('multiplyMoneyRatio rounds the exact rational half up', () =>
    fc.assert(
      fc.property(moneyArb, fc.bigInt({ min: 0n, max: 10_000n }), fc.bigInt({ min: 1n, max: 10_000n }), (money, numerator, denominator) => {
        // round(x) half up for x = p / q ≥ 0 is floor((2p + q) / 2q).
        const p = money.minor * numerator;
        const want = (2n * p + denominator) / (2n * denominator);
        expect(multiplyMoneyRatio(money, numerator, denominator)).toStrictEqual({ minor: want, currency: money.currency });
      }),
      { seed: 4, numRuns: 2_000 },
    ));
});
