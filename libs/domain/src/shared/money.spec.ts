import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { formatMoney, multiplyMoneyRatio, parseMoney, sumByCurrency } from './money.js';

describe('money', () => {
  it.each([
    ['250.00', 'USD', 25000n],
    ['0.00', 'USD', 0n],
    ['1000', 'JPY', 1000n],
    ['1.234', 'KWD', 1234n],
  ])('parses %s %s', (amount, currency, minor) => expect(parseMoney({ amount, currency })).toEqual({ minor, currency }));

  it.each([['250'], ['250.5'], ['-1'], ['1e3'], ['abc'], [' 250.00'], ['250.001'], [''], ['0250.00'], ['1000000000000000.00']])(
    'refuses the amount %p',
    (amount) => expect(() => parseMoney({ amount, currency: 'USD' })).toThrow(DomainError),
  );

  it.each([['usd'], ['US'], ['DOLLAR'], ['']])('refuses the currency %p', (currency) => {
    expect(() => parseMoney({ amount: '1.00', currency })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('formats with the currency\'s minor digits', () => {
    expect(formatMoney({ minor: 5n, currency: 'USD' })).toEqual({ amount: '0.05', currency: 'USD' });
    expect(formatMoney({ minor: 1000n, currency: 'JPY' })).toEqual({ amount: '1000', currency: 'JPY' });
  });

  it('sums per currency and never mixes them', () =>
    expect(sumByCurrency([{ minor: 1n, currency: 'USD' }, { minor: 2n, currency: 'EUR' }, { minor: 3n, currency: 'USD' }])).toEqual([
      { minor: 2n, currency: 'EUR' },
      { minor: 4n, currency: 'USD' },
    ]));

  it('multiplies by a ratio rounding half up (the forecast)', () => {
    expect(multiplyMoneyRatio({ minor: 15000n, currency: 'USD' }, 365n, 90n)).toEqual({ minor: 60833n, currency: 'USD' });
    expect(multiplyMoneyRatio({ minor: 1n, currency: 'USD' }, 1n, 2n)).toEqual({ minor: 1n, currency: 'USD' });
  });
});
