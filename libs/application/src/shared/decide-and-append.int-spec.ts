import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { loadConfig } from '#libs/config';
import { DomainError, promiseDecider, promiseStream, type Clock } from '#libs/domain';
import { PostgresEventStore, eventStoreMigrations, type ReadStreamOptions, type StoredEvent } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { DecideAndAppend } from './decide-and-append.js';
import type { AggregateCommand } from './aggregate-command.js';

const clock: Clock = { now: () => new Date() };
const config = loadConfig({});
const context = { actor: 'agent', correlationId: 'c', source: 'test' };

/** The real store, counting the streams it is asked to read. */
class CountingStore extends PostgresEventStore {
  reads: string[] = [];
  override readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.reads.push(stream);
    return super.readStream(stream, options);
  }
}

let db: TestDatabase;
let pool: pg.Pool;
let store: CountingStore;
let decisions: DecideAndAppend;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, max: 5 });
  await runMigrations(pool, eventStoreMigrations);
  store = new CountingStore(pool, db.url);
  // No read models here: waiting for them is not what these tests are about.
  decisions = new DecideAndAppend(store, clock, { next: () => randomUUID() }, { waitFor: async () => [] }, config);
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await db.drop();
});

const dueBy = new Date(Date.now() + 86_400_000);
const make = (id: string, description: string) => (now: Date) => ({
  type: 'MakePromise' as const,
  promiseId: id,
  customerId: 'C-1',
  kind: 'DELIVERY' as const,
  touchPoint: 'HUMAN' as const,
  description,
  dueBy,
  now,
});

describe('DecideAndAppend', () => {
  it('appends to a stream named by a fresh id without reading it first', async () => {
    const id = randomUUID();
    store.reads = [];
    const decision = await decisions.run(promiseDecider, promiseStream(id), make(id, 'call back'), { context, newStream: true });
    expect(store.reads).toEqual([]);
    expect(decision.version).toBe(0);
    expect((await store.readStream(promiseStream(id))).map((e) => e.type)).toEqual(['PromiseMade']);
  });

  it('reads the stream and decides again when a "new" stream exists after all', async () => {
    const id = randomUUID();
    await decisions.run(promiseDecider, promiseStream(id), make(id, 'first'), { context });
    store.reads = [];
    const refused = decisions.run(promiseDecider, promiseStream(id), make(id, 'second, different'), { context, newStream: true });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(store.reads).toEqual([promiseStream(id)]);
    // The same content again is a retry: accepted, nothing appended.
    const retried = await decisions.run(promiseDecider, promiseStream(id), make(id, 'first'), { context, newStream: true });
    expect(retried.appended).toBe(0);
    expect(await store.readStream(promiseStream(id))).toHaveLength(1);
  });
});

describe('DecideAndAppend.execute (every mutation)', () => {
  const makePromise = (id: string, customerId: string): AggregateCommand => ({
    aggregate: 'promise',
    requiresCustomer: customerId,
    newStream: true,
    command: { type: 'MakePromise', promiseId: id, customerId, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'ship it', dueBy },
  });

  it('refuses a command for an unknown customer with NOT_FOUND naming customerId, appending nothing', async () => {
    const id = randomUUID();
    const customerId = `nobody-${randomUUID()}`;
    await expect(decisions.execute(makePromise(id, customerId), context)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `customer ${customerId} not found`,
      fields: { customerId: 'not found' },
    });
    expect(await store.readStream(promiseStream(id))).toEqual([]);
  });

  it('reads a customer once: a known customer is not read again by later commands', async () => {
    const customerId = randomUUID();
    await decisions.execute({ aggregate: 'customer', command: { type: 'RegisterCustomer', customerId, name: 'Ada', kind: 'END_USER' } }, context);
    store.reads = [];
    await decisions.execute(makePromise(randomUUID(), customerId), context);
    await decisions.execute(makePromise(randomUUID(), customerId), context);
    expect(store.reads.filter((s) => s.includes(customerId))).toHaveLength(1);
    // An unknown one is asked every time (it may be registered meanwhile).
    const stranger = `nobody-${randomUUID()}`;
    await expect(decisions.execute(makePromise(randomUUID(), stranger), context)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(decisions.execute(makePromise(randomUUID(), stranger), context)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.reads.filter((s) => s.includes(stranger))).toHaveLength(2);
  });

  it('decides on the aggregate the command names, with the metadata of every appended event', async () => {
    const customerId = randomUUID();
    await decisions.execute({ aggregate: 'customer', command: { type: 'RegisterCustomer', customerId, name: 'Ada', kind: 'END_USER' } }, context);
    const id = randomUUID();
    expect(await decisions.execute(makePromise(id, customerId), context)).toMatchObject({ id, version: 0 });
    const [made] = await store.readStream(promiseStream(id));
    expect(made?.metadata).toEqual({ correlationId: 'c', causationId: 'c', actor: 'agent', source: 'test', schemaVersion: 2 });
    await expect(
      decisions.execute({ aggregate: 'promise', mustExist: true, expectedVersion: 3, command: { type: 'BreakPromise', promiseId: id, reason: 'late' } }, context),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: 'stale expectedVersion 3: the current version is 0' });
    await expect(
      decisions.execute({ aggregate: 'promise', mustExist: true, command: { type: 'BreakPromise', promiseId: 'nope', reason: 'late' } }, context),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'promise nope not found' });
  });
});
