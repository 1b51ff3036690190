// Issue 17: webhooks through GraphQL, delivered to a receiver on 127.0.0.1 by the built server.
// The retry schedule is shortened by configuration (production: 1 s doubling, 1 h cap, 24 h).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { useLedgerServer } from '../support/ledger-server.js';
import { gql } from '../support/graphql-client.js';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const server = useLedgerServer({
  LEDGER_RATE_LIMIT_PER_MINUTE: '10000000',
  LEDGER_WEBHOOK_TIMEOUT: '1s',
  LEDGER_WEBHOOK_RETRY_FIRST_DELAY: '100ms',
  LEDGER_WEBHOOK_RETRY_MAX_DELAY: '400ms',
  LEDGER_WEBHOOK_RETRY_FOR: '3s',
});
const receiver = new WebhookReceiver();
beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

const CREATE = 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url events active createdAt } } }';
const DELIVERIES = `query { webhooks { id active deliveries(first: 500) { totalCount nodes { id eventType position status attempts lastAttemptAt lastStatusCode lastError } } } }`;

interface Delivery {
  id: string;
  eventType: string;
  position: string;
  status: string;
  attempts: number;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

async function createWebhook(url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const res = await gql(server.baseUrl, CREATE, { i: { url, events } });
  expect(res.errors).toBeUndefined();
  return { id: res.data!.createWebhook.webhook.id, secret: res.data!.createWebhook.secret };
}

async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
  const res = await gql(server.baseUrl, DELIVERIES);
  expect(res.errors).toBeUndefined();
  return res.data!.webhooks.find((w: { id: string }) => w.id === webhookId).deliveries.nodes;
}

async function customer(): Promise<string> {
  const id = `c-${randomUUID()}`;
  const res = await gql(server.baseUrl, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', {
    i: { id, name: 'Receiver Test', kind: 'DISTRIBUTOR' },
  });
  expect(res.errors).toBeUndefined();
  return id;
}

async function makePromise(customerId: string): Promise<string> {
  const id = `p-${randomUUID()}`;
  const res = await gql(server.baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
    i: { id, customerId, kind: 'DELIVERY', description: 'call back', dueBy: '2099-01-01T00:00:00Z' },
  });
  expect(res.errors).toBeUndefined();
  return id;
}

const keep = async (id: string) => expect((await gql(server.baseUrl, 'mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id } })).errors).toBeUndefined();
const breakIt = async (id: string) =>
  expect((await gql(server.baseUrl, 'mutation($i: BreakPromiseInput!) { breakPromise(input: $i) { id } }', { i: { id, reason: 'late' } })).errors).toBeUndefined();

const verify = (secret: string, r: ReceivedWebhook) =>
  new Webhook(secret).verify(r.body, { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature });

async function until<T>(what: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('webhooks', () => {
  it('delivers the events it subscribes to, signed per Standard Webhooks, and records each attempt', async () => {
    const path = `/ok/${randomUUID()}`;
    const created = await gql(server.baseUrl, CREATE, { i: { url: receiver.url(path), events: ['PROMISE_MADE', 'PROMISE_KEPT'] } });
    expect(created.errors).toBeUndefined();
    const { secret, webhook } = created.data!.createWebhook;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ url: receiver.url(path), events: ['PROMISE_MADE', 'PROMISE_KEPT'], active: true });

    const customerId = await customer();
    const promiseId = await makePromise(customerId);
    await keep(promiseId);
    expect((await gql(server.baseUrl, 'mutation($i: RecordErrorInput!) { recordError(input: $i) { id } }', { i: { customerId, type: 'BILLING' } })).errors).toBeUndefined();

    const received = await receiver.until(path, (r) => r.length >= 2);
    for (const r of received) expect(verify(secret, r)).toBeTruthy();
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.type)).toEqual(['PROMISE_MADE', 'PROMISE_KEPT']);
    expect(bodies[0]).toMatchObject({ data: { eventType: 'PromiseMade', promiseId, customerId, kind: 'DELIVERY' } });
    // Personal data (the description an agent typed) never leaves in a webhook body: it stays behind the customer's key.
    expect(JSON.stringify(bodies[0])).not.toContain('call back');
    expect(bodies[1]).toMatchObject({ data: { eventType: 'PromiseKept', promiseId, customerId } });
    expect(BigInt(bodies[1].data.position)).toBeGreaterThan(BigInt(bodies[0].data.position));
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(received[0]!.body, {
      'webhook-id': received[0]!.id, 'webhook-timestamp': received[0]!.timestamp, 'webhook-signature': received[0]!.signature,
    })).toThrow();

    const deliveries = await until(() => deliveriesOf(webhook.id), (d) => d.every((x) => x.status === 'DELIVERED') && d.length === 2);
    expect(deliveries.map((d) => [d.eventType, d.status, d.attempts, d.lastStatusCode, d.lastError])).toEqual([
      ['PROMISE_KEPT', 'DELIVERED', 1, 200, null],
      ['PROMISE_MADE', 'DELIVERED', 1, 200, null],
    ]);
    expect(deliveries.map((d) => d.id).sort()).toEqual(received.map((r) => r.id).sort());
    expect(deliveries.map((d) => d.position)).toEqual(bodies.map((b) => b.data.position).reverse());
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at(path)).toHaveLength(2); // the error was not subscribed to
  });

  it('retries a failing receiver with the same webhook-id until it answers 2xx', async () => {
    const path = `/flaky/${randomUUID()}`;
    const { id, secret } = await createWebhook(receiver.url(path, (_r, attempt) => (attempt <= 2 ? 503 : 204)), ['PROMISE_MADE']);
    await makePromise(await customer());
    const received = await receiver.until(path, (r) => r.some((x) => x.status === 204));
    expect(received.map((r) => r.status)).toEqual([503, 503, 204]);
    expect(new Set(received.map((r) => r.id)).size).toBe(1);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    for (const r of received) expect(verify(secret, r)).toBeTruthy();
    // Backoff: about 100 ms, then about 200 ms.
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(80);
    expect(received[2]!.at - received[1]!.at).toBeGreaterThanOrEqual(180);
    const [delivery] = await until(() => deliveriesOf(id), (d) => d[0]?.status === 'DELIVERED');
    expect(delivery).toMatchObject({ id: received[0]!.id, attempts: 3, lastStatusCode: 204, lastError: null });
  });

  it('keeps log order per promise while a receiver fails and retries', async () => {
    const path = `/order/${randomUUID()}`;
    // Every delivery fails its first attempt: a promise's later event must wait for the earlier one.
    await createWebhook(receiver.url(path, (_r, attempt) => (attempt === 1 ? 500 : 200)), ['PROMISE_MADE', 'PROMISE_KEPT', 'PROMISE_BROKEN']);
    const customerId = await customer();
    const promises = await Promise.all(Array.from({ length: 8 }, () => makePromise(customerId)));
    await Promise.all(promises.map((id, i) => (i % 2 ? keep(id) : breakIt(id))));
    const received = await receiver.until(path, (r) => r.filter((x) => x.status === 200).length >= 16);
    for (const promiseId of promises) {
      const mine = received.filter((r) => JSON.parse(r.body).data.promiseId === promiseId);
      const made = mine.filter((r) => JSON.parse(r.body).type === 'PROMISE_MADE');
      const settled = mine.filter((r) => JSON.parse(r.body).type !== 'PROMISE_MADE');
      expect(made.map((r) => r.status)).toEqual([500, 200]);
      expect(settled.map((r) => r.status)).toEqual([500, 200]);
      // Nothing of the settlement was sent before the promise's PROMISE_MADE was delivered.
      expect(mine.indexOf(settled[0]!)).toBeGreaterThan(mine.indexOf(made[1]!));
    }
  });

  it('marks a delivery FAILED after the retry window, and retryWebhookDelivery sends it again with the same id', async () => {
    const path = `/down/${randomUUID()}`;
    let up = false;
    const { id } = await createWebhook(receiver.url(path, () => (up ? 200 : 500)), ['PROMISE_MADE']);
    await makePromise(await customer());
    const [failed] = await until(() => deliveriesOf(id), (d) => d[0]?.status === 'FAILED', 20_000);
    expect(failed!.attempts).toBeGreaterThanOrEqual(4);
    expect(failed).toMatchObject({ lastStatusCode: 500, lastError: 'HTTP 500' });
    const attemptsSeen = receiver.at(path).length;
    expect(attemptsSeen).toBe(failed!.attempts);

    up = true;
    const retried = await gql(server.baseUrl, 'mutation($id: ID!) { retryWebhookDelivery(id: $id) { id status attempts } }', { id: failed!.id });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.retryWebhookDelivery).toMatchObject({ id: failed!.id, status: 'PENDING' });
    const received = await receiver.until(path, (r) => r.some((x) => x.status === 200));
    expect(new Set(received.map((r) => r.id))).toEqual(new Set([failed!.id]));
    const [delivered] = await until(() => deliveriesOf(id), (d) => d[0]?.status === 'DELIVERED');
    expect(delivered!.attempts).toBe(failed!.attempts + 1);

    const again = await gql(server.baseUrl, 'mutation($id: ID!) { retryWebhookDelivery(id: $id) { id } }', { id: failed!.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    const unknown = await gql(server.baseUrl, 'mutation { retryWebhookDelivery(id: "msg_nothing") { id } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a receiver that never answers delays neither other receivers nor the API', async () => {
    const hole = `/hole/${randomUUID()}`;
    const fine = `/fine/${randomUUID()}`;
    await createWebhook(receiver.url(hole, () => 'hang'), ['PROMISE_MADE']);
    await createWebhook(receiver.url(fine), ['PROMISE_MADE']);
    const customerId = await customer();
    const started = Date.now();
    const promises: string[] = [];
    for (let i = 0; i < 20; i++) promises.push(await makePromise(customerId));
    expect(Date.now() - started).toBeLessThan(5_000);
    const received = await receiver.until(fine, (r) => r.length >= 20, 5_000);
    // All 20 reached the live receiver while the black hole held its connections.
    expect(received.length).toBe(20);
    expect(receiver.at(hole).filter((r) => r.status !== undefined)).toHaveLength(0);
  });

  it('refuses URLs that would reach what only the server can (BAD_USER_INPUT on url)', async () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://169.254.1.1/hook',
      'https://[fe80::1]/hook',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://10.0.0.5/hook',
      'https://192.168.1.20/hook',
      'https://[fd00::1]/hook',
      'http://203.0.113.10/hook',
      'http://hooks.example.com/hook',
      'not a url',
      'ftp://127.0.0.1/hook',
    ]) {
      const res = await gql(server.baseUrl, CREATE, { i: { url, events: ['PROMISE_BROKEN'] } });
      expect([url, res.errors?.[0]?.extensions?.code]).toEqual([url, 'BAD_USER_INPUT']);
      expect(Object.keys(res.errors![0]!.extensions!.fields ?? {})).toEqual(['url']);
    }
    const none = await gql(server.baseUrl, CREATE, { i: { url: receiver.url('/x'), events: [] } });
    expect(none.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('deleteWebhook stops deliveries and keeps the webhook listed, inactive', async () => {
    const path = `/deleted/${randomUUID()}`;
    const { id } = await createWebhook(receiver.url(path), ['PROMISE_MADE']);
    const customerId = await customer();
    await makePromise(customerId);
    await receiver.until(path, (r) => r.length === 1);
    const deleted = await gql(server.baseUrl, 'mutation($id: ID!) { deleteWebhook(id: $id) }', { id });
    expect(deleted.data).toEqual({ deleteWebhook: true });
    await makePromise(customerId);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at(path)).toHaveLength(1);
    const listed = (await gql(server.baseUrl, '{ webhooks { id active } }')).data!.webhooks.find((w: { id: string }) => w.id === id);
    expect(listed).toEqual({ id, active: false });
    const unknown = await gql(server.baseUrl, 'mutation { deleteWebhook(id: "no-such-webhook") }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('pages deliveries and filters them by status', async () => {
    const path = `/paged/${randomUUID()}`;
    const { id } = await createWebhook(receiver.url(path), ['PROMISE_MADE']);
    const customerId = await customer();
    for (let i = 0; i < 3; i++) await makePromise(customerId);
    await until(() => deliveriesOf(id), (d) => d.length === 3 && d.every((x) => x.status === 'DELIVERED'));
    const page = (after: string | null) =>
      gql(server.baseUrl, 'query($a: String) { webhooks { id deliveries(first: 2, after: $a, status: DELIVERED) { totalCount pageInfo { hasNextPage endCursor } nodes { position } } } }', { a: after });
    const first = (await page(null)).data!.webhooks.find((w: { id: string }) => w.id === id).deliveries;
    expect(first.totalCount).toBe(3);
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).data!.webhooks.find((w: { id: string }) => w.id === id).deliveries;
    expect(second.nodes).toHaveLength(1);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(BigInt(second.nodes[0].position)).toBeLessThan(BigInt(first.nodes[1].position));
    const bad = await page('not-a-cursor');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
