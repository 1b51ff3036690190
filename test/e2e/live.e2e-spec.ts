import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const AGENT = 'agent-key-0001';
const auth = { authorization: `Bearer ${AGENT}` };
let db: TestDatabase;
let api: ApiProcess;
let pool: pg.Pool;
const clients: Client[] = [];

async function ok(query: string, variables?: Record<string, unknown>) {
  const res = await gql(api.baseUrl, query, variables, auth);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

const wsClient = (key?: string) => {
  const client = createClient({
    url: api.baseUrl.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
};

/** Subscribes and resolves with the first `count` payloads (or rejects with the error). */
function take<T>(client: Client, query: string, variables: Record<string, unknown>, count = 1) {
  const received: T[] = [];
  let ready!: () => void;
  const subscribed = new Promise<void>((r) => (ready = r));
  const done = new Promise<T[]>((resolve, reject) => {
    const dispose = client.subscribe<T>({ query, variables }, {
      next: (value) => {
        if (value.errors) return reject(new Error(JSON.stringify(value.errors)));
        received.push(value.data as T);
        if (received.length >= count) {
          dispose();
          resolve(received);
        }
      },
      error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
      complete: () => undefined,
    });
  });
  client.on('connected', () => setTimeout(ready, 200));
  return { subscribed, done };
}

async function customerAndPromise(dueInMs: number) {
  const c = (await ok('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { name: 'Live', kind: 'DISTRIBUTOR' } })).registerCustomer.id;
  const p = (await ok('mutation($i: MakePromiseInput!) { makePromise(input: $i) { id dueBy } }', {
    i: { customerId: c, kind: 'DELIVERY', description: 'live one', dueBy: new Date(Date.now() + dueInMs).toISOString() },
  })).makePromise;
  return { customerId: c as string, promiseId: p.id as string, dueBy: p.dueBy as string };
}

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startApi({ DATABASE_URL: db.url, LEDGER_API_KEYS: `AGENT:${AGENT}`, LEDGER_DEADLINE_CHECK_INTERVAL: '200ms', LEDGER_AT_RISK_WINDOW: '1h' });
  pool = new pg.Pool({ connectionString: db.url });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await api?.stop();
  await pool?.end();
  await db?.drop();
});

describe('deadlines', () => {
  it('breaks a promise due in 2 s with no request made, once, at its due date; flags it at risk first', async () => {
    const { promiseId, dueBy } = await customerAndPromise(2_000);
    const deadline = Date.now() + 10_000;
    let promise: { status: string; brokenAt: string | null; brokenReason: string | null } | undefined;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const res = await gql(api.baseUrl, `{ promise(id: "${promiseId}") { status brokenAt brokenReason } }`, undefined, auth);
      promise = res.data!.promise;
      if (promise?.status === 'BROKEN') break;
    }
    expect(promise).toEqual({ status: 'BROKEN', brokenAt: dueBy, brokenReason: 'DEADLINE_PASSED' });
    await new Promise((r) => setTimeout(r, 1_000)); // more ticks must not break it again
    const { rows } = await pool.query(`select event_type, data->>'level' as level from es_events where stream_id = $1 order by revision`, [`promise-${promiseId}`]);
    // AT_RISK at once (the 24 h window covers the whole clock); CRITICAL (90 %, 200 ms before dueBy)
    // only when a tick lands in those 200 ms; each at most once, both before the breach.
    const types = rows.map((r) => (r.level ? `${r.event_type}:${r.level}` : r.event_type));
    expect([
      ['PromiseMade', 'PromiseAtRisk:AT_RISK', 'PromiseBroken'],
      ['PromiseMade', 'PromiseAtRisk:AT_RISK', 'PromiseAtRisk:CRITICAL', 'PromiseBroken'],
    ]).toContainEqual(types);
    const timeline = await ok(`{ promise(id: "${promiseId}") { customer { timeline { nodes { type summary } } } } }`);
    expect(timeline.promise.customer.timeline.nodes.map((n: { type: string }) => n.type)).toContain('PromiseAtRisk');
  });

  it('lists promises at risk through the filter', async () => {
    const { customerId, promiseId } = await customerAndPromise(30 * 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const res = await ok('query($f: PromiseFilter) { promises(filter: $f) { nodes { id atRisk } } }', { f: { customerId, atRisk: true } });
    expect(res.promises.nodes).toEqual([{ id: promiseId, atRisk: true }]);
  });
});

describe('subscriptions', () => {
  it('delivers promiseBroken for an event appended straight into the store, within a second', async () => {
    const { customerId, promiseId } = await customerAndPromise(7_200_000);
    const sub = take<{ promiseBroken: { id: string; status: string; brokenReason: string } }>(
      wsClient(AGENT),
      'subscription($c: ID) { promiseBroken(customerId: $c) { id status brokenReason } }',
      { c: customerId },
    );
    await sub.subscribed;
    const appendedAt = Date.now();
    const event = { s: 1, id: randomUUID(), type: 'PromiseBroken', data: { promiseId, customerId, brokenAt: new Date().toISOString(), reason: 'from the ERP', reportedAt: new Date().toISOString() } };
    await pool.query(`select * from es_append(array[$1], array[0]::bigint[], $2::jsonb)`, [`promise-${promiseId}`, JSON.stringify([event])]);
    const [message] = await sub.done;
    expect(Date.now() - appendedAt).toBeLessThan(1_000);
    expect(message!.promiseBroken).toEqual({ id: promiseId, status: 'BROKEN', brokenReason: 'from the ERP' });
  });

  it('pushes ledgerChanged when a promise of the customer changes', async () => {
    const { customerId, promiseId } = await customerAndPromise(7_200_000);
    const sub = take<{ ledgerChanged: { kept: number; open: number } }>(wsClient(AGENT), 'subscription($c: ID!) { ledgerChanged(customerId: $c) { kept open } }', { c: customerId });
    await sub.subscribed;
    await ok('mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: promiseId } });
    const [message] = await sub.done;
    expect(message!.ledgerChanged).toEqual({ kept: 1, open: 0 });
  });

  it('follows the log only while someone listens, and starts again for the next subscriber', async () => {
    const followingNow = async () => Number(/^ledger_live_following (\d+)/m.exec(await (await fetch(`${api.baseUrl}/metrics`)).text())?.[1]);
    const settle = async (want: number) => {
      for (let i = 0; i < 50 && (await followingNow()) !== want; i++) await new Promise((r) => setTimeout(r, 50));
      return followingNow();
    };
    expect(await settle(0)).toBe(0);
    const { customerId, promiseId } = await customerAndPromise(7_200_000);
    const client = wsClient(AGENT);
    const first = take<{ ledgerChanged: { kept: number } }>(client, 'subscription($c: ID!) { ledgerChanged(customerId: $c) { kept } }', { c: customerId });
    await first.subscribed;
    expect(await followingNow()).toBe(1);
    await ok('mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: promiseId } });
    expect((await first.done)[0]!.ledgerChanged.kept).toBe(1); // take() unsubscribes after the first
    expect(await settle(0)).toBe(0);

    const again = await customerAndPromise(7_200_000);
    const second = take<{ ledgerChanged: { kept: number } }>(client, 'subscription($c: ID!) { ledgerChanged(customerId: $c) { kept } }', { c: again.customerId });
    await new Promise((r) => setTimeout(r, 300));
    expect(await followingNow()).toBe(1);
    await ok('mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: again.promiseId } });
    expect((await second.done)[0]!.ledgerChanged.kept).toBe(1);
  });

  it('refuses a subscription without a valid key', async () => {
    const sub = take(wsClient('wrong-key'), 'subscription { promiseBroken { id } }', {});
    await expect(sub.done).rejects.toBeDefined();
    const anonymous = take(wsClient(), 'subscription { promiseBroken { id } }', {});
    await expect(anonymous.done).rejects.toBeDefined();
  });
});
