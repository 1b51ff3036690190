import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerLog } from '../test/fixtures/ledger-log.fixture.js';
import { ledgerProjections } from './views/registry.js';
import type { Projection } from './projection.js';
import { rebuildProjections, type RebuildProgress } from './rebuild.js';

let db: TestDatabase;
let log: LedgerLog;
beforeEach(async () => {
  db = await createTestDatabase();
  log = await LedgerLog.open(db.url);
});
afterEach(async () => {
  await log.close();
  await db.drop();
});

async function seed(customers: number): Promise<void> {
  for (let n = 0; n < customers; n++) {
    const c = await log.customer(n % 2 ? 'RESELLER' : 'DISTRIBUTOR');
    const p = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.amend(p, '2026-02-01T00:00:00.000Z', '2026-02-08T00:00:00.000Z');
    if (n % 3) await log.keep(p, '2026-02-07T00:00:00.000Z');
    else await log.breakPromise(p, '2026-02-08T00:00:00.000Z', { fulfilledAt: '2026-02-09T00:00:00.000Z' });
    const e = await log.error(c, n % 2 ? 'SHIPPING' : 'BILLING', '2026-01-15T00:00:00.000Z');
    if (n % 4 === 0) await log.voidError(e);
  }
}

const rebuild = (extra: Partial<Parameters<typeof rebuildProjections>[0]> = {}) =>
  rebuildProjections({ pool: log.pool, connectionString: log.url, eventStore: log.store, projections: ledgerProjections(), ...extra });

async function indexes(): Promise<string[]> {
  const { rows } = await log.pool.query(`select indexdef from pg_indexes where schemaname = 'public' and tablename like 'rm\\_%' order by indexname`);
  return rows.map((r) => r.indexdef);
}

async function checkpoints(): Promise<Record<string, string>> {
  const { rows } = await log.pool.query('select name, position::text from projection_checkpoints order by name');
  return Object.fromEntries(rows.map((r) => [r.name, r.position]));
}

const sideSchemas = async () => (await log.pool.query(`select nspname from pg_namespace where nspname like 'rebuild\\_%'`)).rowCount;

describe('rebuildProjections', () => {
  it('rebuilds every read model into new tables identical to the live ones, indexes and their names included', async () => {
    await seed(30);
    await log.project();
    const before = await log.checksums();
    const indexesBefore = await indexes();
    const progress: RebuildProgress[] = [];
    await log.settled();

    const result = await rebuild({ batchSize: 25, onProgress: (p) => progress.push(p) });

    const events = log.appended;
    const head = log.lastPosition.toString();
    expect(result.events).toBe(events);
    expect(result.seconds).toBeGreaterThan(0);
    expect(await log.checksums()).toEqual(before);
    expect(await indexes()).toEqual(indexesBefore);
    expect(await checkpoints()).toEqual({ ledger: head, timeline: head });
    expect(await sideSchemas()).toBe(0);
    expect(new Set(progress.map((p) => p.projection))).toEqual(new Set(['ledger', 'timeline']));
    expect(progress.at(-1)).toMatchObject({ processed: events, total: events });
    expect(progress.length).toBeGreaterThanOrEqual(2 * Math.floor(events / 25));
  });

  it('rebuilds the search indexes with the customers, and searchCustomers answers the same from the rebuilt tables', async () => {
    for (const name of ['Zéphyr Büro GmbH', 'Zephyrus Trading', 'Büro Nord', 'Nord Zéphyr']) await log.customer('DISTRIBUTOR', { name });
    await log.project();
    const search = async (text: string) => (await log.queries.customers.searchCustomers({ text, first: 20 })).map((c) => c.name);
    const before = await Promise.all(['zeph', 'buro', 'nord', 'z'].map(search));
    await log.settled();

    await rebuild();

    expect(await Promise.all(['zeph', 'buro', 'nord', 'z'].map(search))).toEqual(before);
    expect(before[0]).toEqual(['Nord Zéphyr', 'Zéphyr Büro GmbH', 'Zephyrus Trading']);
    const names = (await indexes()).join('\n');
    expect(names).toMatch(/rm_customers_search_order ON public.rm_customers USING btree \(search_name COLLATE "C", id\) INCLUDE \(name_words, search_vector\)/);
    expect(names).toMatch(/rm_customers_name_words ON public.rm_customers USING gin \(name_words\) WITH \(fastupdate=off\)/);
    expect(names).toMatch(/rm_customers_search ON public.rm_customers USING gin \(search_vector\) WITH \(fastupdate=off\)/);
  });

  it('keeps serving the old tables while it runs, and a live runner carries on from the rebuilt checkpoint', async () => {
    await seed(40);
    const runner = log.runner({ batchSize: 10 });
    await runner.start();
    await runner.waitFor(log.lastPosition, 20_000);
    const ledgerBefore = await log.queries.ledgers.brandLedger({});

    // Hold the rebuild in its first batch (its tables half built) while we look and write.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const [ledger, timeline] = ledgerProjections() as [Projection, Projection];
    const gatedTimeline: Projection = {
      name: timeline.name,
      tables: timeline.tables,
      apply: async (events, client) => {
        await gate;
        await timeline.apply(events, client);
      },
    };
    const rebuilding = rebuild({ batchSize: 10, projections: [ledger, gatedTimeline] });
    while ((await sideSchemas()) !== 2) await new Promise((r) => setTimeout(r, 5));

    expect(await log.queries.ledgers.brandLedger({})).toEqual({ ...ledgerBefore, asOf: expect.any(Date) });
    await seed(2); // written while the rebuild runs: the live runner and the rebuild both see them
    release();
    await rebuilding;
    expect(await sideSchemas()).toBe(0);
    await seed(2); // after the swap
    await runner.waitFor(log.lastPosition, 20_000);
    await runner.stop();

    expect(await log.queries.ledgers.brandLedger({})).toMatchObject({ made: 44, kept: 28, broken: 16 });
    const afterLive = await log.checksums();
    await log.settled();
    await rebuild();
    expect(await log.checksums()).toEqual(afterLive);
  });

  it('rebuilds only the named projection, and refuses a name it does not know', async () => {
    await seed(5);
    await log.project();
    const oid = async (table: string) => (await log.pool.query(`select $1::regclass::oid::int as oid`, [table])).rows[0].oid as number;
    const [promisesBefore, timelineBefore] = [await oid('rm_promises'), await oid('rm_timeline')];

    await rebuild({ names: ['timeline'] });

    expect(await oid('rm_promises')).toBe(promisesBefore);
    expect(await oid('rm_timeline')).not.toBe(timelineBefore);
    await expect(rebuild({ names: ['nope'] })).rejects.toThrow('unknown projection nope; known: ledger, timeline');
  });

  it('drops the side schemas a killed rebuild left behind', async () => {
    await seed(2);
    await log.settled();
    await log.pool.query('create schema rebuild_ledger_1700000000000; create table rebuild_ledger_1700000000000.rm_promises (id text)');
    await log.pool.query('create schema rebuild_timeline_1700000000000_old');
    await rebuild();
    const { rows } = await log.pool.query(`select nspname from pg_namespace where nspname like 'rebuild\\_%'`);
    expect(rows).toEqual([]);
  });

  it('refuses to start while another rebuild runs on the same database', async () => {
    await seed(10);
    let second: Promise<unknown> | undefined;
    await rebuild({ batchSize: 5, onProgress: () => void (second ??= rebuild().catch((error: unknown) => error)) });
    expect(await second).toMatchObject({ message: 'another projection rebuild is running on this database' });
  });
});
