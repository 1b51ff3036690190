import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { createPool, runMigrations } from '#libs/postgres';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database.js';
import { ANY, NO_STREAM, PostgresEventStore, eventStoreMigrations } from '../../index.js';
import { LedgerChainSealer } from './chain-sealer.js';
import { verifyLedgerChain, type Queryable } from './chain-verifier.js';
import { GENESIS_HASH, canonicalEvent, chainHash } from './event-hash.js';
import { holdLedgerChain, releaseLedgerChain } from './chain-hold.js';

interface Ledger {
  db: TestDatabase;
  pool: pg.Pool;
  store: PostgresEventStore;
  sealer: LedgerChainSealer;
}

async function openLedger(): Promise<Ledger> {
  const db = await createTestDatabase();
  const pool = createPool({ connectionString: db.url, max: 12 });
  await runMigrations(pool, eventStoreMigrations);
  return { db, pool, store: new PostgresEventStore(pool, db.url), sealer: new LedgerChainSealer(pool, { batchSize: 97 }) };
}

async function closeLedger(ledger: Ledger | undefined): Promise<void> {
  if (!ledger) return;
  await ledger.sealer.stop();
  await ledger.store.close();
  await ledger.pool.end();
  await ledger.db.drop();
}

const word = () => randomUUID().slice(0, 1 + Math.floor(Math.random() * 8));

/** Appends `count` events spread over `streams` streams, with nested data and metadata. */
async function appendEvents(store: PostgresEventStore, count: number, streams = 20): Promise<void> {
  const prefix = `s-${randomUUID()}-`;
  for (let i = 0; i < count; i++) {
    await store.appendToStream(
      `${prefix}${i % streams}`,
      [
        {
          id: randomUUID(),
          type: i % 3 === 0 ? 'PromiseMade' : 'PromiseKept',
          data: { customerId: word(), name: `Zoë ${word()}`, amount: String(i * 7), nested: { list: [i, word(), i % 2 === 0] } },
          metadata: { actor: word(), correlationId: randomUUID() },
        },
      ],
      { expectedRevision: ANY },
    );
  }
}

/** Verifies inside a transaction (so a tampering can be rolled back) and returns the report. */
async function inScratch<T>(pool: pg.Pool, tamper: (client: pg.PoolClient) => Promise<T>, check: (value: T, client: Queryable) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const value = await tamper(client);
    await check(value, client);
  } finally {
    await client.query('rollback');
    client.release();
  }
}

const COLUMNS = ['data', 'metadata', 'event_type', 'stream_id', 'revision', 'event_id', 'recorded_at'] as const;
type Column = (typeof COLUMNS)[number];
const TEXT_OF: Record<Column, string> = {
  data: 'data::text',
  metadata: 'metadata::text',
  event_type: 'event_type',
  stream_id: 'stream_id',
  revision: 'revision::text',
  event_id: 'event_id::text',
  recorded_at: '(extract(epoch from recorded_at) * 1000000)::bigint::text',
};
const SET_FROM_TEXT: Record<Column, string> = {
  data: '$1::jsonb',
  metadata: '$1::jsonb',
  event_type: '$1',
  stream_id: '$1',
  revision: '$1::bigint',
  event_id: '$1::uuid',
  recorded_at: "timestamptz 'epoch' + $1::bigint * interval '1 microsecond'",
};
const ALPHABET = 'abcdefABCDEF0123456789 {}[]":,.-_xyzé';

/** Changes one character of one stored column of one event; retries until the stored value really changed. */
async function changeOneByte(client: pg.PoolClient, positions: readonly string[]): Promise<{ position: string; column: Column }> {
  for (;;) {
    const position = positions[Math.floor(Math.random() * positions.length)]!;
    const column = COLUMNS[Math.floor(Math.random() * COLUMNS.length)]!;
    const { rows: [before] } = await client.query<{ text: string }>(`select ${TEXT_OF[column]} as text from es_events where position = $1`, [position]);
    const text = before!.text;
    const at = Math.floor(Math.random() * text.length);
    const replacement = ALPHABET[Math.floor(Math.random() * ALPHABET.length)]!;
    if (replacement === text[at]) continue;
    const changed = text.slice(0, at) + replacement + text.slice(at + 1);
    await client.query('savepoint change');
    try {
      await client.query(`update es_events set ${column} = ${SET_FROM_TEXT[column]} where position = $2`, [changed, position]);
      const { rows: [after] } = await client.query<{ text: string }>(`select ${TEXT_OF[column]} as text from es_events where position = $1`, [position]);
      // JSON whitespace normalises away: that stored nothing new, so it is not a change.
      if (after!.text !== text) return { position, column };
    } catch {
      // Not valid JSON, a uuid, a number, or a duplicate revision: try another change.
    }
    await client.query('rollback to savepoint change');
  }
}

describe('the ledger chain', () => {
  let ledger: Ledger;
  let positions: string[];

  beforeAll(async () => {
    ledger = await openLedger();
    await appendEvents(ledger.store, 300);
    await ledger.sealer.sealPending();
    positions = (await ledger.pool.query<{ p: string }>('select position::text as p from es_events order by position')).rows.map((r) => r.p);
  });
  afterAll(() => closeLedger(ledger));

  it('verifies an untouched log up to its head, and up to any position', async () => {
    const report = await verifyLedgerChain(ledger.pool, { pageSize: 64 });
    expect(report).toMatchObject({ verified: true, eventsChecked: 300, head: BigInt(positions.at(-1)!), pending: 0 });
    const { rows: [stored] } = await ledger.pool.query<{ hash: Buffer }>('select hash from es_chain order by position desc limit 1');
    expect(report.digest).toBe(stored!.hash.toString('hex'));
    const half = await verifyLedgerChain(ledger.pool, { upTo: BigInt(positions[149]!) });
    expect(half).toMatchObject({ verified: true, eventsChecked: 150, head: BigInt(positions[149]!) });
  });

  it('chains the canonical text of each event as documented (canonicalEvent), from the genesis hash', async () => {
    const { rows } = await ledger.pool.query(
      `select e.stream_id as "streamId", e.revision::text as revision, e.position::text as position, e.event_type as "eventType",
              e.event_id::text as "eventId", e.data::text as data, e.metadata::text as metadata,
              (extract(epoch from e.recorded_at) * 1000000)::bigint::text as "recordedUs", c.hash
         from es_events e join es_chain c using (position) order by e.position limit 3`,
    );
    let previous = GENESIS_HASH;
    for (const row of rows) {
      previous = chainHash(previous, canonicalEvent(row));
      expect(previous.toString('hex')).toBe(row.hash.toString('hex'));
    }
    expect(canonicalEvent({ streamId: 'sé', revision: '0', position: '12', eventType: 'T', eventId: 'id', data: '{}', metadata: '{"a": 1}', recordedUs: '5' })).toBe(
      '3:sé,1:0,2:12,1:T,2:id,2:{},8:{"a": 1},1:5',
    );
  });

  it('finds each of 1,000 random single-byte changes to stored events, at the changed event', async () => {
    const missed: string[] = [];
    const columns = new Map<Column, number>();
    for (let i = 0; i < 1_000; i++) {
      await inScratch(
        ledger.pool,
        (client) => changeOneByte(client, positions),
        async ({ position, column }, client) => {
          columns.set(column, (columns.get(column) ?? 0) + 1);
          const report = await verifyLedgerChain(client);
          if (report.verified || report.firstBadPosition !== BigInt(position)) missed.push(`${column} at ${position}: ${JSON.stringify({ ...report, head: String(report.head), firstBadPosition: String(report.firstBadPosition) })}`);
        },
      );
    }
    expect(missed).toEqual([]);
    expect([...columns.keys()].sort()).toEqual([...COLUMNS].sort());
    expect((await verifyLedgerChain(ledger.pool)).verified).toBe(true);
  });

  it('finds a deleted last event', async () => {
    const last = positions.at(-1)!;
    await inScratch(
      ledger.pool,
      (client) => client.query('delete from es_events where position = $1', [last]),
      async (_, client) => {
        const report = await verifyLedgerChain(client);
        expect(report).toMatchObject({ verified: false, firstBadPosition: BigInt(last), eventsChecked: 299 });
        expect(report.problem).toMatch(/^event missing/);
      },
    );
  });

  it('finds a deleted event in the middle', async () => {
    await inScratch(
      ledger.pool,
      (client) => client.query('delete from es_events where position = $1', [positions[10]]),
      async (_, client) => expect(await verifyLedgerChain(client)).toMatchObject({ verified: false, firstBadPosition: BigInt(positions[10]!), problem: expect.stringMatching(/^event missing/) }),
    );
  });

  it('finds an event inserted in a gap of positions, and one put in place of another', async () => {
    const other = await openLedger();
    try {
      await appendEvents(other.store, 5);
      await other.pool.query("select nextval('es_position_seq')"); // a gap, as a rolled-back append leaves
      await appendEvents(other.store, 5);
      await other.sealer.sealPending();
      const { rows } = await other.pool.query<{ p: string }>('select position::text as p from es_events order by position');
      const gap = String(BigInt(rows[4]!.p) + 1n);
      expect(rows[5]!.p).not.toBe(gap);
      await inScratch(
        other.pool,
        (client) =>
          client.query(
            `insert into es_events (position, transaction_id, stream_id, revision, event_id, event_type, data, metadata, recorded_at)
             select $1, transaction_id, 'forged', 0, gen_random_uuid(), event_type, data, metadata, recorded_at from es_events where position = $2`,
            [gap, rows[4]!.p],
          ),
        async (_, client) => expect(await verifyLedgerChain(client)).toMatchObject({ verified: false, firstBadPosition: BigInt(gap), problem: expect.stringMatching(/^inserted/) }),
      );
      await inScratch(
        other.pool,
        async (client) => {
          await client.query('delete from es_events where position = $1', [rows[2]!.p]);
          await client.query(
            `insert into es_events (position, transaction_id, stream_id, revision, event_id, event_type, data, metadata, recorded_at)
             select $1, transaction_id, 'forged', 0, gen_random_uuid(), event_type, data, metadata, recorded_at from es_events where position = $2`,
            [rows[2]!.p, rows[3]!.p],
          );
        },
        async (_, client) => expect(await verifyLedgerChain(client)).toMatchObject({ verified: false, firstBadPosition: BigInt(rows[2]!.p), problem: expect.stringMatching(/^inserted/) }),
      );
    } finally {
      await closeLedger(other);
    }
  });

  it('finds a swapped pair as out of order', async () => {
    const [a, b] = [positions[40]!, positions[41]!];
    await inScratch(
      ledger.pool,
      async (client) => {
        await client.query('update es_events set position = -1 where position = $1', [a]);
        await client.query('update es_events set position = $1 where position = $2', [a, b]);
        await client.query('update es_events set position = $1 where position = -1', [b]);
      },
      async (_, client) => {
        const report = await verifyLedgerChain(client);
        expect(report).toMatchObject({ verified: false, firstBadPosition: BigInt(a), eventsChecked: 40 });
        expect(report.problem).toMatch(/^out of order/);
      },
    );
  });

  it('finds a changed chain record', async () => {
    await inScratch(
      ledger.pool,
      (client) => client.query("update es_chain set hash = decode(repeat('ab', 32), 'hex') where position = $1", [positions[7]]),
      async (_, client) => expect(await verifyLedgerChain(client)).toMatchObject({ verified: false, firstBadPosition: BigInt(positions[7]!) }),
    );
  });
});

describe('the chain sealer', () => {
  let ledger: Ledger | undefined;
  afterAll(() => closeLedger(ledger));

  it('chains every event appended by concurrent writers, and the chain verifies', async () => {
    ledger = await openLedger();
    const { store, sealer, pool } = ledger;
    sealer.start();
    // A second sealer, as another API process would run: they take turns through the lock.
    const second = new LedgerChainSealer(pool, { batchSize: 50, idleMs: 20 });
    second.start();
    await Promise.all(Array.from({ length: 12 }, () => appendEvents(store, 60, 4)));
    await store.appendToStreams([
      { stream: `multi-${randomUUID()}`, events: [{ id: randomUUID(), type: 'T', data: {} }], expectedRevision: NO_STREAM },
      { stream: `multi-${randomUUID()}`, events: [{ id: randomUUID(), type: 'T', data: { x: 1 } }], expectedRevision: NO_STREAM },
    ]);
    await second.stop();
    await sealer.stop();
    await sealer.sealPending();
    const report = await verifyLedgerChain(pool, { pageSize: 100 });
    expect(report).toMatchObject({ verified: true, eventsChecked: 722, pending: 0 });
  });

  it('holds the chain for a sanctioned rewrite and chains the rewritten events once released', async () => {
    const { store, sealer, pool } = ledger!;
    await sealer.sealPending();
    const { rows: [head] } = await pool.query<{ p: string }>('select max(position)::text as p from es_chain');
    const holdAt = String(BigInt(head!.p) - 100n);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await holdLedgerChain(client, 'seal-personal-data', BigInt(holdAt));
      await client.query(`update es_events set data = jsonb_set(data, '{sealed}', 'true') where position > $1`, [holdAt]);
      await client.query('commit');
    } finally {
      client.release();
    }
    await appendEvents(store, 10);
    await sealer.sealPending();
    expect((await pool.query('select max(position)::text as p from es_chain')).rows[0].p).toBe(holdAt);
    expect(await verifyLedgerChain(pool)).toMatchObject({ verified: true, head: BigInt(holdAt), pending: 110 });
    const { rows: reseals } = await pool.query('select name, from_position::text, dropped_head::text from es_chain_reseals');
    expect(reseals).toEqual([{ name: 'seal-personal-data', from_position: holdAt, dropped_head: head!.p }]);
    await releaseLedgerChain(pool, 'seal-personal-data');
    await sealer.sealPending();
    expect(await verifyLedgerChain(pool)).toMatchObject({ verified: true, eventsChecked: 732, pending: 0 });
  });
});
