import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { loadConfig } from '#libs/config';
import { DomainError, promiseDecider, promiseStream, type Clock } from '#libs/domain';
import { NO_STREAM, PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { ProjectionRunner, PromiseDeadlineQueries, ledgerProjections, projectionMigrations } from '#libs/projections';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';
import { DeadlineWatcher } from './deadline-watcher.js';

const clock: Clock = { now: () => new Date() };
const config = { ...loadConfig({}), deadlineCheckIntervalMs: 100, atRiskWindowMs: 3_600_000 };

let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;
let runner: ProjectionRunner;
let queries: PromiseDeadlineQueries;

const decisions = () => new DecideAndAppend(store, clock, { next: () => randomUUID() }, runner, config);
const watcher = () => new DeadlineWatcher(decisions(), queries, clock, config);

async function seedPromises(count: number, dueBy: Date, prefix = randomUUID().slice(0, 8)): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const madeAt = new Date(dueBy.getTime() - 86_400_000).toISOString();
  let last = 0n;
  for (let i = 0; i < ids.length; i += 500) {
    const appended = await store.appendToStreams(
      ids.slice(i, i + 500).map((id) => ({
        stream: promiseStream(id),
        expectedRevision: NO_STREAM,
        events: [{ id: randomUUID(), type: 'PromiseMade', data: { promiseId: id, customerId: 'c', kind: 'DELIVERY', touchPoint: 'SYSTEM', description: 'x', madeAt, dueBy: dueBy.toISOString() } }],
      })),
    );
    for (const result of appended) if (result.position > last) last = result.position;
  }
  // Up to the last append, not the readable head: a transaction of another test file on the same
  // server can hold the head back (the store's xmin guard), and the read model would lack promises.
  await runner.waitFor(last, 30_000);
  return ids;
}

async function terminalEvents(ids: string[]): Promise<Map<string, string[]>> {
  const { rows } = await pool.query(
    `select stream_id, event_type from es_events where stream_id = any($1) and event_type <> 'PromiseMade' and event_type <> 'PromiseAtRisk' order by position`,
    [ids.map(promiseStream)],
  );
  const byStream = new Map<string, string[]>();
  for (const r of rows) byStream.set(r.stream_id, [...(byStream.get(r.stream_id) ?? []), r.event_type]);
  return byStream;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, max: 20 });
  await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations]);
  store = new PostgresEventStore(pool, db.url);
  runner = new ProjectionRunner({ pool, connectionString: db.url, eventStore: store, projections: ledgerProjections() });
  await runner.start();
  queries = new PromiseDeadlineQueries(pool);
});

afterAll(async () => {
  await runner.stop();
  await store.close();
  await pool.end();
  await db.drop();
});

const AGENT = { actor: 'agent-ann', correlationId: 'c', source: 'test' };

/** Promises made through the command path (with their risk moments), madeAt and dueBy relative to now. */
async function makePromises(count: number, madeAgoMs: number, dueInMs: number): Promise<string[]> {
  const prefix = randomUUID().slice(0, 8);
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const now = Date.now();
  for (const id of ids) {
    await decisions().execute(
      {
        aggregate: 'promise',
        newStream: true,
        command: { type: 'MakePromise', promiseId: id, customerId: 'c', kind: 'SERVICE', touchPoint: 'HUMAN', description: 'call back', madeAt: new Date(now - madeAgoMs), dueBy: new Date(now + dueInMs) },
      },
      AGENT,
    );
  }
  return ids;
}

async function eventsOf(id: string): Promise<{ type: string; level?: string }[]> {
  const { rows } = await pool.query(`select event_type, data->>'level' as level from es_events where stream_id = $1 order by position`, [promiseStream(id)]);
  return rows.map((r) => ({ type: r.event_type, ...(r.level ? { level: r.level } : {}) }));
}

describe('deadline watcher', () => {
  // 1,000 appends by two watchers at once: minutes on a loaded 2-core machine, not a speed test.
  it('two watchers racing over 1,000 due promises append 1,000 breaches, not more, each at its due date', async () => {
    const dueBy = new Date(Date.now() - 60_000); // fell due while no watcher ran
    const ids = await seedPromises(1_000, dueBy);
    const [a, b] = [watcher(), watcher()];
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    const events0 = await terminalEvents(ids);
    expect([events0.size, ra.broken + rb.broken]).toEqual([1_000, 1_000]);
    const events = await terminalEvents(ids);
    expect(events.size).toBe(1_000);
    for (const types of events.values()) expect(types).toEqual(['PromiseBroken']);
    const { rows } = await pool.query(
      `select count(*)::int as n from es_events where stream_id = any($1) and event_type = 'PromiseBroken'
         and data->>'reason' = 'DEADLINE_PASSED' and data->>'brokenAt' = $2`,
      [ids.map(promiseStream), dueBy.toISOString()],
    );
    expect(rows[0].n).toBe(1_000);
  }, 180_000);

  it('lets a keep and the deadline race on one promise: exactly one terminal event', async () => {
    for (let round = 0; round < 10; round++) {
      const dueBy = new Date(Date.now() - 1_000);
      const [id] = await seedPromises(1, dueBy);
      const keep = decisions()
        .run(promiseDecider, promiseStream(id!), (now) => ({ type: 'KeepPromise' as const, promiseId: id!, keptAt: new Date(dueBy.getTime() - 500), now }), {
          context: { actor: 'agent', correlationId: 'c', source: 'test' },
        })
        .catch((error: unknown) => {
          if (error instanceof DomainError && error.code === 'INVALID_STATE') return undefined;
          throw error;
        });
      await Promise.all([keep, watcher().tick()]);
      const events = await terminalEvents([id!]);
      expect(events.get(promiseStream(id!))).toHaveLength(1);
    }
  });

  it('flags a promise at risk once per due date', async () => {
    const [id] = await seedPromises(1, new Date(Date.now() + 30 * 60_000));
    const w = watcher();
    await w.tick();
    await runner.waitFor(await store.headPosition(), 10_000);
    await w.tick();
    const { rows } = await pool.query(`select count(*)::int as n from es_events where stream_id = $1 and event_type = 'PromiseAtRisk'`, [promiseStream(id!)]);
    expect(rows[0].n).toBe(1);
  });

  it('never breaks a paused promise, with several watchers, and breaks the others', async () => {
    const ids = await makePromises(20, 60_000, 1_500);
    const paused = ids.slice(0, 10);
    for (const id of paused) {
      await decisions().execute({ aggregate: 'promise', mustExist: true, command: { type: 'PausePromise', promiseId: id, reason: 'waiting on the customer', pausedBy: '' } }, AGENT);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const watchers = [watcher(), watcher(), watcher()];
    await Promise.all(watchers.map((w) => w.tick()));
    await runner.waitFor(await store.headPosition(), 10_000);
    await Promise.all(watchers.map((w) => w.tick()));
    const events = await terminalEvents(ids);
    for (const id of paused) expect([id, events.get(promiseStream(id))]).toEqual([id, ['PromisePaused']]);
    for (const id of ids.slice(10)) expect([id, events.get(promiseStream(id))]).toEqual([id, ['PromiseBroken']]);
    // Who paused is the caller, not what the input said.
    const { rows } = await pool.query(`select data->>'pausedBy' as by from es_events where stream_id = $1 and event_type = 'PromisePaused'`, [promiseStream(paused[0]!)]);
    expect(rows[0].by).toBe('agent-ann');
  });

  it('records AT_RISK and CRITICAL once each, in order, after downtime too, with several watchers', async () => {
    // 10.5 h of clock, 10 h used: both thresholds (75 %, 90 %) passed while no watcher ran.
    const [late] = await makePromises(1, 10 * 3_600_000, 30 * 60_000);
    // 10 h of clock, 8 h used: AT_RISK (75 %) only.
    const [early] = await makePromises(1, 8 * 3_600_000, 2 * 3_600_000);
    for (let round = 0; round < 3; round++) {
      await Promise.all([watcher().tick(), watcher().tick()]);
      await runner.waitFor(await store.headPosition(), 10_000);
    }
    expect(await eventsOf(late!)).toEqual([{ type: 'PromiseMade' }, { type: 'PromiseAtRisk', level: 'AT_RISK' }, { type: 'PromiseAtRisk', level: 'CRITICAL' }]);
    expect(await eventsOf(early!)).toEqual([{ type: 'PromiseMade' }, { type: 'PromiseAtRisk', level: 'AT_RISK' }]);
    const { rows } = await pool.query(`select id, risk from rm_promises where id = any($1) order by id`, [[late, early]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.risk]))).toEqual({ [late!]: 'CRITICAL', [early!]: 'AT_RISK' });
  });

  it('records no risk for a paused promise, and counts it again from where it stopped once resumed', async () => {
    const [id] = await makePromises(1, 60_000, 3 * 3_600_000); // 3 h 1 min of clock, 1 min used
    await decisions().execute({ aggregate: 'promise', mustExist: true, command: { type: 'PausePromise', promiseId: id!, reason: 'waiting', pausedBy: '' } }, AGENT);
    await watcher().tick();
    expect(await eventsOf(id!)).toEqual([{ type: 'PromiseMade' }, { type: 'PromisePaused' }]);
    await decisions().execute({ aggregate: 'promise', mustExist: true, command: { type: 'ResumePromise', promiseId: id! } }, AGENT);
    const { rows } = await pool.query(`select risk, next_risk_at > now() as later, paused_ms > 0 as counted from rm_promises where id = $1`, [id]);
    expect(rows[0]).toEqual({ risk: 'ON_TRACK', later: true, counted: true });
  });

  it('finds risk crossings through an index, not a scan of every promise', async () => {
    await runner.waitFor(await store.headPosition(), 10_000);
    await pool.query('analyze rm_promises');
    const { rows } = await pool.query(
      `explain select id, next_risk_at from rm_promises
        where status = 'OPEN' and paused_at is null and next_risk_at is not null and next_risk_at <= now()
        order by next_risk_at, id limit 500`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('finds due promises through an index, not a scan of every promise', async () => {
    await seedPromises(200, new Date(Date.now() + 86_400_000));
    await runner.waitFor(await store.headPosition(), 10_000);
    await pool.query('analyze rm_promises');
    const { rows } = await pool.query(
      `explain select id from rm_promises where status = 'OPEN' and due_by <= now() order by due_by limit 500`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // Either index answers "open and due, oldest first" without reading every promise; the planner
    // picks between them by size, which differs from one run to the next.
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toMatch(/Index (Only )?Scan using rm_promises_(open_due|status) on rm_promises/);
  });
});
