// Issue 12: two API processes on one database, as a rolling deploy or a second replica runs them.
// Already covered below the API: migrations applied once by two processes at once
// (postgres.event-store.int-spec.ts) and two projection runners racing or taking over
// (projection-runner.int-spec.ts). These run the whole server twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runNode, startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { APPEND_EVENTS, readModelChecksums, waitForProjections } from '../support/ledger-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let pool: pg.Pool;
let a: ApiProcess;
let b: ApiProcess;
const short = () => Math.random().toString(36).slice(2, 8);
const env = () => ({ DATABASE_URL: db.url, LEDGER_RATE_LIMIT_PER_MINUTE: '10000000' });

async function register(api: ApiProcess, id: string): Promise<string> {
  const res = await gql(api.baseUrl, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id, name: 'Twice', kind: 'DISTRIBUTOR' } });
  expect(res.errors).toBeUndefined();
  return res.data!.registerCustomer.id;
}

const makePromise = (api: ApiProcess, customerId: string, id: string) =>
  gql(api.baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id status version } }', {
    i: { id, customerId, kind: 'DELIVERY', description: `two ${id}`, dueBy: '2030-01-01T00:00:00.000Z' },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
  a = await startApi(env(), 60_000);
  b = await startApi(env(), 60_000);
}, 120_000);

afterAll(async () => {
  await a?.kill();
  await b?.kill();
  await pool?.end();
  await db?.drop();
});

describe('two API processes on one database', () => {
  // A race: seen failing once in two tries ("an event id was reused with different content or in
  // another stream"), so it is tried on three fresh databases.
  it('both start at once on an empty database, and both serve', async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = await createTestDatabase();
      const started = await Promise.allSettled([0, 1].map(() => startApi({ DATABASE_URL: fresh.url }, 60_000)));
      try {
        expect(started.map((s) => (s.status === 'fulfilled' ? 'serving' : String(s.reason).slice(-300)))).toEqual(['serving', 'serving']);
        for (const s of started) if (s.status === 'fulfilled') expect((await gql(s.value.baseUrl, '{ eventStoreHead }')).errors).toBeUndefined();
      } finally {
        for (const s of started) if (s.status === 'fulfilled') await s.value.stop();
        await fresh.drop();
      }
    }
  }, 180_000);

  it('reads through one what was written through the other, at once (read-your-writes across instances)', async () => {
    const prefix = `ta${short()}`;
    const customerId = await register(a, `${prefix}-c`);
    for (let i = 0; i < 20; i++) {
      const [writer, reader] = i % 2 ? [a, b] : [b, a];
      const made = await makePromise(writer, customerId, `${prefix}-p${i}`);
      expect(made.data?.makePromise).toMatchObject({ id: `${prefix}-p${i}`, status: 'OPEN' });
      const read = await gql(reader.baseUrl, 'query($id: ID!) { promise(id: $id) { id status } }', { id: `${prefix}-p${i}` });
      expect(read.data?.promise).toEqual({ id: `${prefix}-p${i}`, status: 'OPEN' });
    }
  });

  it('stores exactly one terminal event when agents on both keep and break one promise at once', async () => {
    const prefix = `tb${short()}`;
    const customerId = await register(b, `${prefix}-c`);
    for (let round = 0; round < 5; round++) {
      const id = `${prefix}-p${round}`;
      expect((await makePromise(a, customerId, id)).errors).toBeUndefined();
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          gql((i % 2 ? a : b).baseUrl, `mutation($i: ${i % 4 < 2 ? 'KeepPromiseInput' : 'BreakPromiseInput'}!) { ${i % 4 < 2 ? 'keepPromise' : 'breakPromise'}(input: $i) { id status } }`, {
            i: i % 4 < 2 ? { id } : { id, reason: `agent ${i}` },
          }),
        ),
      );
      expect(answers.filter((r) => !r.errors)).toHaveLength(1);
      for (const r of answers.filter((x) => x.errors)) expect(['CONFLICT', 'INVALID_STATE']).toContain(r.errors![0]!.extensions?.code);
      const { rows } = await pool.query<{ event_type: string }>('select event_type from es_events where stream_id = $1 order by revision', [`promise-${id}`]);
      expect(rows.map((r) => r.event_type)).toEqual(['PromiseMade', expect.stringMatching(/^Promise(Kept|Broken)$/)]);
    }
  });

  it('lands one ERP batch sent to both at once exactly once', async () => {
    const prefix = `tc${short()}`;
    await register(a, `${prefix}-c`);
    const events = Array.from({ length: 200 }, (_, i) => ({
      externalId: `${prefix}-${i}`,
      type: 'PROMISE_MADE',
      payload: { id: `${prefix}-p${i}`, customerId: `${prefix}-c`, kind: 'BILLING', description: `erp ${i}`, dueBy: '2030-01-01T00:00:00.000Z' },
    }));
    const answers = await Promise.all([a, b, a, b].map((api) => gql(api.baseUrl, APPEND_EVENTS, { input: { source: 'both', events }, wait: true })));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.appendEvents.rejected).toBe(0);
      expect(answer.data!.appendEvents.appended + answer.data!.appendEvents.duplicates).toBe(200);
    }
    expect(answers.reduce((sum, r) => sum + r.data!.appendEvents.appended, 0)).toBe(200);
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from es_events where stream_id like $1`, [`promise-${prefix}-p%`]);
    expect(rows[0]!.n).toBe(200);
  });

  it('keeps serving writes with read-your-writes through the survivor when the other is SIGKILLed, and both equal a rebuild', async () => {
    const prefix = `td${short()}`;
    const customerId = await register(a, `${prefix}-c`);
    await a.kill();
    for (let i = 0; i < 10; i++) {
      const started = Date.now();
      const made = await makePromise(b, customerId, `${prefix}-p${i}`);
      expect(made.errors).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(15_000);
    }
    a = await startApi(env(), 60_000);
    const read = await gql(a.baseUrl, 'query($c: ID!) { customer(id: $c) { ledger { made open } } }', { c: customerId });
    expect(read.data!.customer.ledger).toEqual({ made: 10, open: 10 });
    await waitForProjections(pool);
    await Promise.all([a.stop(), b.stop()]);
    const live = await readModelChecksums(pool);
    const rebuilt = await runNode('bin/ledger.js', ['projections', 'rebuild', '--no-progress'], { DATABASE_URL: db.url });
    expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await readModelChecksums(pool)).toEqual(live);
  }, 120_000);
});
