import { describe, expect, it } from '@jest/globals';
import { withLedgerLog as withLog } from '../../../test/fixtures/ledger-log.fixture.js';

const usd = (amount: string) => ({ amount, currency: 'USD' });

describe('error costs', () => {
  it('keeps the old price for errors before a mid-month policy change, and prices later ones by the new policy', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      const early = await log.error(c, 'BILLING', '2026-11-03T09:00:00.000Z');
      await log.error(c, 'SHIPPING', '2026-11-10T09:00:00.000Z');
      await log.policy('DISTRIBUTOR', 'BILLING', usd('300.00'), '2026-11-15T00:00:00.000Z');
      await log.policy('DISTRIBUTOR', 'SHIPPING', usd('300.00'), '2026-11-15T00:00:00.000Z');
      const late = await log.error(c, 'BILLING', '2026-11-16T09:00:00.000Z');
      await log.error(c, 'SHIPPING', '2026-11-20T09:00:00.000Z');
      // Recorded after the change but occurred before it took effect: the old price.
      const backdated = await log.error(c, 'BILLING', '2026-11-12T09:00:00.000Z');
      await log.project();

      expect((await log.queries.errorCosts.errorIncident(early))?.cost).toEqual(usd('250.00'));
      expect((await log.queries.errorCosts.errorIncident(late))?.cost).toEqual(usd('300.00'));
      expect((await log.queries.errorCosts.errorIncident(backdated))?.cost).toEqual(usd('250.00'));
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: c })).toEqual({
        errors: 5, billingErrors: 3, shippingErrors: 2, unpricedErrors: 0, cost: [usd('1350.00')],
      });
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'MONTH' })).toEqual([{ key: '2026-11', errors: 5, unpricedErrors: 0, cost: [usd('1350.00')] }]);
    }));

  it('never re-prices errors recorded before a policy, even one effective in the past, and answers asOf either side of it', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      const before = await log.error(c, 'BILLING', '2026-11-03T09:00:00.000Z');
      const beforePolicy = await log.lastRecordedAt();
      await log.policy('DISTRIBUTOR', 'BILLING', usd('400.00'), '2026-11-01T00:00:00.000Z');
      const afterPolicy = await log.lastRecordedAt();
      const after = await log.error(c, 'BILLING', '2026-11-04T09:00:00.000Z');
      await log.project();

      expect((await log.queries.errorCosts.errorIncident(before))?.cost).toEqual(usd('250.00'));
      expect((await log.queries.errorCosts.errorIncident(after))?.cost).toEqual(usd('400.00'));
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: c, asOf: beforePolicy })).toMatchObject({ errors: 1, cost: [usd('250.00')] });
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: c, asOf: afterPolicy })).toMatchObject({ errors: 1, cost: [usd('250.00')] });
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: c })).toMatchObject({ errors: 2, cost: [usd('650.00')] });
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER', asOf: beforePolicy })).toEqual([{ key: c, errors: 1, unpricedErrors: 0, cost: [usd('250.00')] }]);

      const defaults = [
        { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: usd('250.00'), effectiveFrom: new Date('0001-01-01T00:00:00.000Z') },
        { customerKind: 'DISTRIBUTOR', errorType: 'SHIPPING', costPerError: usd('250.00'), effectiveFrom: new Date('0001-01-01T00:00:00.000Z') },
      ];
      expect(await log.queries.errorCosts.errorCostPolicies(beforePolicy)).toEqual(defaults);
      expect(await log.queries.errorCosts.errorCostPolicies()).toEqual([
        defaults[0],
        { customerKind: 'DISTRIBUTOR', errorType: 'BILLING', costPerError: usd('400.00'), effectiveFrom: new Date('2026-11-01T00:00:00.000Z') },
        defaults[1],
      ]);
    }));

  it('takes an explicit cost over the policy, and prices a kind without policy by its explicit cost', () =>
    withLog(async (log) => {
      const distributor = await log.customer('DISTRIBUTOR');
      const reseller = await log.customer('RESELLER');
      const overridden = await log.error(distributor, 'SHIPPING', '2026-05-01T00:00:00.000Z', { cost: usd('99.99') });
      const explicit = await log.error(reseller, 'BILLING', '2026-05-01T00:00:00.000Z', { cost: { amount: '12.50', currency: 'EUR' } });
      await log.project();

      expect((await log.queries.errorCosts.errorIncident(overridden))?.cost).toEqual(usd('99.99'));
      expect((await log.queries.errorCosts.errorIncident(explicit))?.cost).toEqual({ amount: '12.50', currency: 'EUR' });
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER_KIND' })).toEqual([
        { key: 'DISTRIBUTOR', errors: 1, unpricedErrors: 0, cost: [usd('99.99')] },
        { key: 'RESELLER', errors: 1, unpricedErrors: 0, cost: [{ amount: '12.50', currency: 'EUR' }] },
      ]);
    }));

  it('leaves voided errors out of every figure, counts unpriced ones as unpriced, and still counts a void after asOf', () =>
    withLog(async (log) => {
      const distributor = await log.customer('DISTRIBUTOR');
      const reseller = await log.customer('RESELLER');
      await log.error(distributor, 'BILLING', '2026-06-10T00:00:00.000Z');
      const resolved = await log.error(distributor, 'SHIPPING', '2026-06-11T00:00:00.000Z');
      await log.resolve(resolved);
      const voided = await log.error(distributor, 'BILLING', '2026-06-12T00:00:00.000Z');
      const beforeVoid = await log.lastRecordedAt();
      await log.voidError(voided);
      const resolvedThenVoided = await log.error(distributor, 'SHIPPING', '2026-06-13T00:00:00.000Z');
      await log.resolve(resolvedThenVoided);
      await log.voidError(resolvedThenVoided);
      const unpriced = await log.error(reseller, 'SHIPPING', '2026-06-14T00:00:00.000Z');
      const unpricedVoided = await log.error(reseller, 'BILLING', '2026-06-15T00:00:00.000Z');
      await log.voidError(unpricedVoided);
      await log.project();

      expect(await log.queries.errorCosts.errorIncident(voided)).toMatchObject({ status: 'VOIDED', cost: usd('250.00'), version: 1 });
      expect(await log.queries.errorCosts.errorIncident(resolvedThenVoided)).toMatchObject({ status: 'VOIDED', version: 2 });
      expect(await log.queries.errorCosts.errorIncident(unpriced)).toMatchObject({ status: 'OPEN', cost: null });
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: distributor })).toEqual({
        errors: 2, billingErrors: 1, shippingErrors: 1, unpricedErrors: 0, cost: [usd('500.00')],
      });
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: reseller })).toEqual({
        errors: 1, billingErrors: 0, shippingErrors: 1, unpricedErrors: 1, cost: [],
      });
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'ERROR_TYPE' })).toEqual([
        { key: 'BILLING', errors: 1, unpricedErrors: 0, cost: [usd('250.00')] },
        { key: 'SHIPPING', errors: 2, unpricedErrors: 1, cost: [usd('250.00')] },
      ]);
      expect(await log.queries.errorCosts.errorCostForecast({ windowDays: 90, now: new Date('2026-06-30T00:00:00.000Z') })).toEqual({
        windowDays: 90, errorsInWindow: 3, annualCost: [usd('2027.78')], // 500.00 × 365 / 90
      });
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: distributor, asOf: beforeVoid })).toMatchObject({ errors: 3, cost: [usd('750.00')] });
    }));

  it('totals each currency separately, with its own minor digits, sorted by currency', () =>
    withLog(async (log) => {
      const c = await log.customer('END_USER');
      for (const cost of [usd('10.00'), { amount: '5.50', currency: 'EUR' }, { amount: '1500', currency: 'JPY' }, { amount: '1.250', currency: 'KWD' }, usd('2.25'), { amount: '0.755', currency: 'KWD' }]) {
        await log.error(c, 'BILLING', '2026-07-01T00:00:00.000Z', { cost });
      }
      await log.project();

      expect(await log.queries.errorCosts.errorCostSummary({ customerId: c })).toEqual({
        errors: 6, billingErrors: 6, shippingErrors: 0, unpricedErrors: 0,
        cost: [{ amount: '5.50', currency: 'EUR' }, { amount: '1500', currency: 'JPY' }, { amount: '2.005', currency: 'KWD' }, usd('12.25')],
      });
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER_KIND', customerKind: 'END_USER' })).toEqual([
        { key: 'END_USER', errors: 6, unpricedErrors: 0, cost: [{ amount: '5.50', currency: 'EUR' }, { amount: '1500', currency: 'JPY' }, { amount: '2.005', currency: 'KWD' }, usd('12.25')] },
      ]);
    }));

  it('groups by UTC month at month boundaries, with from inclusive and to exclusive', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      await log.error(c, 'BILLING', '2026-01-31T23:59:59.999Z');
      await log.error(c, 'BILLING', '2026-02-01T00:00:00.000Z');
      await log.error(c, 'SHIPPING', '2026-03-01T04:30:00.000Z'); // 2026-02-28 23:30 in New York: March in UTC
      await log.error(c, 'SHIPPING', '2026-03-31T23:59:59.999Z');
      await log.project();

      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'MONTH' })).toEqual([
        { key: '2026-01', errors: 1, unpricedErrors: 0, cost: [usd('250.00')] },
        { key: '2026-02', errors: 1, unpricedErrors: 0, cost: [usd('250.00')] },
        { key: '2026-03', errors: 2, unpricedErrors: 0, cost: [usd('500.00')] },
      ]);
      const february = { from: new Date('2026-02-01T00:00:00.000Z'), to: new Date('2026-03-01T04:30:00.000Z') };
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'MONTH', ...february })).toEqual([{ key: '2026-02', errors: 1, unpricedErrors: 0, cost: [usd('250.00')] }]);
      expect(await log.queries.errorCosts.errorCostSummary({ customerId: c, ...february })).toMatchObject({ errors: 1, cost: [usd('250.00')] });
    }));

  it('groups by customer and by kind, sorted by key, filtered by customer kind', () =>
    withLog(async (log) => {
      const [a, b] = [await log.customer('DISTRIBUTOR'), await log.customer('DISTRIBUTOR')].sort() as [string, string];
      const reseller = await log.customer('RESELLER');
      await log.error(a, 'BILLING', '2026-04-01T00:00:00.000Z');
      await log.error(b, 'BILLING', '2026-04-01T00:00:00.000Z');
      await log.error(b, 'SHIPPING', '2026-04-02T00:00:00.000Z');
      await log.error(reseller, 'SHIPPING', '2026-04-02T00:00:00.000Z');
      await log.project();

      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER', customerKind: 'DISTRIBUTOR' })).toEqual([
        { key: a, errors: 1, unpricedErrors: 0, cost: [usd('250.00')] },
        { key: b, errors: 2, unpricedErrors: 0, cost: [usd('500.00')] },
      ]);
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER_KIND' })).toEqual([
        { key: 'DISTRIBUTOR', errors: 3, unpricedErrors: 0, cost: [usd('750.00')] },
        { key: 'RESELLER', errors: 1, unpricedErrors: 1, cost: [] },
      ]);
      expect(await log.queries.errorCosts.errorCosts({ groupBy: 'ERROR_TYPE', customerKind: 'END_USER' })).toEqual([]);
    }));

  it('forecasts the window [now − windowDays, now] × 365 / windowDays, rounded half up, for one customer or all', () =>
    withLog(async (log) => {
      const c = await log.customer('END_USER');
      const other = await log.customer('END_USER');
      const now = new Date('2026-06-30T00:00:00.000Z');
      await log.error(c, 'BILLING', '2026-06-25T23:59:59.999Z', { cost: usd('50.00') }); // before the window
      await log.error(c, 'BILLING', '2026-06-26T00:00:00.000Z', { cost: usd('0.09') });
      await log.error(c, 'SHIPPING', '2026-06-30T00:00:00.000Z', { cost: usd('0.09') });
      await log.error(c, 'SHIPPING', '2026-06-29T00:00:00.000Z'); // unpriced: counted, not costed
      await log.error(c, 'SHIPPING', '2026-06-30T00:00:00.001Z', { cost: usd('70.00') }); // after now
      const asOf = await log.lastRecordedAt();
      await log.error(other, 'BILLING', '2026-06-28T00:00:00.000Z', { cost: usd('1.00') });
      await log.project();

      // 0.18 USD × 365 / 4 = 16.425 → 16.43
      expect(await log.queries.errorCosts.errorCostForecast({ customerId: c, windowDays: 4, now })).toEqual({ windowDays: 4, errorsInWindow: 3, annualCost: [usd('16.43')] });
      // 1.18 USD × 365 / 4 = 107.675 → 107.68
      expect(await log.queries.errorCosts.errorCostForecast({ windowDays: 4, now })).toEqual({ windowDays: 4, errorsInWindow: 4, annualCost: [usd('107.68')] });
      expect(await log.queries.errorCosts.errorCostForecast({ windowDays: 4, now, asOf })).toEqual({ windowDays: 4, errorsInWindow: 3, annualCost: [usd('16.43')] });
    }));
});
