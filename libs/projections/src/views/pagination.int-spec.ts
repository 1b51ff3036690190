import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { summarizeEvent, type LedgerEvent } from '#libs/domain';
import { withLedgerLog as withLog } from '../../test/fixtures/ledger-log.fixture.js';
import { CustomerQueries } from './customers/customer.queries.js';
import { PromiseQueries } from './promises/promise.queries.js';
import type { Page } from './shared/query-sql.js';

/** Follows endCursor to the end; every page must agree on totalCount. */
async function allPages<T>(fetch: (after?: string) => Promise<Page<T>>): Promise<{ pages: T[][]; totalCount: number }> {
  const pages: T[][] = [];
  const counts = new Set<number>();
  let after: string | undefined;
  for (;;) {
    const page = await fetch(after);
    pages.push(page.nodes);
    counts.add(page.totalCount);
    if (!page.hasNextPage) break;
    after = page.endCursor!;
  }
  expect(counts.size).toBe(1);
  return { pages, totalCount: [...counts][0]! };
}

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const FORGED = ['not-a-cursor', '', cursor({}), cursor(['x']), cursor(['2026-13-45T00:00:00.000Z', 'a']), cursor([1, 2]), cursor(['abc']), cursor(['99999999999999999999'])];

describe('pagination', () => {
  it('pages customers by (registeredAt, id) with totalCount, and filters them by kind', () =>
    withLog(async (log) => {
      const registered = ['2026-01-05', '2026-01-01', '2026-01-03', '2026-01-03', '2026-01-02', '2026-01-04', '2026-01-03'];
      const customers: { id: string; day: string; kind: string }[] = [];
      for (const [i, day] of registered.entries()) {
        const kind = i % 3 === 0 ? 'RESELLER' : 'DISTRIBUTOR';
        customers.push({ id: await log.customer(kind, { registeredAt: `${day}T00:00:00.000Z` }), day, kind });
      }
      await log.project();
      const expected = customers.sort((a, b) => a.day.localeCompare(b.day) || (a.id < b.id ? -1 : 1)).map((c) => c.id);

      const all = await allPages((after) => log.queries.customers.customers({ first: 3, after }));
      expect(all.totalCount).toBe(7);
      expect(all.pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(all.pages.flat().map((c) => c.id)).toEqual(expected);

      const resellers = await allPages((after) => log.queries.customers.customers({ kind: 'RESELLER', first: 2, after }));
      expect(resellers.totalCount).toBe(3);
      expect(resellers.pages.flat().map((c) => c.id)).toEqual(expected.filter((id) => customers.find((c) => c.id === id)!.kind === 'RESELLER'));

      const exact = await log.queries.customers.customers({ first: 7 });
      expect(exact).toMatchObject({ totalCount: 7, hasNextPage: false });
      expect(await log.queries.customers.customers({ first: 5, after: exact.endCursor! })).toEqual({ nodes: [], totalCount: 7, hasNextPage: false, endCursor: null });
    }));

  it('pages promises by (dueBy, id) under every filter', () =>
    withLog(async (log) => {
      const c = await log.customer();
      const other = await log.customer();
      const due = (day: string) => `2026-03-${day}T00:00:00.000Z`;
      const open1 = await log.promise(c, due('10'));
      const open2 = await log.promise(c, due('10'), { kind: 'SERVICE' });
      const kept = await log.promise(c, due('05'));
      await log.keep(kept, '2026-03-01T00:00:00.000Z');
      const risky = await log.promise(c, due('20'));
      await log.flagAtRisk(risky, due('20'));
      const broken = await log.promise(c, due('15'), { kind: 'SERVICE' });
      await log.breakPromise(broken, due('15'));
      const elsewhere = await log.promise(other, due('01'));
      await log.project();

      const ids = async (filter: object, first = 2) =>
        (await allPages((after) => log.queries.promises.promises({ filter, first, after }))).pages.flat().map((p) => p.id);
      const sameDay = [open1, open2].sort();
      expect(await ids({ customerId: c })).toEqual([kept, ...sameDay, broken, risky]);
      expect(await ids({ customerId: c }, 1)).toEqual([kept, ...sameDay, broken, risky]);
      expect(await ids({})).toEqual([elsewhere, kept, ...sameDay, broken, risky]);
      expect(await ids({ customerId: c, status: 'OPEN' })).toEqual([...sameDay, risky]);
      expect(await ids({ customerId: c, kind: 'SERVICE' })).toEqual([open2, broken]);
      expect(await ids({ customerId: c, dueAfter: new Date(due('10')), dueBefore: new Date(due('20')) })).toEqual([...sameDay, broken]);
      expect(await ids({ atRisk: true })).toEqual([risky]);
      expect(await ids({ customerId: c, atRisk: false })).toEqual([kept, ...sameDay, broken]);
      expect((await log.queries.promises.promises({ filter: { customerId: c, status: 'BROKEN' }, first: 10 })).totalCount).toBe(1);
    }));

  it('pages a customer\'s errors by (occurredAt, id), optionally by status', () =>
    withLog(async (log) => {
      const c = await log.customer();
      const e3 = await log.error(c, 'BILLING', '2026-05-03T00:00:00.000Z');
      const e1 = await log.error(c, 'SHIPPING', '2026-05-01T00:00:00.000Z');
      const e2 = await log.error(c, 'BILLING', '2026-05-02T00:00:00.000Z');
      await log.voidError(e2);
      await log.error(await log.customer(), 'BILLING', '2026-05-01T00:00:00.000Z');
      await log.project();

      const all = await allPages((after) => log.queries.errorCosts.errors({ customerId: c, first: 2, after }));
      expect(all).toEqual({ pages: [[expect.objectContaining({ id: e1 }), expect.objectContaining({ id: e2 })], [expect.objectContaining({ id: e3 })]], totalCount: 3 });
      const open = await log.queries.errorCosts.errors({ customerId: c, status: 'OPEN', first: 10 });
      expect(open).toMatchObject({ totalCount: 2, hasNextPage: false });
      expect(open.nodes.map((e) => e.id)).toEqual([e1, e3]);
    }));

  it('pages a customer\'s timeline in log order, with business and recorded times and a summary per event', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR', { name: 'Acme Ltd' });
      const p = await log.promise(c, '2026-03-01T00:00:00.000Z', { description: 'deliver order 4411', madeAt: '2026-01-02T10:00:00.000Z' });
      await log.keep(p, '2026-02-20T08:00:00.000Z');
      const e = await log.error(c, 'SHIPPING', '2026-02-21T00:00:00.000Z', { reference: 'SHP-9' });
      await log.voidError(e);
      await log.customer(); // someone else's
      await log.project();

      const timeline = await allPages((after) => log.queries.timeline.timeline({ customerId: c, first: 2, after }));
      const entries = timeline.pages.flat();
      expect(timeline.totalCount).toBe(5);
      expect(entries.map((t) => t.type)).toEqual(['CustomerRegistered', 'PromiseMade', 'PromiseKept', 'ErrorRecorded', 'ErrorVoided']);
      expect(entries.map((t) => BigInt(t.position))).toEqual(entries.map((t) => BigInt(t.position)).sort((a, b) => (a < b ? -1 : 1)));
      expect(entries[1]).toMatchObject({
        occurredAt: new Date('2026-01-02T10:00:00.000Z'),
        data: expect.objectContaining({ promiseId: p, description: 'deliver order 4411' }),
      });
      expect(entries[2]!.occurredAt).toEqual(new Date('2026-02-20T08:00:00.000Z'));
      expect(entries[3]!.occurredAt).toEqual(new Date('2026-02-21T00:00:00.000Z'));
      expect(entries.map((t) => t.summary)).toEqual(entries.map((t) => summarizeEvent({ type: t.type, data: t.data } as LedgerEvent)));
      expect(entries[1]!.summary).toContain('deliver order 4411');
      for (const entry of entries) expect(entry.recordedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    }));

  it('orders and pages the timeline by position as a number across a power of ten (9 < 10 < 100)', () =>
    withLog(async (log) => {
      const c = await log.customer();
      const promises: string[] = [];
      // Enough events that the positions cross 10 and the pages cross both sides of it.
      for (let i = 0; i < 12; i++) promises.push(await log.promise(c, `2026-04-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`));
      await log.project();
      const timeline = await allPages((after) => log.queries.timeline.timeline({ customerId: c, first: 4, after }));
      const positions = timeline.pages.flat().map((t) => BigInt(t.position));
      expect(timeline.totalCount).toBe(13);
      expect(positions).toHaveLength(13);
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
      expect(positions.some((p) => p < 10n) && positions.some((p) => p >= 10n)).toBe(true);
      expect(timeline.pages.map((p) => p.length)).toEqual([4, 4, 4, 1]);
    }));

  it('pages the timeline newest first by position, the cursors going down across a power of ten', () =>
    withLog(async (log) => {
      const c = await log.customer();
      for (let i = 0; i < 12; i++) await log.promise(c, `2026-04-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`);
      await log.project();
      const oldestFirst = (await allPages((after) => log.queries.timeline.timeline({ customerId: c, first: 5, after }))).pages.flat();
      const newestFirst = await allPages((after) => log.queries.timeline.timeline({ customerId: c, first: 4, after, newestFirst: true }));
      expect(newestFirst.totalCount).toBe(13);
      expect(newestFirst.pages.map((p) => p.length)).toEqual([4, 4, 4, 1]);
      expect(newestFirst.pages.flat().map((t) => t.position)).toEqual(oldestFirst.map((t) => t.position).reverse());
      expect(newestFirst.pages.flat().at(-1)!.type).toBe('CustomerRegistered');
    }));

  it('refuses a malformed or forged cursor with BAD_USER_INPUT on every list', () =>
    withLog(async (log) => {
      const lists: ((after: string) => Promise<unknown>)[] = [
        (after) => log.queries.customers.customers({ first: 1, after }),
        (after) => log.queries.promises.promises({ first: 1, after }),
        (after) => log.queries.errorCosts.errors({ customerId: 'c', first: 1, after }),
        (after) => log.queries.timeline.timeline({ customerId: 'c', first: 1, after }),
        (after) => log.queries.timeline.timeline({ customerId: 'c', first: 1, after, newestFirst: true }),
      ];
      for (const list of lists) {
        for (const after of FORGED) {
          const refusal = await list(after).then(
            () => 'accepted',
            (error: unknown) => error,
          );
          expect(refusal).toBeInstanceOf(Error);
          expect(refusal).toMatchObject({ code: 'BAD_USER_INPUT' });
        }
      }
    }));

  it('loads customers by ids in the order asked, null for unknown ones, in one query', () =>
    withLog(async (log) => {
      const a = await log.customer();
      const b = await log.customer('RESELLER');
      await log.project();
      let statements = 0;
      const counting = { query: (...args: unknown[]) => (statements++, (log.pool.query as (...a: unknown[]) => unknown)(...args)) } as unknown as pg.Pool;

      const found = await new CustomerQueries(counting).customersByIds([b, 'nobody', a, b]);
      expect(found.map((c) => c?.id ?? null)).toEqual([b, null, a, b]);
      expect(found[0]).toMatchObject({ kind: 'RESELLER' });
      expect(statements).toBe(1);
    }));

  it('reads as named statements, prepared once per session, and prepares them anew when a table changes under them', () =>
    withLog(async (log) => {
      const c = await log.customer();
      const p = await log.promise(c, '2026-03-01T00:00:00.000Z');
      await log.project();
      // One session, so the statements it prepared are the ones it lists.
      const session = new pg.Pool({ ...log.pool.options, max: 1 });
      try {
        const promises = new PromiseQueries(session);
        const prepared = async () =>
          (await session.query<{ n: number }>(`select count(*)::int as n from pg_prepared_statements where name like 'ledger_read_%'`)).rows[0]!.n;
        expect((await promises.promise(p))?.id).toBe(p);
        expect((await promises.promises({ filter: { customerId: c }, first: 5 })).totalCount).toBe(1);
        expect(await prepared()).toBe(2);
        expect((await promises.promises({ filter: { customerId: c }, first: 5 })).totalCount).toBe(1);
        expect(await prepared()).toBe(2);
        // A newer server's migration adds a column: `select *` of a prepared statement changes its result type.
        await log.pool.query('alter table rm_promises add column later_column int');
        expect((await promises.promise(p))?.id).toBe(p);
        expect((await promises.promises({ filter: { customerId: c }, first: 5 })).nodes.map((n) => n.id)).toEqual([p]);
      } finally {
        await session.end();
      }
    }));
});
