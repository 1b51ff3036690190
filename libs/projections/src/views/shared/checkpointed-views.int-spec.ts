import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '#libs/event-store';
import { freshId, withLedgerLog as withLog, type LedgerLog } from '../../../test/fixtures/ledger-log.fixture.js';
import { ledgerProjections } from '../registry.js';

/** Statements one batch costs the `ledger` checkpoint, applied in a transaction rolled back after. */
async function statements(log: LedgerLog, events: StoredEvent[]): Promise<number> {
  const ledger = ledgerProjections().find((p) => p.name === 'ledger')!;
  const client = await log.pool.connect();
  const query = client.query.bind(client);
  let count = 0;
  try {
    await query('begin');
    client.query = ((...args: Parameters<typeof query>) => (count++, query(...args))) as typeof client.query;
    await ledger.apply(events, client);
    return count;
  } finally {
    client.query = query;
    await query('rollback');
    client.release();
  }
}

const promiseMade = (promiseId: string, customerId: string) => ({
  type: 'PromiseMade',
  data: { promiseId, customerId, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'deliver', madeAt: '2026-01-02T00:00:00.000Z', dueBy: '2027-01-01T00:00:00.000Z' },
});

describe('views sharing a checkpoint', () => {
  // One statement per table the batch touches plus one per lookup, as when one projection wrote
  // all five tables: splitting the code by view must not add round trips to a mutation's wait.
  it('apply a mutation batch with one load per kind of row it changes and one write per table it touches', () =>
    withLog(async (log) => {
      const c = await log.customer('RESELLER');
      const kept = freshId('prom');
      await log.append(`promise-${kept}`, promiseMade(kept, c));
      await log.project();

      const made = freshId('prom');
      expect(await statements(log, await log.append(`promise-${made}`, promiseMade(made, c)))).toBe(3); // kinds; promise, counters
      const keep = { type: 'PromiseKept', data: { promiseId: kept, customerId: c, keptAt: '2026-06-01T00:00:00.000Z' } };
      expect(await statements(log, await log.append(`promise-${kept}`, keep))).toBe(3); // promise; promise, counters
      const error = freshId('err');
      const recorded = { type: 'ErrorRecorded', data: { errorId: error, customerId: c, type: 'BILLING', occurredAt: '2026-03-01T00:00:00.000Z' } };
      expect(await statements(log, await log.append(`error-${error}`, recorded))).toBe(4); // kinds, policies; error, its month's roll-up (added, never loaded)
      const other = freshId('cust');
      const registered = { type: 'CustomerRegistered', data: { customerId: other, name: 'N', kind: 'END_USER', registeredAt: '2026-01-01T00:00:00.000Z' } };
      expect(await statements(log, await log.append(`customer-${other}`, registered))).toBe(1);
      // Promises and errors of one batch share one load of their customers' kinds.
      const both = [...(await log.append(`promise-${freshId('prom')}`, promiseMade(freshId('prom'), c))), ...(await log.append(`error-${freshId('err')}`, { ...recorded, data: { ...recorded.data, errorId: freshId('err') } }))];
      expect(await statements(log, both)).toBe(6); // kinds, policies; promise, counters, error, roll-up
      expect(await statements(log, await log.append(`other-${freshId('x')}`, { type: 'SomethingNewer', data: { customerId: c } }))).toBe(0);
    }));
});
