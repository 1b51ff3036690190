import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
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
