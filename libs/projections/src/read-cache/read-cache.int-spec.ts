import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { withLedgerLog as withLog } from '../../test/fixtures/ledger-log.fixture.js';
import { aroundEachQuery, createReadSide, type ReadSide } from '../views/read-side.js';
import { CachedReadSide } from './cached-read-side.js';
import type { ReadCacheOptions } from './read-cache.js';
import { ReadModelVersions } from './read-model-versions.js';

/** Counts the read-model queries that reach the database. */
function countingQueries(pool: pg.Pool): { queries: ReadSide; calls: () => number } {
  let calls = 0;
  const queries = aroundEachQuery(createReadSide(pool), (_query, run) => {
    calls++;
    return run();
  });
  return { queries, calls: () => calls };
}

const cachedQueries = (queries: ReadSide, pool: pg.Pool, options: ReadCacheOptions) => new CachedReadSide(queries, pool, options);

describe('read cache', () => {
  it('answers a repeated query from memory while no projection has moved, and from the database once one has', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      await log.promise(c, '2027-01-01T00:00:00.000Z');
      await log.project();
      const { queries, calls } = countingQueries(log.pool);
      const cached = cachedQueries(queries, log.pool, { maxEntries: 100 });

      expect((await cached.ledgers.customerLedger(c)).made).toBe(1);
      expect((await cached.ledgers.customerLedger(c)).made).toBe(1);
      expect(await cached.customers.customer(c)).toEqual(await cached.customers.customer(c));
      expect(calls()).toBe(2); // one ledger, one customer
      expect(cached.readCacheStats()).toMatchObject({ hits: 2, misses: 2 });

      // A new event, projected: the next answer must include it.
      const p2 = await log.promise(c, '2027-02-01T00:00:00.000Z');
      await log.keep(p2, '2026-12-01T00:00:00.000Z');
      await log.project();
      expect(await cached.ledgers.customerLedger(c)).toMatchObject({ made: 2, kept: 1 });
      expect(calls()).toBe(3);
    }));

  it('says a cached ledger is true as of the moment its version was checked', () =>
    withLog(async (log) => {
      const c = await log.customer('END_USER');
      await log.project();
      const cached = cachedQueries(createReadSide(log.pool), log.pool, { maxEntries: 100 });
      const first = await cached.ledgers.customerLedger(c);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await cached.ledgers.customerLedger(c);
      expect(cached.readCacheStats().hits).toBe(1);
      expect(second.asOf.getTime()).toBeGreaterThan(first.asOf.getTime());
      // A past asOf stays what was asked for.
      const asOf = new Date('2026-01-01T00:00:00.000Z');
      expect((await cached.ledgers.customerLedger(c, asOf)).asOf).toEqual(asOf);
      expect((await cached.ledgers.customerLedger(c, asOf)).asOf).toEqual(asOf);
    }));

  it('is off with maxEntries 0, and leaves queries that depend on the clock alone', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      await log.project();
      const { queries, calls } = countingQueries(log.pool);
      const off = cachedQueries(queries, log.pool, { maxEntries: 0 });
      await off.ledgers.customerLedger(c);
      await off.ledgers.customerLedger(c);
      expect(calls()).toBe(2);

      const on = cachedQueries(queries, log.pool, { maxEntries: 10 });
      const now = new Date();
      await on.errorCosts.errorCostForecast({ windowDays: 30, now });
      await on.errorCosts.errorCostForecast({ windowDays: 30, now });
      expect(calls()).toBe(4);
      expect(on.readCacheStats()).toMatchObject({ hits: 0, misses: 0 });
    }));

  it('reads versions on a session of its own, answers without the cache when that session dies, then reconnects', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      await log.project();
      const { queries, calls } = countingQueries(log.pool);
      const cached = cachedQueries(queries, log.pool, { maxEntries: 10, connectionString: log.url });
      try {
        await cached.customers.customer(c);
        await cached.customers.customer(c);
        expect(calls()).toBe(1);
        const { rows } = await log.pool.query(`select pid from pg_stat_activity where application_name = 'promise-ledger-read-cache'`);
        expect(rows).toHaveLength(1);
        await log.pool.query('select pg_terminate_backend($1)', [rows[0].pid]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await cached.customers.customer(c)).toMatchObject({ id: c }); // from the database (or a new session)
        expect(await cached.customers.customer(c)).toMatchObject({ id: c });
        expect(cached.readCacheStats().hits).toBeGreaterThanOrEqual(2);
      } finally {
        await cached.closeReadCache();
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // the server ends the closed session
      const { rows } = await log.pool.query(`select pid from pg_stat_activity where application_name = 'promise-ledger-read-cache'`);
      expect(rows).toHaveLength(0);
    }));

  it('answers from the database when the version cannot be read', () =>
    withLog(async (log) => {
      const c = await log.customer('DISTRIBUTOR');
      await log.project();
      const { queries, calls } = countingQueries(log.pool);
      const cached = cachedQueries(queries, log.pool, { maxEntries: 10 });
      await cached.customers.customer(c);
      await log.pool.query('alter table projection_checkpoints rename to projection_checkpoints_away');
      try {
        expect(await cached.customers.customer(c)).toMatchObject({ id: c });
        expect(calls()).toBe(2);
      } finally {
        await log.pool.query('alter table projection_checkpoints_away rename to projection_checkpoints');
      }
    }));
});

describe('read-model versions', () => {
  it('shares one read between callers that arrive while it is pending, and never hands a caller a read that started before it asked', () =>
    withLog(async (log) => {
      const versions = new ReadModelVersions(log.pool);
      const first = versions.fresh();
      const second = versions.fresh(); // arrives after the first read started: needs a later one
      const third = versions.fresh(); // shares the second
      await Promise.all([first, second, third]);
      expect(versions.reads).toBe(2);
      expect((await second).readAt.getTime()).toBeGreaterThanOrEqual((await first).readAt.getTime());
      expect(await third).toBe(await second);

      const many = await Promise.all(Array.from({ length: 50 }, () => versions.fresh()));
      expect(versions.reads).toBeLessThanOrEqual(4);
      expect(new Set(many.map((v) => v.version)).size).toBe(1);
    }));
});
