import { describe, expect, it } from '@jest/globals';
import { errorCostsCsv } from './error-costs.csv.js';

describe('error costs as CSV', () => {
  it('gives one money column per currency with the API’s decimal strings unchanged, unpriced errors counted apart', () => {
    const csv = errorCostsCsv('Month', [
      { key: '2026-01', errors: 3, unpricedErrors: 1, cost: [{ amount: '500.00', currency: 'USD' }] },
      { key: '2026-02', errors: 2, unpricedErrors: 0, cost: [{ amount: '1000000.10', currency: 'USD' }, { amount: '0.05', currency: 'EUR' }] },
      { key: '2026-03', errors: 4, unpricedErrors: 4, cost: [] },
    ]);
    expect(csv).toBe(
      'Month,Errors,Unpriced errors,Cost (EUR),Cost (USD)\r\n' +
        '2026-01,3,1,,500.00\r\n' +
        '2026-02,2,0,0.05,1000000.10\r\n' +
        '2026-03,4,4,,\r\n',
    );
  });

  it('quotes keys holding commas, quotes or line breaks (customer ids are the caller’s)', () => {
    const csv = errorCostsCsv('Customer', [{ key: 'acme, "north"\nbranch', errors: 1, unpricedErrors: 1, cost: [] }]);
    expect(csv).toBe('Customer,Errors,Unpriced errors\r\n"acme, ""north""\nbranch",1,1\r\n');
  });

  it('is the header alone when nothing matches', () => {
    expect(errorCostsCsv('Error type', [])).toBe('Error type,Errors,Unpriced errors\r\n');
  });
});
