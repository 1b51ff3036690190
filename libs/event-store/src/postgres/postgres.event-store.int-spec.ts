import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { createPool, runMigrations } from '#libs/postgres';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { runEventStoreContract } from '../../test/event-store.contract.js';
import { ANY, NO_STREAM, PostgresEventStore, eventStoreMigrations } from '../index.js';

async function openStore(): Promise<{ db: TestDatabase; pool: pg.Pool; store: PostgresEventStore }> {
  const db = await createTestDatabase();
  const pool = createPool({ connectionString: db.url, max: 20 });
  await runMigrations(pool, eventStoreMigrations);
  return { db, pool, store: new PostgresEventStore(pool, db.url) };
}

runEventStoreContract(
  'postgres',
  async () => {
    const { db, pool, store } = await openStore();
    return {
      store,
      async holdAppend(stream, events) {
        const client = await pool.connect();
        await client.query('begin');
        await store.appendToStreams([{ stream, events, expectedRevision: NO_STREAM }], client);
        return {
          async commit() {
            await client.query('commit');
            client.release();
          },
        };
      },
      async cleanup() {
        await store.close();
        await pool.end();
        await db.drop();
      },
    };
  },
  { transactional: true },
);

describe('postgres event store', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    ({ db, pool, store } = await openStore());
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  });

  it('applies its migrations once when two processes start at once', async () => {
    const other = createPool({ connectionString: db.url });
    const results = await Promise.all([runMigrations(pool, eventStoreMigrations), runMigrations(other, eventStoreMigrations)]);
    await other.end();
    expect(results).toEqual([[], []]);
    const { rows } = await pool.query('select id from schema_migrations');
    expect(rows.map((r) => r.id)).toEqual(eventStoreMigrations.map((m) => m.id));
  });

  it('appends to several streams atomically: one stale expectation appends nothing', async () => {
    const p = `multi-${randomUUID()}-`;
    await store.appendToStream(`${p}b`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM });
    const refused = await store
      .appendToStreams([
        { stream: `${p}a`, events: [{ id: randomUUID(), type: 'T', data: {} }], expectedRevision: NO_STREAM },
        { stream: `${p}b`, events: [{ id: randomUUID(), type: 'T', data: {} }], expectedRevision: NO_STREAM },
      ])
      .catch((e) => e);
    expect(refused).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', stream: `${p}b` });
    expect(await store.readStream(`${p}a`)).toEqual([]);

    const ok = await store.appendToStreams([
      { stream: `${p}a`, events: [{ id: randomUUID(), type: 'T', data: {} }, { id: randomUUID(), type: 'T', data: {} }], expectedRevision: NO_STREAM },
      { stream: `${p}b`, events: [{ id: randomUUID(), type: 'T', data: {} }], expectedRevision: 0n },
    ]);
    expect(ok.map((r) => r.nextExpectedRevision)).toEqual([1n, 1n]);
    expect(ok[1]!.position).toBe(ok[0]!.position + 1n);
  });

  it('es_append checks event ids only when asked, and notifies only when asked', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (m) => heard.push(m.payload ?? ''));
    await listener.query('listen es_events');
    try {
      const stream = `verify-${randomUUID()}`;
      const event = JSON.stringify([{ s: 1, id: randomUUID(), type: 'T', data: { n: 1 } }]);
      const append = (verify: boolean, notify: boolean) =>
        pool.query('select last_position from es_append($1::text[], $2::bigint[], $3::jsonb, $4, $5)', [[stream], ['-3'], event, verify, notify]);
      const { rows } = await append(false, false);
      // Unchecked, a re-sent event fails on its id; checked, it is answered with the stored position.
      await expect(append(false, false)).rejects.toMatchObject({ code: '23505' });
      expect((await append(true, false)).rows).toEqual(rows);
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([]);
      const notified = await pool.query('select last_position from es_append($1::text[], $2::bigint[], $3::jsonb)', [
        [stream],
        ['-3'],
        JSON.stringify([{ s: 1, id: randomUUID(), type: 'T', data: {} }]),
      ]);
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([notified.rows[0].last_position]);
    } finally {
      await listener.end();
    }
  });

  it('notifies inside a lone append, after the commit from a session of its own for appends side by side, and stays idempotent for re-sent appends', async () => {
    const writer = new PostgresEventStore(pool, db.url);
    const other = new PostgresEventStore(pool, db.url, { idlePollMs: 60_000 });
    const subscription = other.subscribeToAll({ fromPosition: await store.headPosition() });
    const publishers = async () =>
      (
        await pool.query(
          `select count(*)::int as n from pg_stat_activity where application_name = 'promise-ledger-publish' and datname = current_database()`,
        )
      ).rows[0].n as number;
    try {
      const iterator = subscription[Symbol.asyncIterator]();
      const stream = `published-${randomUUID()}`;
      const events = [{ id: randomUUID(), type: 'T', data: { n: 1 } }];
      await new Promise((r) => setTimeout(r, 200)); // the other store's LISTEN session is up
      const before = await publishers();
      // Alone: its own transaction's NOTIFY wakes the other store (not its one-minute poll).
      let started = Date.now();
      const first = await writer.appendToStream(stream, events, { expectedRevision: NO_STREAM });
      let batch = await iterator.next();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((batch.value as { position: bigint }[]).map((e) => e.position)).toEqual([first.position]);
      expect(await publishers()).toBe(before);

      // Side by side: one of them is announced after its commit, by the writer's publishing session.
      started = Date.now();
      const pair = await Promise.all(
        [1, 2].map(() => writer.appendToStream(`published-${randomUUID()}`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM })),
      );
      const seen: bigint[] = [];
      while (seen.length < 2) {
        batch = await iterator.next();
        seen.push(...(batch.value as { position: bigint }[]).map((e) => e.position));
      }
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(seen).toEqual(pair.map((r) => r.position).sort((a, b) => (a < b ? -1 : 1)));
      // Its session connects while the NOTIFY waits: give it a moment.
      for (let tries = 0; tries < 20 && (await publishers()) === before; tries++) await new Promise((r) => setTimeout(r, 100));
      expect(await publishers()).toBe(before + 1);

      // Re-sent with the same ids and the same (now stale) expectation: the stored result.
      expect(await writer.appendToStream(stream, events, { expectedRevision: NO_STREAM })).toEqual(first);
      const reused = await writer.appendToStream(`${stream}-b`, events, { expectedRevision: NO_STREAM }).catch((e) => e);
      expect(reused).toMatchObject({ code: 'CONFLICT' });
    } finally {
      await subscription.close();
      await other.close();
      await writer.close();
    }
  });

  it('gathers concurrent one-stream appends into shared transactions, and fails only the members that are wrong', async () => {
    const p = `gather-${randomUUID().slice(0, 8)}-`;
    await store.appendToStream(`${p}existing`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM });
    const reusedId = randomUUID();
    await store.appendToStream(`${p}owner`, [{ id: reusedId, type: 'T', data: {} }], { expectedRevision: NO_STREAM });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => {
        if (i === 17) return store.appendToStream(`${p}existing`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM });
        if (i === 33) return store.appendToStream(`${p}thief`, [{ id: reusedId, type: 'T', data: { other: true } }], { expectedRevision: NO_STREAM });
        // Ten writers share one stream (ANY), the others write streams of their own.
        const stream = i % 6 === 0 ? `${p}shared` : `${p}${i}`;
        return store.appendToStream(stream, [{ id: randomUUID(), type: 'T', data: { i } }, { id: randomUUID(), type: 'T', data: { i } }], { expectedRevision: ANY });
      }),
    );
    expect(outcomes[17]).toMatchObject({ status: 'rejected', reason: { code: 'WRONG_EXPECTED_REVISION', stream: `${p}existing` } });
    expect(outcomes[33]).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(2);

    // Every acknowledged append is stored whole at the revisions and positions it was told.
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'fulfilled') continue;
      const stream = i % 6 === 0 ? `${p}shared` : `${p}${i}`;
      const stored = await store.readStream(stream);
      const mine = stored.filter((e) => (e.data as { i?: number }).i === i);
      expect(mine.map((e) => e.revision)).toEqual([outcome.value.nextExpectedRevision - 1n, outcome.value.nextExpectedRevision]);
      expect(mine[1]!.position).toBe(outcome.value.position);
    }
    const shared = await store.readStream(`${p}shared`);
    expect(shared.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, k) => BigInt(k)));
    expect(await store.readStream(`${p}thief`)).toEqual([]);

    // Gathered: fewer transactions than appends.
    const { rows } = await pool.query(
      `select count(distinct transaction_id)::int as transactions, count(distinct stream_id)::int as streams
         from es_events where stream_id like $1 and stream_id not in ($2, $3)`,
      [`${p}%`, `${p}existing`, `${p}owner`],
    );
    expect(rows[0].streams).toBe(49);
    expect(rows[0].transactions).toBeLessThan(58);
  });

  it('keeps a lone writer ungathered and answers a re-sent append from a gathered call with the stored result', async () => {
    const stream = `lone-${randomUUID()}`;
    const events = [{ id: randomUUID(), type: 'T', data: {} }];
    const first = await store.appendToStream(stream, events, { expectedRevision: NO_STREAM });
    const again = await Promise.all([
      store.appendToStream(stream, events, { expectedRevision: NO_STREAM }),
      store.appendToStream(`lone-${randomUUID()}`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM }),
      store.appendToStream(`lone-${randomUUID()}`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM }),
      store.appendToStream(`lone-${randomUUID()}`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM }),
    ]);
    expect(again[0]).toEqual(first);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('fails only the gathered append whose own data PostgreSQL refuses, not the others in its call', async () => {
    const p = `refused-${randomUUID().slice(0, 8)}-`;
    // The first two go at once (two calls in flight); the other ten are gathered into one call.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => {
        const event = i === 5 ? { id: 'not-a-uuid', type: 'T', data: {} } : { id: randomUUID(), type: 'T', data: i === 8 ? { text: 'a\u0000b' } : { i } };
        return store.appendToStream(`${p}${i}`, [event], { expectedRevision: NO_STREAM });
      }),
    );
    expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i === 5 || i === 8 ? 'rejected' : 'fulfilled')));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'fulfilled') continue;
      const stored = await store.readStream(`${p}${i}`);
      expect(stored.map((e) => [e.revision, e.position])).toEqual([[0n, outcome.value.position]]);
    }
  });

  it('wakes another process for an append that commits after a newer one was announced, without a later append', async () => {
    const other = new PostgresEventStore(pool, db.url, { idlePollMs: 60_000 });
    const p = `late-commit-${randomUUID().slice(0, 8)}-`;
    await store.appendToStream(`${p}a`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM });
    // Filtered: it cannot tell an unseen older event from a non-matching one, so only a NOTIFY
    // after the older commit wakes it (its poll is a minute away).
    const subscription = other.subscribeToAll({ fromPosition: await store.headPosition(), filter: { streamPrefixes: [p] } });
    const locker = await pool.connect();
    try {
      const iterator = subscription[Symbol.asyncIterator]();
      const first = iterator.next();
      await new Promise((r) => setTimeout(r, 200)); // the other store's LISTEN session is up
      await locker.query('begin');
      await locker.query('select 1 from es_streams where stream_id = $1 for update', [`${p}a`]);
      // Takes its position, then waits for the stream's row: it commits last.
      const older = store.appendToStream(`${p}a`, [{ id: randomUUID(), type: 'Older', data: {} }], { expectedRevision: ANY });
      await new Promise((r) => setTimeout(r, 200));
      const newer = await store.appendToStream(`${p}b`, [{ id: randomUUID(), type: 'Newer', data: {} }], { expectedRevision: NO_STREAM });
      await new Promise((r) => setTimeout(r, 300)); // the newer append's NOTIFY finds nothing readable
      await locker.query('commit');
      expect((await older).position).toBeLessThan(newer.position);

      const seen: string[] = [];
      const started = Date.now();
      for (let next = await first; !next.done; next = await iterator.next()) {
        seen.push(...next.value.map((e) => e.type));
        if (seen.length >= 2) break;
      }
      expect(seen).toEqual(['Older', 'Newer']);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      locker.release();
      await subscription.close();
      await other.close();
    }
  });

  it('keeps a filtered subscription idle while only other streams are appended to', async () => {
    const reader = new PostgresEventStore(pool, db.url);
    const subscription = reader.subscribeToAll({ fromPosition: await reader.headPosition(), filter: { streamPrefixes: [`idle-${randomUUID()}`] } });
    const loop = (async () => {
      for await (const _ of subscription) throw new Error('nothing of its streams was appended');
    })();
    try {
      await new Promise((r) => setTimeout(r, 200)); // its LISTEN session is up
      await store.appendToStream(`elsewhere-${randomUUID()}`, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM });
      await new Promise((r) => setTimeout(r, 200));
      const reads = jest.spyOn(reader, 'readAll');
      await new Promise((r) => setTimeout(r, 1_000));
      // Its one-second poll, not a read per turn of the event loop.
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      await subscription.close();
      await loop;
      await reader.close();
    }
  });

  it('refuses an append that is not the first write of its transaction', async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('create temporary table scratch (x int)');
      await client.query('insert into scratch values (1)');
      const refused = await store
        .appendToStreams([{ stream: `late-${randomUUID()}`, events: [{ id: randomUUID(), type: 'T', data: {} }], expectedRevision: ANY }], client)
        .catch((e) => e);
      expect(String(refused.message)).toMatch(/first write of its transaction/);
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('loses no acknowledged append and half-writes none when the writer is killed (SIGKILL)', async () => {
    const prefix = `kill-${randomUUID().slice(0, 8)}-`;
    const script = resolve('dist/libs/event-store/test/fixtures/append-writer.js');
    const child = spawn(process.execPath, [script, db.url, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    await new Promise<void>((resolveKill, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) if (line.startsWith('ACK ')) acked.push(line.slice(4));
        if (acked.length >= 300 && !child.killed) {
          child.kill('SIGKILL');
          resolveKill();
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited early (${code}): ${stderr}`));
      });
    });
    await new Promise((r) => child.once('close', r));

    // A fresh store, as after a restart.
    const { rows } = await pool.query<{ batch: string; n: string; stream_id: string; revision: string }>(
      `select data->>'batch' as batch, count(*) as n from es_events where stream_id like $1 group by 1`,
      [`${prefix}%`],
    );
    const counts = new Map(rows.map((r) => [r.batch, Number(r.n)]));
    for (const batch of acked) expect(counts.get(batch)).toBe(5);
    for (const n of counts.values()) expect(n).toBe(5);
    expect(counts.size).toBeGreaterThanOrEqual(acked.length);

    const gaps = await pool.query(
      `select stream_id from es_events where stream_id like $1 group by stream_id
       having max(revision) + 1 <> count(*) or min(revision) <> 0`,
      [`${prefix}%`],
    );
    expect(gaps.rows).toEqual([]);
    const heads = await pool.query(
      `select s.stream_id from es_streams s join es_events e using (stream_id)
        where s.stream_id like $1 group by s.stream_id, s.revision having s.revision <> max(e.revision)`,
      [`${prefix}%`],
    );
    expect(heads.rows).toEqual([]);
  });
});
