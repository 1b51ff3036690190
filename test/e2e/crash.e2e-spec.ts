// Issue 12: kill -9 of the API (and of the CLI) at the worst moments. Already covered elsewhere:
// a SIGKILLed event-store writer loses no acknowledged append (postgres.event-store.int-spec.ts),
// a SIGKILLed projection runner mid catch-up equals a rebuild (projection-crash.int-spec.ts), and a
// SIGKILLed `ledger import` client reruns to exactly once (integration.e2e-spec.ts). These add the
// API process itself dying, and a rebuild dying.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { TEST_MASTER_KEY, runNode, startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { APPEND_EVENTS, appendHistory, historyItems, readModelChecksums, waitForProjections } from '../support/ledger-state.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let pool: pg.Pool;
const running: ApiProcess[] = [];

const api = async (env: Record<string, string> = {}) => {
  const started = await startApi({ DATABASE_URL: db.url, LEDGER_RATE_LIMIT_PER_MINUTE: '10000000', ...env }, 60_000);
  running.push(started);
  return started;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const short = () => Math.random().toString(36).slice(2, 8);

/** Rebuilds every read model with the CLI, and fails the test if it does not succeed. */
async function rebuildWithCli(): Promise<void> {
  const rebuilt = await runNode('bin/ledger.js', ['projections', 'rebuild', '--no-progress'], { DATABASE_URL: db.url });
  expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
}

/** Event counts per stream for the streams whose id starts with `prefix`. */
async function streamCounts(prefix: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ stream_id: string; n: number }>(
    `select stream_id, count(*)::int as n from es_events where stream_id like $1 group by stream_id`,
    [`%${prefix}%`],
  );
  return new Map(rows.map((r) => [r.stream_id, r.n]));
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url });
});

afterAll(async () => {
  for (const process of running) await process.kill();
  await pool?.end();
  await db?.drop();
});

describe('the API killed with SIGKILL', () => {
  it('during concurrent appends: every acknowledged write is there once, a retry lands nothing twice, read models equal a rebuild', async () => {
    const prefix = `ka${short()}`;
    const first = await api();
    const customerId = (await gql(first.baseUrl, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { id: `${prefix}-c`, name: 'Crash', kind: 'DISTRIBUTOR' } }))
      .data!.registerCustomer.id as string;

    const makeInput = (id: string) => ({ id, customerId, kind: 'DELIVERY', description: `crash ${id}`, dueBy: '2030-01-01T00:00:00.000Z' });
    const batchItems = (tag: string) =>
      Array.from({ length: 50 }, (_, i) => ({ externalId: `${tag}-${i}`, type: 'PROMISE_MADE', payload: makeInput(`${tag}-${i}`) }));
    const acknowledged: string[] = [];
    const attempted: string[] = [];
    const acknowledgedBatches: string[] = [];
    const attemptedBatches: string[] = [];
    let stop = false;
    const promiseWriter = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const id = `${prefix}-w${worker}-${i}`;
        attempted.push(id);
        try {
          const res = await gql(first.baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', { i: makeInput(id) });
          if (res.data?.makePromise?.id === id) acknowledged.push(id);
        } catch {
          return; // the server is gone
        }
      }
    };
    const batchWriter = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const tag = `${prefix}-b${worker}-${i}`;
        attemptedBatches.push(tag);
        try {
          const res = await gql(first.baseUrl, APPEND_EVENTS, { input: { source: 'crash', events: batchItems(tag) }, wait: false });
          if (res.data?.appendEvents?.appended === 50) acknowledgedBatches.push(tag);
        } catch {
          return;
        }
      }
    };
    const writers = [...Array.from({ length: 8 }, (_, k) => promiseWriter(k)), batchWriter(0), batchWriter(1)];
    while (acknowledged.length < 200 || acknowledgedBatches.length < 4) await sleep(20);
    await first.kill();
    stop = true;
    await Promise.all(writers);

    const second = await api();
    const counts = await streamCounts(prefix);
    const acknowledgedIds = [...acknowledged, ...acknowledgedBatches.flatMap((tag) => batchItems(tag).map((item) => item.externalId))];
    expect(acknowledgedIds.filter((id) => counts.get(`promise-${id}`) !== 1)).toEqual([]);
    // Nothing is there twice, acknowledged or not.
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);

    // Retrying what was in flight (same client ids, same content) lands each at most once.
    for (const id of attempted.filter((a) => !acknowledged.includes(a))) {
      const res = await gql(second.baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', { i: makeInput(id) });
      expect(res.errors).toBeUndefined();
    }
    for (const tag of attemptedBatches.filter((t) => !acknowledgedBatches.includes(t))) {
      const res = await gql(second.baseUrl, APPEND_EVENTS, { input: { source: 'crash', events: batchItems(tag) }, wait: true });
      expect(res.data?.appendEvents).toMatchObject({ rejected: 0 });
      expect(res.data!.appendEvents.appended + res.data!.appendEvents.duplicates).toBe(50);
    }
    const after = await streamCounts(prefix);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    expect(after.size).toBe(1 + attempted.length + attemptedBatches.length * 50);

    await waitForProjections(pool);
    const promiseCount = await gql(second.baseUrl, 'query($c: ID!) { customer(id: $c) { ledger { made open } } }', { c: customerId });
    expect(promiseCount.data!.customer.ledger).toEqual({ made: after.size - 1, open: after.size - 1 });
    await second.stop();
    const live = await readModelChecksums(pool);
    await rebuildWithCli();
    expect(await readModelChecksums(pool)).toEqual(live);
  }, 180_000);

  it('during projection catch-up: the restarted API carries on from its checkpoints and equals a rebuild', async () => {
    const prefix = `kp${short()}`;
    const writer = await api({ LEDGER_RUN_PROJECTIONS: 'false' });
    await appendHistory(writer.baseUrl, historyItems(prefix, 2_500));
    await writer.stop();
    const { rows } = await pool.query<{ head: string }>('select max(position)::text as head from es_events');
    const head = BigInt(rows[0]!.head);

    const victim = await api();
    const midway = async () => {
      const { rows: c } = await pool.query<{ min: string }>('select coalesce(min(position), 0)::text as min from projection_checkpoints');
      return BigInt(c[0]!.min) > head / 4n;
    };
    const deadline = Date.now() + 60_000;
    while (!(await midway()) && Date.now() < deadline) await sleep(20);
    await victim.kill();
    const { rows: killed } = await pool.query<{ max: string }>('select coalesce(max(position), 0)::text as max from projection_checkpoints');
    expect(BigInt(killed[0]!.max)).toBeLessThan(head);

    const survivor = await api();
    await waitForProjections(pool);
    const ledger = await gql(survivor.baseUrl, '{ brandLedger { made kept broken } }');
    expect(ledger.data!.brandLedger).toMatchObject({ made: expect.any(Number) });
    await survivor.stop();
    const live = await readModelChecksums(pool);
    await rebuildWithCli();
    expect(await readModelChecksums(pool)).toEqual(live);
  }, 240_000);

  it('during `ledger import`: the import fails, and its rerun against the restarted API lands every line exactly once', async () => {
    const prefix = `ki${short()}`;
    const dir = await mkdtemp(join(tmpdir(), 'ledger-crash-import-'));
    const file = join(dir, 'history.ndjson');
    const lines = historyItems(prefix, 3_000);
    const out = createWriteStream(file);
    for (const item of lines) out.write(JSON.stringify(item) + '\n');
    await new Promise<void>((r) => out.end(r));

    const victim = await api();
    const args = (url: string) => [resolve('bin/ledger.js'), 'import', file, '--source', 'crash-import', '--url', `${url}/graphql`, '--no-progress'];
    const child = spawn(process.execPath, args(victim.baseUrl), { stdio: 'ignore', env: { PATH: process.env.PATH } });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while ((await streamCounts(prefix)).size < 2_000 && Date.now() < deadline) await sleep(50);
    await victim.kill();
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 60_000)))]);
    clearTimeout(timer);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).not.toBe(0);
    expect(code).not.toBe('still running'); // an import whose server died says so and exits

    const survivor = await api();
    const rerun = await runNode('bin/ledger.js', args(survivor.baseUrl).slice(1), {});
    expect({ code: rerun.code, said: `${rerun.stdout}${rerun.stderr}`.slice(-600) }).toEqual({ code: 0, said: expect.any(String) });
    const summary = /(\d+) appended, (\d+) duplicates, (\d+) rejected/.exec(rerun.stdout);
    expect(summary).not.toBeNull();
    expect(Number(summary![1]) + Number(summary![2])).toBe(lines.length);
    expect(Number(summary![3])).toBe(0);
    const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from es_events where stream_id like $1`, [`%${prefix}%`]);
    expect(rows[0]!.n).toBe(lines.length);
    const { rows: ingested } = await pool.query<{ n: number }>(`select count(*)::int as n from erp_ingestion where source = 'crash-import'`);
    expect(ingested[0]!.n).toBe(lines.length);
    await survivor.stop();
  }, 240_000);
});

describe('`ledger projections rebuild` killed with SIGKILL', () => {
  it('leaves the live read models serving, and a rerun succeeds with read models equal to before', async () => {
    const prefix = `kr${short()}`;
    const server = await api();
    await appendHistory(server.baseUrl, historyItems(prefix, 3_000), { awaitLast: true });
    await waitForProjections(pool);
    await server.stop();
    const before = await readModelChecksums(pool);

    const child = spawn(process.execPath, [resolve('bin/ledger.js'), 'projections', 'rebuild', '--no-progress', '--batch-size', '200'], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, LEDGER_MASTER_KEY: TEST_MASTER_KEY },
    });
    const exited = new Promise((r) => child.once('exit', r));
    const rebuilding = async () => (await pool.query<{ n: number }>(`select count(*)::int as n from pg_namespace where nspname like 'rebuild\\_%'`)).rows[0]!.n > 0;
    const deadline = Date.now() + 30_000;
    while (!(await rebuilding()) && Date.now() < deadline && child.exitCode === null) await sleep(10);
    await sleep(300);
    expect(child.exitCode).toBeNull(); // still rebuilding when killed
    child.kill('SIGKILL');
    await exited;
    expect(await readModelChecksums(pool)).toEqual(before);

    await rebuildWithCli();
    expect(await readModelChecksums(pool)).toEqual(before);
    const again = await api();
    expect((await gql(again.baseUrl, 'query($c: ID!) { customer(id: $c) { ledger { made kept broken } } }', { c: `${prefix}-c7` })).data!.customer.ledger).toEqual({
      made: 2,
      kept: 1,
      broken: 1,
    });
    await again.stop();
  }, 240_000);
});
