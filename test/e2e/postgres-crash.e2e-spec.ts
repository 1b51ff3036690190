// Issue 12: PostgreSQL itself killed (kill -9 of its postmaster) under a running API that is being
// written to. The test runs its own embedded PostgreSQL so that killing it harms no other test.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '#libs/postgres';
import { runNode, startApi, type ApiProcess } from '../support/api-process.js';
import { freePort } from '../support/free-port.js';
import { gql } from '../support/graphql-client.js';
import { readModelChecksums, waitForProjections } from '../support/ledger-state.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dataDir: string;
let port: number;
let postgres: RunningPostgres | undefined;
let api: ApiProcess | undefined;

/** Starts the cluster in `dataDir`, retrying while the killed one's backends still hold its shared memory. */
async function startPostgres(): Promise<RunningPostgres> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEmbeddedPostgres({ dataDir, port, persistent: true, onLog: () => undefined });
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(500);
    }
  }
}

async function healthStatus(baseUrl: string): Promise<number> {
  try {
    return (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

async function waitForHealth(baseUrl: string, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const seen: number[] = [];
  while (seen[seen.length - 1] !== status) {
    seen.push(await healthStatus(baseUrl));
    if (Date.now() - started > timeoutMs) throw new Error(`/health did not answer ${status} within ${timeoutMs} ms (answered ${[...new Set(seen)].join(', ')}; 0: no answer within 5 s)`);
    await sleep(100);
  }
  return Date.now() - started;
}

beforeAll(async () => {
  // A mkdtemp directory itself: as root, the server runs as 'postgres', which must enter it.
  dataDir = await mkdtemp(join(tmpdir(), 'ledger-pg-kill-'));
  await chmod(dataDir, 0o755);
  port = await freePort();
  postgres = await startPostgres();
}, 120_000);

afterAll(async () => {
  await api?.kill();
  // The killed cluster's handle never stops: do not wait on it for ever.
  await Promise.race([postgres?.stop().catch(() => undefined), sleep(10_000)]);
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('PostgreSQL killed with SIGKILL under a running API', () => {
  it('answers /health 503 while it is down, recovers when it is back, and loses nothing it acknowledged', async () => {
    const url = postgres!.connectionString;
    api = await startApi({ DATABASE_URL: url, LEDGER_RATE_LIMIT_PER_MINUTE: '10000000' }, 60_000);
    const baseUrl = api.baseUrl;
    const customerId = (await gql(baseUrl, 'mutation { registerCustomer(input: { name: "Outage", kind: DISTRIBUTOR }) { id } }')).data!.registerCustomer.id as string;
    const makeInput = (id: string) => ({ id, customerId, kind: 'SERVICE', description: `outage ${id}`, dueBy: '2030-01-01T00:00:00.000Z' });

    const acknowledged: string[] = [];
    const attempted: string[] = [];
    const duringOutage: string[] = [];
    let down = false;
    let stop = false;
    const writer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const id = `pgk-${worker}-${i}`;
        attempted.push(id);
        const answer = await fetch(`${baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', variables: { i: makeInput(id) } }),
          signal: AbortSignal.timeout(30_000),
        }).then(
          async (res) => ({ status: res.status, text: await res.text() }),
          (error: Error) => ({ status: 0, text: `no answer: ${error.message}` }),
        );
        if (answer.text.includes('"makePromise":{"id"')) acknowledged.push(id);
        else if (down) duringOutage.push(answer.status ? `HTTP ${answer.status}: ${answer.text.slice(0, 200)}` : answer.text);
        if (down) await sleep(100);
      }
    };
    const writers = Array.from({ length: 4 }, (_, k) => writer(k));
    while (acknowledged.length < 200) await sleep(20);

    const postmasterPid = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    down = true;
    process.kill(postmasterPid, 'SIGKILL');
    const acknowledgedBeforeKill = acknowledged.length;
    await waitForHealth(baseUrl, 503, 15_000).catch((error: Error) => {
      stop = true;
      throw new Error(`${error.message}; the server logged:\n${api!.output().slice(-3_000)}`);
    });
    expect(await (await fetch(`${baseUrl}/health`)).json()).toMatchObject({ status: 'unavailable', database: 'down' });
    await sleep(2_000);

    postgres = await startPostgres();
    const recoveredAfterMs = await waitForHealth(baseUrl, 200, 30_000);
    down = false;
    const target = acknowledged.length + 200;
    const deadline = Date.now() + 60_000;
    while (acknowledged.length < target && Date.now() < deadline) await sleep(50);
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThanOrEqual(target); // writes resumed after the restart
    expect(acknowledgedBeforeKill).toBeGreaterThanOrEqual(200);
    expect(recoveredAfterMs).toBeLessThan(30_000);

    // Answers during the outage are refusals a client can act on: coded, no stack traces.
    expect(duringOutage.filter((a) => a.startsWith('HTTP') && (!a.includes('"code"') || /\n\s+at |stacktrace/.test(a)))).toEqual([]);

    const pool = new pg.Pool({ connectionString: postgres.connectionString });
    try {
      const { rows } = await pool.query<{ stream_id: string; n: number }>(
        `select stream_id, count(*)::int as n from es_events where stream_id like 'promise-pgk-%' group by stream_id`,
      );
      const counts = new Map(rows.map((r) => [r.stream_id, r.n]));
      expect(acknowledged.filter((id) => counts.get(`promise-${id}`) !== 1)).toEqual([]);
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);

      // The projections found their way back too: the read models catch up, and a new write is readable at once.
      await waitForProjections(pool, 30_000);
      const after = await gql(baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id status } }', { i: makeInput('pgk-after') });
      expect(after.data?.makePromise).toEqual({ id: 'pgk-after', status: 'OPEN' });
      const ledger = await gql(baseUrl, 'query($c: ID!) { customer(id: $c) { ledger { made } } }', { c: customerId });
      expect(ledger.data!.customer.ledger.made).toBe(counts.size + 1);

      await api.stop();
      api = undefined;
      const live = await readModelChecksums(pool);
      const rebuilt = await runNode('bin/ledger.js', ['projections', 'rebuild', '--no-progress'], { DATABASE_URL: postgres.connectionString });
      expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
      expect(await readModelChecksums(pool)).toEqual(live);
    } finally {
      await pool.end();
    }
  }, 240_000);
});
