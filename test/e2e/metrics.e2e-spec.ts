import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ledgerProjections } from '#libs/projections';
import { startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

// A writer that runs no projection (LEDGER_RUN_PROJECTIONS=false) leaves the log ahead of every
// checkpoint; a second process that runs them catches up. /metrics must show both.
let db: TestDatabase;
let pool: pg.Pool;
let writer: ApiProcess;
let runner: ApiProcess | undefined;
const receiver = new WebhookReceiver();
const WEBHOOKS_ENV = { LEDGER_WEBHOOK_TIMEOUT: '1s', LEDGER_WEBHOOK_RETRY_FIRST_DELAY: '300ms', LEDGER_WEBHOOK_RETRY_MAX_DELAY: '300ms' };

beforeAll(async () => {
  await receiver.start();
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  writer = await startApi({ DATABASE_URL: db.url, LEDGER_RUN_PROJECTIONS: 'false', ...WEBHOOKS_ENV });
});

afterAll(async () => {
  await runner?.stop();
  await writer?.stop();
  await pool?.end();
  await db?.drop();
  await receiver.stop();
});

async function scrape(api: ApiProcess): Promise<(name: string, labels?: string) => number | undefined> {
  const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
  return (name, labels = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const checkpoints = [...ledgerProjections().map((p) => p.name), 'webhooks'];
const head = async () => Number((await pool.query<{ head: string }>('select coalesce(max(position), 0) as head from es_events')).rows[0]!.head);

describe('/metrics: projection lag and webhook backlog', () => {
  it('shows each checkpoint behind the log in events and seconds, then 0 once caught up; and the pending webhook deliveries', async () => {
    let answer = 503;
    const created = await gql(writer.baseUrl, 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }', {
      i: { url: receiver.url('/lag', () => answer), events: ['PROMISE_MADE'] },
    });
    expect(created.errors).toBeUndefined();
    const appended = await gql(writer.baseUrl, 'mutation($i: AppendEventsInput!) { appendEvents(input: $i, awaitReadModels: false) { appended } }', {
      i: {
        source: 'lag-test',
        events: [
          { externalId: 'c-1', type: 'CUSTOMER_REGISTERED', payload: { id: 'cust-lag-1', name: 'Lag Tester', kind: 'RESELLER' } },
          ...[1, 2, 3].map((k) => ({
            externalId: `p-${k}`,
            type: 'PROMISE_MADE',
            payload: { id: `P-lag-${k}`, customerId: 'cust-lag-1', kind: 'DELIVERY', description: `order ${k}`, dueBy: '2099-01-01T00:00:00Z' },
          })),
        ],
      },
    });
    expect(appended.data?.appendEvents).toEqual({ appended: 4 });
    await new Promise((r) => setTimeout(r, 1_100));

    const behind = await scrape(writer);
    const position = await head();
    expect(position).toBeGreaterThanOrEqual(4);
    for (const name of checkpoints) {
      expect(behind('ledger_projection_lag_events', `projection="${name}"`)).toBe(position);
      expect(behind('ledger_projection_lag_seconds', `projection="${name}"`)).toBeGreaterThanOrEqual(1);
    }
    expect(behind('ledger_webhook_deliveries_pending')).toBe(0);
    expect(behind('ledger_webhook_oldest_pending_seconds')).toBe(0);

    // The second process runs the projections and the webhook delivery; the receiver refuses.
    runner = await startApi({ DATABASE_URL: db.url, ...WEBHOOKS_ENV });
    const caughtUp = await until(
      () => scrape(writer),
      (m) => checkpoints.every((name) => m('ledger_projection_lag_events', `projection="${name}"`) === 0) && m('ledger_webhook_deliveries_pending') === 3,
    );
    for (const name of checkpoints) {
      expect(caughtUp('ledger_projection_lag_events', `projection="${name}"`)).toBe(0);
      expect(caughtUp('ledger_projection_lag_seconds', `projection="${name}"`)).toBe(0);
    }
    expect(caughtUp('ledger_webhook_deliveries_pending')).toBe(3);
    const waiting = await until(() => scrape(writer), (m) => (m('ledger_webhook_oldest_pending_seconds') ?? 0) >= 1);
    expect(waiting('ledger_webhook_oldest_pending_seconds')).toBeGreaterThanOrEqual(1);

    answer = 200;
    const delivered = await until(() => scrape(writer), (m) => m('ledger_webhook_deliveries_pending') === 0);
    expect(delivered('ledger_webhook_deliveries_pending')).toBe(0);
    expect(delivered('ledger_webhook_oldest_pending_seconds')).toBe(0);
  });
});
