import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { ANY, type StoredEvent } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerLog, freshId } from '../test/fixtures/ledger-log.fixture.js';
import { ProjectionRunner } from './projection-runner.js';
import type { Projection } from './projection.js';
import { isPoisonFailure, listParkedEvents, retryParkedEvents } from './parking.js';
import { rebuildProjections } from './rebuild.js';
import { ledgerProjections } from './views/registry.js';

/** Records each event; refuses (as a data error of PostgreSQL would) any event whose data says `poison`, until cured. */
class FussyProjection implements Projection {
  readonly name = 'fussy';
  readonly tables = ['test_fussy'];
  cured = false;
  attempts = 0;

  async apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    for (const event of events) {
      if ((event.data as { poison?: boolean }).poison && !this.cured) {
        this.attempts++;
        throw Object.assign(new Error('time zone displacement out of range'), { code: '22008' });
      }
    }
    await client.query('insert into test_fussy (position) select unnest($1::bigint[])', [events.map((e) => e.position.toString())]);
  }
}

let db: TestDatabase;
let log: LedgerLog;
let fussy: FussyProjection;
const runners: ProjectionRunner[] = [];

beforeEach(async () => {
  db = await createTestDatabase();
  log = await LedgerLog.open(db.url, { defaultPolicies: false });
  await log.pool.query('create table test_fussy (position bigint primary key)');
  fussy = new FussyProjection();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await log.close();
  await db.drop();
});

const runner = () => {
  const errors: string[] = [];
  const r = new ProjectionRunner({
    pool: log.pool,
    connectionString: log.url,
    eventStore: log.store,
    projections: [fussy],
    log: (level, message) => level === 'error' && errors.push(message),
  });
  runners.push(r);
  return { runner: r, errors };
};

async function appendAll(stream: string, data: Record<string, unknown>[]): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (const d of data) stored.push(...(await log.append(stream, { type: 'Something', data: d })));
  return stored;
}

const applied = async () => (await log.pool.query<{ position: string }>('select position::text from test_fussy order by position')).rows.map((r) => BigInt(r.position));

describe('parking an event a projection cannot apply', () => {
  it('parks it after bounded retries, applies every other event, and tells the writer of that event', async () => {
    const stream = freshId('s');
    const events = await appendAll(stream, [{ n: 1 }, { n: 2, poison: true }, { n: 3 }]);
    const { runner: r, errors } = runner();
    await r.start();
    const unapplied = await r.waitFor(events[2]!.position, 20_000, events.map((e) => e.id));
    expect(unapplied).toEqual([{ eventId: events[1]!.id, projection: 'fussy' }]);
    expect(await applied()).toEqual([events[0]!.position, events[2]!.position]);
    expect(fussy.attempts).toBe(1 + 3); // the whole batch once, then the event alone three times
    const parked = await listParkedEvents(log.pool);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ projection: 'fussy', position: events[1]!.position, eventId: events[1]!.id, stream, type: 'Something', attempts: 3 });
    expect(parked[0]!.error).toMatch(/displacement out of range/);
    expect(errors.some((m) => m.includes(`parked event ${events[1]!.position}`))).toBe(true);

    // And it keeps following: a later event is applied at once.
    const [later] = await appendAll(stream, [{ n: 4 }]);
    expect(await r.waitFor(later!.position, 10_000, [later!.id])).toEqual([]);
  });

  it('tells a waiter in another process too (the notification carries the parked ids)', async () => {
    const events = await appendAll(freshId('s'), [{ poison: true }]);
    const { runner: active } = runner();
    const { runner: waiter } = runner(); // never started: it only waits, like an API with LEDGER_RUN_PROJECTIONS=false
    const waited = waiter.waitFor(events[0]!.position, 20_000, [events[0]!.id]);
    await active.start();
    expect(await waited).toEqual([{ eventId: events[0]!.id, projection: 'fussy' }]);
  });

  it('never parks because the database is unreachable or busy', () => {
    expect(isPoisonFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPoisonFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(false);
    expect(isPoisonFailure(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(false);
    expect(isPoisonFailure(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isPoisonFailure(Object.assign(new Error('invalid input syntax'), { code: '22007' }))).toBe(true);
    expect(isPoisonFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(true);
  });

  it('applies parked events again after a fix, and keeps those that still fail', async () => {
    const events = await appendAll(freshId('s'), [{ poison: true }, { n: 2 }]);
    const { runner: r } = runner();
    await r.start();
    await r.waitFor(events[1]!.position, 20_000);
    const read = async (position: bigint) => (await log.store.readAll({ fromPosition: position - 1n, maxCount: 1 }))[0];

    const still = await retryParkedEvents(log.pool, read, [fussy]);
    expect(still.applied).toEqual([]);
    expect(still.failed).toHaveLength(1);
    expect((await listParkedEvents(log.pool))[0]!.attempts).toBe(4);

    fussy.cured = true;
    const fixed = await retryParkedEvents(log.pool, read, [fussy]);
    expect(fixed.applied.map((p) => p.position)).toEqual([events[0]!.position]);
    expect(await listParkedEvents(log.pool)).toEqual([]);
    expect(await applied()).toEqual([events[0]!.position, events[1]!.position]);
  });

  it('parks in a rebuild too: an event the ledger cannot apply no longer fails it', async () => {
    const ledger = log;
    const customerId = freshId('c');
    await ledger.customer('DISTRIBUTOR');
    // Written before input validation existed: a due date PostgreSQL cannot store.
    await ledger.store.appendToStream(
      `promise-${randomUUID()}`,
      [
        {
          id: randomUUID(),
          type: 'PromiseMade',
          data: { promiseId: freshId('p'), customerId, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'x', madeAt: '2026-01-01T00:00:00.000Z', dueBy: '+010000-01-01T04:00:00.000Z' },
        },
      ],
      { expectedRevision: ANY },
    );
    await ledger.customer('RESELLER');
    const result = await rebuildProjections({ pool: log.pool, eventStore: log.store, projections: ledgerProjections(), names: ['ledger'] });
    expect(result.events).toBeGreaterThanOrEqual(3);
    const parked = await listParkedEvents(log.pool, 'ledger');
    expect(parked.map((p) => p.type)).toEqual(['PromiseMade']);
    expect((await log.pool.query('select count(*)::int as n from rm_customers')).rows[0].n).toBe(2);
  });
});
