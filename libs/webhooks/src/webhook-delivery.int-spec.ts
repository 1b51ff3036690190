import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { DomainError, promiseStream, systemClock } from '#libs/domain';
import { NO_STREAM, PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { projectionMigrations } from '#libs/projections';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { WebhookDeliveryWorker } from './webhook-delivery.worker.js';
import { WebhookRegistry } from './webhook-registry.js';
import { webhookMigrations } from './webhooks.migrations.js';

// What the fake DNS answers now, per host name: a name can resolve elsewhere between registration
// and delivery (DNS rebinding).
const dns = new Map<string, string[]>();
const resolve = async (host: string) => {
  const addresses = dns.get(host);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses;
};
const rules = { allowPrivate: false };

let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;
let registry: WebhookRegistry;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, max: 6 });
  await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations, ...webhookMigrations]);
  store = new PostgresEventStore(pool, db.url);
  registry = new WebhookRegistry(pool, store, { rules, clock: systemClock, resolve });
});

afterAll(async () => {
  await store?.close();
  await pool?.end();
  await db?.drop();
});

const promiseMade = (promiseId: string) =>
  store.appendToStream(
    promiseStream(promiseId),
    [{ id: randomUUID(), type: 'PromiseMade', data: { promiseId, customerId: 'c', kind: 'DELIVERY', touchPoint: 'SYSTEM', description: 'x', madeAt: new Date().toISOString(), dueBy: '2099-01-01T00:00:00.000Z' } }],
    { expectedRevision: NO_STREAM },
  );

async function refusal(url: string): Promise<DomainError> {
  try {
    await registry.create(url, ['PROMISE_MADE']);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('webhook registration and delivery (PostgreSQL)', () => {
  it('refuses a host name that resolves to a metadata, private or loopback address, or does not resolve', async () => {
    dns.set('metadata.evil.test', ['203.0.113.1', '169.254.169.254']);
    dns.set('inside.evil.test', ['10.1.1.1']);
    dns.set('self.evil.test', ['127.0.0.1']);
    expect((await refusal('https://metadata.evil.test/')).fields).toEqual({ url: expect.stringMatching(/metadata/) });
    expect((await refusal('https://inside.evil.test/')).fields).toEqual({ url: expect.stringMatching(/private/) });
    expect((await refusal('https://self.evil.test/')).fields).toEqual({ url: expect.stringMatching(/loopback/) });
    expect((await refusal('https://nowhere.evil.test/')).fields).toEqual({ url: expect.stringMatching(/does not resolve/) });
  });

  it('delivers only events after the webhook was created, and checks the address again before each attempt (DNS rebinding)', async () => {
    const host = `rebind-${randomUUID().slice(0, 8)}.example.test`;
    dns.set(host, ['203.0.113.5']);
    await promiseMade(`before-${randomUUID()}`);
    const { webhook } = await registry.create(`https://${host}/hook`, ['PROMISE_MADE']);
    // The name now points inside the network.
    dns.set(host, ['10.0.0.7']);
    const after = `after-${randomUUID()}`;
    await promiseMade(after);

    const worker = new WebhookDeliveryWorker({
      pool,
      connectionString: db.url,
      eventStore: store,
      clock: systemClock,
      rules,
      timeoutMs: 1_000,
      schedule: { firstDelayMs: 50, maxDelayMs: 100, retryForMs: 300 },
      concurrency: 4,
      log: () => undefined,
      resolve,
    });
    await worker.start();
    try {
      const deadline = Date.now() + 20_000;
      let rows: { stream: string; status: string; attempts: number; last_error: string | null; last_status_code: number | null }[] = [];
      while (Date.now() < deadline) {
        ({ rows } = await pool.query('select stream, status, attempts, last_error, last_status_code from webhook_deliveries where webhook_id = $1', [webhook.id]));
        if (rows[0]?.status === 'FAILED') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ stream: promiseStream(after), status: 'FAILED', last_status_code: null, last_error: expect.stringMatching(/^refused: .*private address \(10\.0\.0\.7\)/) });
      expect(rows[0]!.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await worker.stop();
    }
  });
});
