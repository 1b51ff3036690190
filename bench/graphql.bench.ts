import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import autocannon from 'autocannon';
import { BENCH_KEY, fmt, freePort, scratchDatabase, startBenchApi, type Row } from './support.js';

const KEY = BENCH_KEY;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  rss: number;
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

async function load(url: string, body: (i: number) => string, seconds: number, connections: number, pid?: number): Promise<Load> {
  let graphqlErrors = 0;
  let counter = 0;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        setupRequest: (req) => ({ ...req, body: body(counter++) }),
        onResponse: (_status, responseBody) => {
          if (responseBody.includes('"errors"')) graphqlErrors++;
        },
      },
    ],
  });
  clearInterval(sampler);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    rss: peakRss,
  };
}

async function post(url: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: unknown; errors?: unknown };
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return json.data;
}

/** Our API under load against a bare Apollo Server answering a one-field query, in the same run. */
export async function graphqlBench(serverUrl: string, quick: boolean): Promise<Row[]> {
  const seconds = quick ? 5 : 20;
  const warmup = quick ? 1 : 3;
  const rows: Row[] = [];

  const bare = new ApolloServer({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } });
  const barePort = await freePort();
  const { url: bareUrl } = await startStandaloneServer(bare, { listen: { port: barePort, host: '127.0.0.1' } });
  const bareBody = () => JSON.stringify({ query: '{ hello }' });
  await load(bareUrl, bareBody, warmup, 50);
  const baseline = await load(bareUrl, bareBody, seconds, 50, process.pid);
  await bare.stop();

  const db = await scratchDatabase(serverUrl, 'graphql');
  const api = await startBenchApi(db.url);
  const url = api.url;
  try {
    const customerId = (await post(url, 'mutation { registerCustomer(input: { name: "Bench", kind: DISTRIBUTOR }) { id } }')).registerCustomer.id;
    for (let i = 0; i < 50; i++) {
      await post(url, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
        i: { customerId, kind: 'DELIVERY', description: `seed ${i}`, dueBy: new Date(Date.now() + (i + 2) * 86_400_000).toISOString() },
      });
    }
    const row = (name: string, r: Load, target: string, met: boolean | undefined, unit = 'req/s', scale = 1) =>
      rows.push({
        section: 'graphql',
        name,
        ours: `${fmt(r.rps * scale)} ${unit}, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, errors ${r.errors}, RSS ${fmt(r.rss)} MB`,
        baseline: `bare Apollo ${fmt(baseline.rps)} req/s, p99 ${baseline.p99} ms`,
        ratio: `${fmt(r.rps / baseline.rps, 2)}×`,
        target,
        verdict: met === undefined ? 'info' : met ? 'met' : 'missed',
      });

    const ledger = () => JSON.stringify({ query: `{ customer(id: "${customerId}") { name ledger { made open kept broken keptRate neverBroken keptStreak } } }` });
    await load(url, ledger, warmup, 50);
    const l = await load(url, ledger, seconds, 50, api.pid);
    row('customer { ledger } query', l, '≥ 50% of bare req/s, p99 < 50 ms, 0 errors, RSS < 300 MB', l.rps >= 0.5 * baseline.rps && l.p99 < 50 && l.errors === 0 && l.rss < 300);

    const page = () => JSON.stringify({ query: `{ promises(filter: { customerId: "${customerId}", status: OPEN }, first: 20) { totalCount nodes { id dueBy status customer { name } } } }` });
    const p = await load(url, page, seconds, 50, api.pid);
    row('promises(filter) page of 20', p, '0 errors', p.errors === 0);

    const make = () =>
      JSON.stringify({
        query: 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id version } }',
        variables: { i: { customerId, kind: 'SERVICE', description: 'bench', dueBy: new Date(Date.now() + 30 * 86_400_000).toISOString() } },
      });
    const m = await load(url, make, seconds, 50, api.pid);
    row('makePromise (durable, read-your-writes)', m, 'p99 < 100 ms, 0 errors', m.p99 < 100 && m.errors === 0);

    const run = Date.now();
    const batch = (i: number) =>
      JSON.stringify({
        query: 'mutation($i: AppendEventsInput!) { appendEvents(input: $i) { appended rejected } }',
        variables: {
          i: {
            source: 'bench',
            events: Array.from({ length: 1_000 }, (_, k) => ({
              externalId: `${run}-${i}-${k}`,
              type: 'ERROR_RECORDED',
              payload: { customerId, type: k % 2 ? 'BILLING' : 'SHIPPING', reference: `INV-${i}-${k}`, occurredAt: '2026-01-15T00:00:00Z' },
            })),
          },
        },
      });
    const a = await load(url, batch, seconds, 4, api.pid);
    row('appendEvents, batches of 1,000', a, '≥ 10,000 events/s, 0 errors', a.rps * 1_000 >= 10_000 && a.errors === 0, 'events/s', 1_000);
  } finally {
    await api.stop();
    await db.drop();
  }
  return rows;
}
