import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ANY, type StreamAppend } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerLog, freshId } from '../test/fixtures/ledger-log.fixture.js';
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

/**
 * A log whose batches of 1,000 events each create and change hundreds of rows per table (the
 * writer's COPY path), changing in each batch rows created in the one before: every customer gets
 * a promise and an error, then they are amended, settled every way, resolved or voided, some
 * customers erased, and a second promise made, which a third part settles.
 */
async function seedLarge(customers: number): Promise<void> {
  const at = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();
  const ids = Array.from({ length: customers }, () => ({ customerId: freshId('cust'), promise: freshId('prom'), second: freshId('prom'), error: freshId('err') }));
  type Fact = readonly [stream: string, type: string, data: Record<string, unknown>];
  const part = async (events: (c: (typeof ids)[number], i: number) => Fact[]) => {
    const appends = new Map<string, StreamAppend>();
    ids.forEach((c, i) => {
      for (const [stream, type, data] of events(c, i)) {
        const append = appends.get(stream) ?? { stream, expectedRevision: ANY, events: [] };
        appends.set(stream, { ...append, events: [...append.events, { id: randomUUID(), type, data }] });
      }
    });
    await log.appendMany([...appends.values()]);
  };
  const made = (customerId: string, promiseId: string, description: string) =>
    ({ promiseId, customerId, kind: 'DELIVERY', touchPoint: 'HUMAN', description, madeAt: at(1), dueBy: at(30) }) as const;
  await part(({ customerId, promise, error }, i) => [
    [`customer-${customerId}`, 'CustomerRegistered', { customerId, name: `Tab\there, new\nline, back\\slash ${i}`, kind: i % 3 ? 'RESELLER' : 'DISTRIBUTOR', email: `c${i}@example.com`, registeredAt: at(0) }],
    [`promise-${promise}`, 'PromiseMade', made(customerId, promise, `deliver\t${i}\\N`)],
    [`error-${error}`, 'ErrorRecorded', { errorId: error, customerId, type: i % 2 ? 'BILLING' : 'SHIPPING', occurredAt: at(2), description: 'billed twice', ...(i % 4 ? {} : { cost: { amount: '12.50', currency: 'EUR' } }) }],
  ]);
  await log.policy('RESELLER', 'BILLING', { amount: '99.00', currency: 'USD' }, at(0));
  await part(({ customerId, promise, second, error }, i) => [
    [`promise-${promise}`, 'PromiseAmended', { promiseId: promise, customerId, previousDueBy: at(30), dueBy: at(37), reason: 'asked', amendedAt: at(3) }],
    [`promise-${promise}`, ...settle(promise, customerId, i)],
    [`error-${error}`, i % 3 ? 'ErrorResolved' : 'ErrorVoided', { errorId: error, customerId, resolution: 'credited', reason: 'twice', resolvedAt: at(5), voidedAt: at(5) }],
    [`promise-${second}`, 'PromiseMade', made(customerId, second, `second ${i}`)],
    ...(i % 10 === 0 ? [[`customer-${customerId}`, 'CustomerErased', { customerId, reason: 'asked', requestedBy: 'dpo', erasedAt: at(6) }] as Fact] : []),
  ]);
  await part(({ customerId, second }, i) => [
    [`promise-${second}`, 'PromiseAtRisk', { promiseId: second, customerId, dueBy: at(30), flaggedAt: at(29) }],
    [`promise-${second}`, ...settle(second, customerId, i + 1)],
  ]);
  function settle(promiseId: string, customerId: string, i: number): [type: string, data: Record<string, unknown>] {
    switch (i % 4) {
      case 0:
        return ['PromiseKept', { promiseId, customerId, keptAt: at(20) }];
      case 1:
        return ['PromiseBroken', { promiseId, customerId, brokenAt: at(37), reason: 'LATE', reportedAt: at(38), fulfilledAt: at(39) }];
      case 2:
        return ['PromiseReleased', { promiseId, customerId, reason: 'dropped', releasedAt: at(10) }];
      default:
        return ['PromiseFulfilledLate', { promiseId, customerId, fulfilledAt: at(40) }];
    }
  }
}

/** The statements the pool's clients are given from now on. */
function recordStatements(pool: pg.Pool): string[] {
  const statements: string[] = [];
  const wrapped = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((config: string | { text?: string }, ...rest: unknown[]) => {
      statements.push(typeof config === 'string' ? config : (config.text ?? ''));
      return query(config, ...rest);
    }) as typeof client.query;
  });
  return statements;
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

  it('rebuilds large batches by COPY, rows created in one batch and changed in a later one included, to the tables the runner wrote row by row', async () => {
    await seedLarge(300);
    await log.project({ batchSize: 40 }); // small batches: the writer's unnest path
    const live = await log.checksums();
    await log.settled();
    const statements = recordStatements(log.pool);

    await rebuild({ batchSize: 1_000 });

    expect(await log.checksums()).toEqual(live);
    const copies = new Set(statements.filter((s) => s.startsWith('copy ')).map((s) => s.split(' ')[1]));
    expect([...copies].sort()).toEqual(['rm_customers', 'rm_errors', 'rm_promises', 'rm_timeline']);
    expect(statements.filter((s) => /^select id as key from rm_promises/.test(s)).length).toBeGreaterThanOrEqual(2);
    // Whole batches: none failed over to applying its events one by one.
    const batches = statements.filter((s) => s.startsWith('begin; set local synchronous_commit = off')).length;
    expect(batches).toBeLessThanOrEqual(2 * Math.ceil(log.appended / 1_000));
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
