import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { NO_STREAM, PostgresEventStore, eventStoreMigrations, type NewEvent } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { defaultCostPolicyEvents, COST_POLICY_STREAM } from '#libs/domain';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerQueries, ProjectionRunner, ledgerProjections, projectionMigrations, rebuildProjections } from './index.js';

const TABLES = ['rm_customers', 'rm_promises', 'rm_errors', 'rm_cost_policies', 'rm_timeline'];

interface Ledger {
  db: TestDatabase;
  pool: pg.Pool;
  store: PostgresEventStore;
}

async function openLedger(): Promise<Ledger> {
  const db = await createTestDatabase();
  const pool = createPool({ connectionString: db.url, max: 10 });
  await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations]);
  const store = new PostgresEventStore(pool, db.url);
  await store.appendToStream(COST_POLICY_STREAM, defaultCostPolicyEvents(new Date()).map((e) => ({ id: randomUUID(), ...e })), {
    expectedRevision: NO_STREAM,
  });
  return { db, pool, store };
}

const ev = (type: string, data: unknown): NewEvent => ({ id: randomUUID(), type, data });

/** A customer with promises (kept, broken late, released, open) and errors (priced, voided). */
async function seedCustomer(store: PostgresEventStore, n: number): Promise<void> {
  const c = `c${n}`;
  await store.appendToStream(`customer-${c}`, [ev('CustomerRegistered', { customerId: c, name: `Customer ${n}`, kind: n % 3 ? 'DISTRIBUTOR' : 'RESELLER', registeredAt: '2026-01-01T00:00:00.000Z' })], { expectedRevision: NO_STREAM });
  for (let i = 0; i < 3; i++) {
    const p = `${c}-p${i}`;
    const made = ev('PromiseMade', { promiseId: p, customerId: c, kind: 'DELIVERY', touchPoint: 'HUMAN', description: `order ${i}`, madeAt: '2026-01-02T00:00:00.000Z', dueBy: '2026-02-01T00:00:00.000Z' });
    const settle = [
      ev('PromiseKept', { promiseId: p, customerId: c, keptAt: '2026-01-20T00:00:00.000Z' }),
      ev('PromiseBroken', { promiseId: p, customerId: c, brokenAt: '2026-02-01T00:00:00.000Z', reason: 'LATE', reportedAt: '2026-02-03T00:00:00.000Z', fulfilledAt: '2026-02-02T00:00:00.000Z' }),
      ev('PromiseReleased', { promiseId: p, customerId: c, reason: 'dropped', releasedAt: '2026-01-10T00:00:00.000Z' }),
    ][(n + i) % 3]!;
    await store.appendToStream(`promise-${p}`, [made, settle], { expectedRevision: NO_STREAM });
  }
  const e = `${c}-e`;
  await store.appendToStream(`error-${e}`, [ev('ErrorRecorded', { errorId: e, customerId: c, type: n % 2 ? 'BILLING' : 'SHIPPING', occurredAt: '2026-01-15T00:00:00.000Z' })], { expectedRevision: NO_STREAM });
  if (n % 5 === 0) await store.appendToStream(`error-${e}`, [ev('ErrorVoided', { errorId: e, customerId: c, reason: 'twice', voidedAt: '2026-01-16T00:00:00.000Z' })], { expectedRevision: 0n });
}

async function checksums(pool: pg.Pool): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await pool.query(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${table} t`);
    result[table] = `${rows[0].n}:${rows[0].sum}`;
  }
  return result;
}

async function waitForCheckpoints(pool: pg.Pool, position: bigint, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ p: string | null }>('select min(position) as p from projection_checkpoints');
    if (rows[0]!.p !== null && BigInt(rows[0]!.p) >= position) return;
    if (Date.now() > deadline) throw new Error(`projections did not reach ${position}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('projections', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await openLedger();
    for (let n = 0; n < 30; n++) await seedCustomer(ledger.store, n);
  });
  afterAll(async () => {
    await ledger.store.close();
    await ledger.pool.end();
    await ledger.db.drop();
  });

  it('never double-counts when two runners race on one database, and waitFor sees their progress', async () => {
    const make = () => new ProjectionRunner({ pool: ledger.pool, connectionString: ledger.db.url, eventStore: ledger.store, projections: ledgerProjections(), batchSize: 7 });
    const [a, b] = [make(), make()];
    await Promise.all([a.start(), b.start()]);
    const head = await ledger.store.headPosition();
    await a.waitFor(head, 30_000);
    await b.waitFor(head, 30_000);
    const queries = new LedgerQueries(ledger.pool);
    const brand = await queries.brandLedger({});
    expect(brand).toMatchObject({ made: 90, kept: 30, broken: 30, released: 30, open: 0 });
    const { rows } = await ledger.pool.query('select count(*)::int as n, count(distinct position)::int as d from rm_timeline');
    expect(rows[0].n).toBe(rows[0].d);
    const costs = await queries.errorCosts({ groupBy: 'CUSTOMER_KIND' });
    // 20 distributors (n % 3 != 0), 4 of them voided (n % 5 == 0): 16 × 250.00; resellers unpriced.
    expect(costs).toEqual([
      { key: 'DISTRIBUTOR', errors: 16, unpricedErrors: 0, cost: [{ amount: '4000.00', currency: 'USD' }] },
      { key: 'RESELLER', errors: 8, unpricedErrors: 8, cost: [] },
    ]);
    await expect(a.waitFor(head + 1_000n, 300)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await Promise.all([a.stop(), b.stop()]);
  });

  it('rebuilds into new tables and swaps them in with identical content', async () => {
    const before = await checksums(ledger.pool);
    const progress: number[] = [];
    const result = await rebuildProjections({
      pool: ledger.pool,
      eventStore: ledger.store,
      projections: ledgerProjections(),
      batchSize: 50,
      onProgress: (p) => progress.push(p.processed),
    });
    expect(result.events).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(2);
    expect(await checksums(ledger.pool)).toEqual(before);
    await expect(rebuildProjections({ pool: ledger.pool, eventStore: ledger.store, projections: ledgerProjections(), names: ['nope'] })).rejects.toThrow(/unknown projection nope/);
  });
});

describe('projection crash', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await openLedger();
  });
  afterAll(async () => {
    await ledger.store.close();
    await ledger.pool.end();
    await ledger.db.drop();
  });

  it('killed with SIGKILL mid catch-up of 20,000 events and restarted, equals a clean rebuild', async () => {
    // 20,700 events: 2,300 customers with promises kept, broken and amended, errors resolved.
    const appends = [];
    for (let n = 0; n < 2_300; n++) {
      const c = `k${n}`;
      appends.push({ stream: `customer-${c}`, expectedRevision: NO_STREAM, events: [ev('CustomerRegistered', { customerId: c, name: `K${n}`, kind: 'DISTRIBUTOR', registeredAt: '2026-01-01T00:00:00.000Z' })] });
      for (let i = 0; i < 2; i++) {
        const p = `${c}-p${i}`;
        appends.push({ stream: `promise-${p}`, expectedRevision: NO_STREAM, events: [
          ev('PromiseMade', { promiseId: p, customerId: c, kind: 'SERVICE', touchPoint: 'PRODUCT', description: 'call', madeAt: '2026-01-02T00:00:00.000Z', dueBy: '2026-03-01T00:00:00.000Z' }),
          ev('PromiseAmended', { promiseId: p, customerId: c, previousDueBy: '2026-03-01T00:00:00.000Z', dueBy: '2026-03-05T00:00:00.000Z', reason: 'x', amendedAt: '2026-01-03T00:00:00.000Z' }),
          i ? ev('PromiseKept', { promiseId: p, customerId: c, keptAt: '2026-01-04T00:00:00.000Z' }) : ev('PromiseBroken', { promiseId: p, customerId: c, brokenAt: '2026-01-04T00:00:00.000Z', reason: 'x', reportedAt: '2026-01-04T00:00:00.000Z' }),
        ] });
      }
      appends.push({ stream: `error-${c}-e`, expectedRevision: NO_STREAM, events: [
        ev('ErrorRecorded', { errorId: `${c}-e`, customerId: c, type: 'BILLING', occurredAt: '2026-01-05T00:00:00.000Z' }),
        ev('ErrorResolved', { errorId: `${c}-e`, customerId: c, resolution: 'ok', resolvedAt: '2026-01-06T00:00:00.000Z' }),
      ] });
    }
    for (let i = 0; i < appends.length; i += 500) await ledger.store.appendToStreams(appends.slice(i, i + 500));
    const head = await ledger.store.headPosition();
    expect(Number(head)).toBeGreaterThanOrEqual(20_000);

    const script = resolve('dist/libs/projections/test/fixtures/run-projections.js');
    const start = () => spawn(process.execPath, [script, ledger.db.url, '200'], { stdio: 'ignore' });
    const victim = start();
    for (;;) {
      const { rows } = await ledger.pool.query<{ p: string }>(`select coalesce(min(position), 0) as p from projection_checkpoints`);
      const { rows: any } = await ledger.pool.query<{ n: number }>(`select count(*)::int as n from projection_checkpoints`);
      if (any[0]!.n === 2 && BigInt(rows[0]!.p) > head / 4n) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    const { rows: mid } = await ledger.pool.query<{ p: string }>(`select max(position) as p from projection_checkpoints`);
    expect(BigInt(mid[0]!.p)).toBeLessThan(head);

    const survivor = start();
    await waitForCheckpoints(ledger.pool, head);
    survivor.kill('SIGTERM');
    await new Promise((r) => survivor.once('exit', r));
    const afterCrash = await checksums(ledger.pool);

    await rebuildProjections({ pool: ledger.pool, eventStore: ledger.store, projections: ledgerProjections() });
    expect(await checksums(ledger.pool)).toEqual(afterCrash);
    const queries = new LedgerQueries(ledger.pool);
    expect(await queries.brandLedger({})).toMatchObject({ made: 4_600, kept: 2_300, broken: 2_300 });
  }, 120_000);
});
