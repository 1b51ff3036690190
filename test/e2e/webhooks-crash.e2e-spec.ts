// Issue 17: deliveries survive a kill -9 of the API, and two API processes deliver each event once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { appendHistory, historyItems } from '../support/ledger-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const EVENTS = ['PROMISE_MADE', 'PROMISE_KEPT', 'PROMISE_BROKEN', 'ERROR_RECORDED'];
const env = (db: TestDatabase) => ({
  DATABASE_URL: db.url,
  LEDGER_RATE_LIMIT_PER_MINUTE: '10000000',
  LEDGER_WEBHOOK_TIMEOUT: '1s',
  LEDGER_WEBHOOK_RETRY_FIRST_DELAY: '100ms',
  LEDGER_WEBHOOK_RETRY_MAX_DELAY: '500ms',
});
const receiver = new WebhookReceiver();
const dbs: TestDatabase[] = [];
const apis: ApiProcess[] = [];

beforeAll(() => receiver.start());
afterAll(async () => {
  for (const api of apis) await api.kill();
  await receiver.stop();
  for (const db of dbs) await db.drop();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  dbs.push(db);
  return db;
}

async function api(db: TestDatabase): Promise<ApiProcess> {
  const started = await startApi(env(db), 60_000);
  apis.push(started);
  return started;
}

async function createWebhook(baseUrl: string, url: string): Promise<void> {
  const res = await gql(baseUrl, 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }', { i: { url, events: EVENTS } });
  expect(res.errors).toBeUndefined();
}

/** Per delivery id: its one body (a retry sends the same bytes), and per log position: its one delivery id. */
function checkOncePerEvent(received: ReceivedWebhook[]): Map<string, string> {
  const bodyById = new Map<string, string>();
  const idByPosition = new Map<string, string>();
  for (const r of received) {
    expect(bodyById.get(r.id) ?? r.body).toBe(r.body);
    bodyById.set(r.id, r.body);
    const position = JSON.parse(r.body).data.position as string;
    expect(idByPosition.get(position) ?? r.id).toBe(r.id);
    idByPosition.set(position, r.id);
  }
  return idByPosition;
}

describe('webhook delivery across processes', () => {
  it('loses nothing when the API is killed (kill -9) in the middle of deliveries', async () => {
    const db = await database();
    const first = await api(db);
    // A slowish receiver, so that the kill lands while deliveries are in flight and others are due.
    await createWebhook(first.baseUrl, receiver.url('/crash', () => new Promise((r) => setTimeout(() => r(200), 20))));
    await appendHistory(first.baseUrl, historyItems('crash', 40)); // 200 deliveries
    await receiver.until('/crash', (r) => r.length >= 20);
    await first.kill();
    const before = new Set(receiver.at('/crash').map((r) => r.id)).size;
    expect(before).toBeLessThan(200);

    const second = await api(db);
    const received = await receiver.until('/crash', (r) => new Set(r.map((x) => x.id)).size >= 200, 60_000);
    const byPosition = checkOncePerEvent(received);
    expect(byPosition.size).toBe(200);
    // Every event of the log was fanned out once and is DELIVERED; a duplicate is only a resend of
    // the same id (the attempts the kill interrupted).
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const count = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0]!.n;
      expect(await count(`select count(*)::int as n from es_events where event_type in ('PromiseMade', 'PromiseKept', 'PromiseBroken', 'ErrorRecorded')`)).toBe(200);
      const delivered = `select count(*)::int as n from webhook_deliveries where status = 'DELIVERED'`;
      for (let i = 0; i < 100 && (await count(delivered)) < 200; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await count(delivered)).toBe(200);
      expect(await count('select count(distinct event_id)::int as n from webhook_deliveries')).toBe(200);
    } finally {
      await pool.end();
    }
    await second.stop();
  }, 180_000);

  it('delivers each event once with two API processes on one database', async () => {
    const db = await database();
    const [a, b] = [await api(db), await api(db)];
    await createWebhook(a.baseUrl, receiver.url('/twice'));
    await Promise.all([appendHistory(a.baseUrl, historyItems('twice-a', 20), { source: 'a' }), appendHistory(b.baseUrl, historyItems('twice-b', 20), { source: 'b' })]);
    const received = await receiver.until('/twice', (r) => new Set(r.map((x) => x.id)).size >= 200, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(checkOncePerEvent(received).size).toBe(200);
    // The receiver answered every request at once with 200: nothing was retried, nothing sent twice.
    expect(receiver.at('/twice')).toHaveLength(200);
    await a.stop();
    await b.stop();
  }, 180_000);
});
