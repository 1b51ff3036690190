import { describe, expect, it } from '@jest/globals';
import { refusal } from './decider.spec-helpers.js';
import {
  addMoney,
  formatMoney,
  minorDigits,
  moneyEquals,
  moneyFromJson,
  moneyToJson,
  multiplyMoneyRatio,
  parseMoney,
  sumByCurrency,
  type Money,
} from './money.js';

const usd = (minor: bigint): Money => ({ minor, currency: 'USD' });

describe('parseMoney', () => {
  it.each([
    ['250.00', 'USD', 25000n],
    ['0.00', 'USD', 0n],
    ['0.05', 'USD', 5n],
    ['999999999999999.99', 'USD', 99999999999999999n],
    ['1000', 'JPY', 1000n],
    ['0', 'KRW', 0n],
    ['1.234', 'KWD', 1234n],
    ['0.500', 'BHD', 500n],
  ])('parses %s %s', (amount, currency, minor) => expect(parseMoney({ amount, currency })).toStrictEqual({ minor, currency }));

  it.each([['250'], ['250.5'], ['-1'], ['-1.00'], ['1e3'], ['abc'], [' 250.00'], ['250.00 '], ['250.001'], [''], ['0250.00'], ['+1.00'], ['1,000.00'], ['1000000000000000.00']])(
    'refuses the USD amount %p with BAD_USER_INPUT on the amount field',
    (amount) => {
      const error = refusal(() => parseMoney({ amount, currency: 'USD' }));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(Object.keys(error.fields ?? {})).toEqual(['amount']);
    },
  );

  it.each([
    ['250.00', 'JPY'],
    ['250.00', 'KWD'],
    ['250.0', 'KWD'],
  ])('refuses %s for %s (wrong number of minor digits)', (amount, currency) =>
    expect(refusal(() => parseMoney({ amount, currency })).code).toBe('BAD_USER_INPUT'));

  it('refuses a number where a decimal string is expected', () =>
    expect(refusal(() => parseMoney({ amount: 250 as unknown as string, currency: 'USD' })).fields).toHaveProperty('amount'));

  it.each([['usd'], ['US'], ['DOLLAR'], [''], ['U$D']])('refuses the currency %p', (currency) => {
    const error = refusal(() => parseMoney({ amount: '1.00', currency }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(error.fields ?? {})).toEqual(['currency']);
  });

  it.each([['ZZZ'], ['XXX'], ['ABC']])('refuses %p: three letters, but not an ISO 4217 currency in use', (currency) => {
    const error = refusal(() => parseMoney({ amount: '1.00', currency }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(error.fields ?? {})).toEqual(['currency']);
  });

  it('reads money stored in an event as written, whatever currency list this runtime has', () =>
    expect(moneyFromJson({ amount: '1.00', currency: 'ZZZ' })).toStrictEqual({ minor: 100n, currency: 'ZZZ' }));

  it('names the offending input field it was given', () => {
    expect(refusal(() => parseMoney({ amount: '250', currency: 'USD' }, 'cost.amount')).fields).toEqual({ 'cost.amount': 'must look like "250.00"' });
    expect(Object.keys(refusal(() => parseMoney({ amount: '1.00', currency: 'usd' }, 'cost.amount')).fields ?? {})).toEqual(['cost.currency']);
  });

  it('refuses a missing money object', () => expect(refusal(() => parseMoney(null as never, 'cost')).fields).toHaveProperty('cost'));
});

describe('minorDigits (ISO 4217)', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['ISK', 0],
    ['CLP', 0],
    ['VND', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['OMR', 3],
    ['JOD', 3],
    ['TND', 3],
    ['IQD', 3],
    ['LYD', 3],
  ])('%s has %i', (currency, digits) => expect(minorDigits(currency)).toBe(digits));
});

describe('formatMoney and the JSON form', () => {
  it('formats with the currency\'s minor digits', () => {
    expect(formatMoney(usd(5n))).toStrictEqual({ amount: '0.05', currency: 'USD' });
    expect(formatMoney(usd(25000n))).toStrictEqual({ amount: '250.00', currency: 'USD' });
    expect(formatMoney({ minor: 1000n, currency: 'JPY' })).toStrictEqual({ amount: '1000', currency: 'JPY' });
    expect(formatMoney({ minor: 1n, currency: 'KWD' })).toStrictEqual({ amount: '0.001', currency: 'KWD' });
  });

  it('round-trips through the form stored in events', () => {
    const money = usd(123456789n);
    const json = moneyToJson(money);
    expect(json).toStrictEqual({ amount: '1234567.89', currency: 'USD' });
    expect(JSON.parse(JSON.stringify(json))).toStrictEqual(json);
    expect(moneyFromJson(json)).toStrictEqual(money);
  });
});

describe('money arithmetic', () => {
  it('adds within a currency', () => expect(addMoney(usd(150n), usd(250n))).toStrictEqual(usd(400n)));

  it('refuses to add different currencies', () => expect(refusal(() => addMoney(usd(1n), { minor: 1n, currency: 'EUR' })).code).toBe('BAD_USER_INPUT'));

  it('compares amount and currency', () => {
    expect(moneyEquals(usd(1n), usd(1n))).toBe(true);
    expect(moneyEquals(usd(1n), usd(2n))).toBe(false);
    expect(moneyEquals(usd(1n), { minor: 1n, currency: 'EUR' })).toBe(false);
  });

  it('sums per currency, sorted by currency, never mixing them', () =>
    expect(sumByCurrency([usd(1n), { minor: 2n, currency: 'EUR' }, usd(3n), { minor: 7n, currency: 'CHF' }])).toStrictEqual([
      { minor: 7n, currency: 'CHF' },
      { minor: 2n, currency: 'EUR' },
      { minor: 4n, currency: 'USD' },
    ]));

  it('sums nothing to nothing', () => expect(sumByCurrency([])).toStrictEqual([]));

  it('multiplies by a ratio rounding half up (the forecast: × 365 / windowDays)', () => {
    expect(multiplyMoneyRatio(usd(15000n), 365n, 90n)).toStrictEqual(usd(60833n)); // 60833.33…
    expect(multiplyMoneyRatio(usd(1n), 1n, 2n)).toStrictEqual(usd(1n)); // 0.5 → 1
    expect(multiplyMoneyRatio(usd(1n), 1n, 3n)).toStrictEqual(usd(0n)); // 0.33… → 0
    expect(multiplyMoneyRatio(usd(5n), 2n, 3n)).toStrictEqual(usd(3n)); // 3.33… → 3
    expect(multiplyMoneyRatio(usd(25000n), 365n, 365n)).toStrictEqual(usd(25000n));
  });

  it('refuses a zero denominator', () => expect(refusal(() => multiplyMoneyRatio(usd(1n), 1n, 0n)).code).toBe('BAD_USER_INPUT'));
});
