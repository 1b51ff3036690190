import { fork } from 'node:child_process';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { appendSpan, graphqlRequestSpan, inSpan, projectionSpans, startTracing } from '#libs/telemetry';
import { startApi, type ApiProcess } from './api-process.js';
import { freePort, scratchDatabase } from './bench-database.js';
import { eachLimited, gql, schemaEntries } from './graphql-client.js';
import { load, type LoadResult } from './http-load.js';
import { emptyResult, fmt, fmtMs, fmtRatio, fmtX, judge, type Figure, type SectionResult, type TargetResult } from './report.js';

export interface GraphqlOptions {
  quick: boolean;
  log(message: string): void;
  /** Only the scenarios whose name contains this text (the baselines always run). */
  only?: string;
  /** Run the API under --cpu-prof, writing its profile into this folder. */
  profileDir?: string;
}

const CONNECTIONS = 50;
// ERP connectors and `ledger import` send batches one after another, not 50 at once: 50 batches
// of 1,000 in flight would measure a queue, not ingestion.
const BATCH_CONNECTIONS = 4;
const BATCH = 1_000;
const FUTURE = '2030-06-30T17:00:00.000Z';

interface Seeded {
  /** The customer the ledger and page scenarios read: 80 promises, 40 of them open. */
  probe: string;
  /** Customers new promises and ERP items go to. */
  customers: string[];
}

interface Scenario {
  name: string;
  /** Schema entries it needs (`Type.field`, `Type.field(arg)`). */
  requires: string[];
  connections: number;
  body(seed: Seeded, run: string): string | (() => string);
  check(json: any): string | undefined;
  checkEvery?: number;
  /** Events each request appends (batches): the figure is then events/s. */
  eventsPerRequest?: number;
  /** The bare Apollo operation this one is compared with. */
  baseline: 'hello' | 'accept';
  /** No target depends on it: left out of --quick, which must finish in two minutes. */
  fullOnly?: boolean;
  /** Runs against a second API process started with these settings (after the others). */
  env?: Record<string, string>;
}

const operation = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

const LEDGER_QUERY = `query($id: ID!) { customer(id: $id) { id name kind ledger { made open kept broken released keptRate neverBroken lastBrokenAt keptStreak asOf } } }`;
const PAGE_QUERY = `query($f: PromiseFilter) { promises(filter: $f, first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { id kind status dueBy description customer { id name } } } }`;
const MAKE_PROMISE = `mutation($i: MakePromiseInput!) { makePromise(input: $i) { id status version } }`;
const APPEND_EVENTS = `mutation($i: AppendEventsInput!) { appendEvents(input: $i) { appended duplicates rejected results { outcome code message } } }`;
const APPEND_EVENTS_NO_WAIT = `mutation($i: AppendEventsInput!) { appendEvents(input: $i, awaitReadModels: false) { appended duplicates rejected results { outcome code message } } }`;

/** One ERP batch: promises made, kept in the same batch (input order), and errors recorded. */
function erpBatch(customers: readonly string[], run: string, batch: number) {
  const events: unknown[] = [];
  for (let k = 0; events.length < BATCH; k++) {
    const key = `${run}-${batch}-${k}`;
    const customerId = customers[(batch + k) % customers.length];
    if (k % 3 === 2) {
      events.push({ externalId: `err-${key}`, type: 'ERROR_RECORDED', payload: { customerId, type: k % 2 ? 'BILLING' : 'SHIPPING', reference: `INV-${key}`, occurredAt: '2026-10-15T09:00:00Z' } });
      continue;
    }
    const id = `P-${key}`;
    events.push({ externalId: `made-${key}`, type: 'PROMISE_MADE', payload: { id, customerId, kind: 'DELIVERY', description: `ship order ${key}`, dueBy: FUTURE, madeAt: '2026-10-01T09:00:00Z' } });
    if (events.length < BATCH) events.push({ externalId: `kept-${key}`, type: 'PROMISE_KEPT', payload: { id, keptAt: '2026-10-03T12:00:00Z', evidence: 'POD signed' } });
  }
  return { source: `bench-${run}`, events };
}

const checkBatch = (json: any): string | undefined => {
  const r = json?.data?.appendEvents;
  if (!r) return 'no appendEvents in the answer';
  if (r.rejected > 0 || r.appended !== BATCH) {
    const rejection = r.results?.find((x: { outcome: string }) => x.outcome !== 'APPENDED');
    return `appended ${r.appended}, duplicates ${r.duplicates}, rejected ${r.rejected}${rejection ? ` (first: ${rejection.code} ${rejection.message})` : ''}`;
  }
  return undefined;
};

const SCENARIOS: Scenario[] = [
  {
    name: '`{ eventStoreHead }`',
    requires: ['Query.eventStoreHead'],
    fullOnly: true,
    connections: CONNECTIONS,
    baseline: 'hello',
    body: () => operation('{ eventStoreHead }'),
    check: (json) => (typeof json?.data?.eventStoreHead === 'string' ? undefined : 'no eventStoreHead'),
  },
  {
    name: '`customer(id) { ledger { … } }` (80 promises)',
    requires: ['Query.customer', 'Customer.ledger', 'PromiseLedger.keptStreak'],
    connections: CONNECTIONS,
    baseline: 'hello',
    body: (seed) => operation(LEDGER_QUERY, { id: seed.probe }),
    check: (json) => (json?.data?.customer?.ledger?.made === 80 ? undefined : `ledger.made is ${json?.data?.customer?.ledger?.made}, expected 80`),
  },
  {
    name: '`customer(id) { ledger { … } }` (80 promises), read cache off (`LEDGER_READ_CACHE_ENTRIES=0`): every request reads the tables',
    requires: ['Query.customer', 'Customer.ledger', 'PromiseLedger.keptStreak'],
    connections: CONNECTIONS,
    baseline: 'hello',
    fullOnly: true,
    env: { LEDGER_READ_CACHE_ENTRIES: '0' },
    body: (seed) => operation(LEDGER_QUERY, { id: seed.probe }),
    check: (json) => (json?.data?.customer?.ledger?.made === 80 ? undefined : `ledger.made is ${json?.data?.customer?.ledger?.made}, expected 80`),
  },
  {
    name: '`promises(filter: { customerId, status: OPEN }, first: 20)` with `customer { name }`',
    requires: ['Query.promises', 'PromiseFilter.customerId', 'PromiseConnection.totalCount'],
    connections: CONNECTIONS,
    baseline: 'hello',
    body: (seed) => operation(PAGE_QUERY, { f: { customerId: seed.probe, status: 'OPEN' } }),
    check: (json) => (json?.data?.promises?.nodes?.length === 20 && json.data.promises.pageInfo.hasNextPage ? undefined : 'not a full page of 20 with a next page'),
  },
  {
    name: '`makePromise` (durable, read-your-writes)',
    requires: ['Mutation.makePromise'],
    connections: CONNECTIONS,
    baseline: 'hello',
    body: (seed) => {
      let n = 0;
      return () => operation(MAKE_PROMISE, { i: { customerId: seed.customers[n++ % seed.customers.length], kind: 'SERVICE', description: `call back about ticket ${n}`, dueBy: FUTURE } });
    },
    check: (json) => (json?.data?.makePromise?.status === 'OPEN' ? undefined : 'makePromise did not return an open promise'),
    checkEvery: 5,
  },
  {
    name: '`appendEvents`, batches of 1,000 (promise made + kept, errors), waits for the read models',
    requires: ['Mutation.appendEvents'],
    connections: BATCH_CONNECTIONS,
    baseline: 'accept',
    eventsPerRequest: BATCH,
    body: (seed, run) => {
      let n = 0;
      return () => operation(APPEND_EVENTS, { i: erpBatch(seed.customers, `${run}w`, n++) });
    },
    check: checkBatch,
    checkEvery: 1,
  },
  {
    name: '`appendEvents(awaitReadModels: false)`, batches of 1,000 (the `ledger import` mode)',
    requires: ['Mutation.appendEvents(awaitReadModels)'],
    fullOnly: true,
    connections: BATCH_CONNECTIONS,
    baseline: 'accept',
    eventsPerRequest: BATCH,
    body: (seed, run) => {
      let n = 0;
      return () => operation(APPEND_EVENTS_NO_WAIT, { i: erpBatch(seed.customers, `${run}n`, n++) });
    },
    check: checkBatch,
    checkEvery: 1,
  },
];

/** Registers customers and gives the probe customer 80 promises (30 kept, 10 broken, 40 open), all through GraphQL. */
async function seed(url: string, schema: Set<string>): Promise<Seeded | string> {
  const needed = ['Mutation.registerCustomer', 'Mutation.makePromise', 'Mutation.keepPromise', 'Mutation.breakPromise'].filter((e) => !schema.has(e));
  if (needed.length) return `the schema lacks ${needed.join(', ')}`;
  const register = async (name: string, kind: string) =>
    (await gql<{ registerCustomer: { id: string } }>(url, 'mutation($c: RegisterCustomerInput!) { registerCustomer(input: $c) { id } }', { c: { name, kind, region: 'EU-West' } })).registerCustomer.id;
  const probe = await register('Probe Distribution', 'DISTRIBUTOR');
  const customers: string[] = [];
  await eachLimited(Array.from({ length: 20 }, (_, i) => i), 8, async (i) => {
    customers.push(await register(`Customer ${i}`, ['DISTRIBUTOR', 'RESELLER', 'END_USER'][i % 3]!));
  });
  await eachLimited(Array.from({ length: 80 }, (_, i) => i), 8, async (i) => {
    const dueBy = i < 40 ? new Date(Date.UTC(2029, 0, 1) + i * 86_400_000).toISOString() : FUTURE;
    const { makePromise } = await gql<{ makePromise: { id: string } }>(url, MAKE_PROMISE, {
      i: { customerId: probe, kind: ['DELIVERY', 'SERVICE', 'BILLING'][i % 3], description: `promise ${i} to the probe customer`, dueBy },
    });
    if (i < 30) await gql(url, 'mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { id } }', { i: { id: makePromise.id, evidence: 'done' } });
    else if (i < 40) await gql(url, 'mutation($i: BreakPromiseInput!) { breakPromise(input: $i) { id } }', { i: { id: makePromise.id, reason: 'carrier strike' } });
  });
  return { probe, customers };
}

interface BareServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startBare(databaseUrl: string): Promise<BareServer> {
  const child = fork(fileURLToPath(new URL('./bare-apollo.server.js', import.meta.url)), [String(await freePort()), databaseUrl], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('exit', (code) => reject(new Error(`bare Apollo exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const describe = (r: LoadResult, unit: string, perRequest = 1) =>
  `${fmt(r.rps * perRequest)} ${unit}, p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)}, max ${fmtMs(r.max)}, errors ${r.errors}${r.errorKinds ? ` (${r.errorKinds})` : ''}, RSS ${fmt(r.peakRssMb)} MB`;

/** Our API under load beside a bare Apollo Server in its own process, in the same run. */
export async function graphqlBench(serverUrl: string, options: GraphqlOptions): Promise<SectionResult> {
  const { quick, log } = options;
  const seconds = quick ? 5 : 20;
  const warmup = quick ? 0.5 : 3;
  const result = emptyResult();
  const run = randomUUID().slice(0, 8);
  const measure = async (name: string, url: string, pid: number, scenario: Pick<Scenario, 'connections' | 'check' | 'checkEvery'>, body: string | (() => string)) => {
    log(`graphql: ${name}`);
    await load({ url, connections: scenario.connections, seconds: warmup, body });
    return load({ url, connections: scenario.connections, seconds, body, check: scenario.check, checkEvery: scenario.checkEvery, pid });
  };

  // The baselines first, alone on the machine; `twoQueries` reads the database the API will use.
  const db = await scratchDatabase(serverUrl, 'graphql');
  let hello: LoadResult;
  let twoQueries: LoadResult;
  let accept: LoadResult;
  try {
    const bare = await startBare(db.url);
    try {
      hello = await measure('bare Apollo { hello }', bare.url, bare.pid, { connections: CONNECTIONS, check: (j) => (j?.data?.hello === 'world' ? undefined : 'no hello') }, operation('{ hello }'));
      twoQueries = await measure('bare Apollo { twoQueries }', bare.url, bare.pid, { connections: CONNECTIONS, check: (j) => (j?.data?.twoQueries === 2 ? undefined : 'no twoQueries') }, operation('{ twoQueries }'));
      const batch = erpBatch(['C-1', 'C-2'], run, 0);
      accept = await measure('bare Apollo accept(batch)', bare.url, bare.pid, { connections: BATCH_CONNECTIONS, check: (j) => (j?.data?.accept === BATCH ? undefined : 'not 1,000 accepted') }, operation('mutation($i: JSON!) { accept(input: $i) }', { i: batch }));
    } finally {
      await bare.stop();
    }
  } catch (error) {
    await db.drop();
    throw error;
  }
  result.figures.push(
    { section: 'graphql', name: 'baseline: bare `@apollo/server` 5 standalone, one-field query `{ hello }`', ours: '—', baseline: describe(hello, 'req/s'), ratio: '—' },
    { section: 'graphql', name: 'baseline: bare Apollo, `{ twoQueries }`: two trivial PostgreSQL round trips (`select 1`, `select 2`), as many as the ledger query makes', ours: '—', baseline: describe(twoQueries, 'req/s'), ratio: fmtRatio(twoQueries.rps, hello.rps, 'req/s of `{ hello }`') },
    { section: 'graphql', name: 'baseline: bare Apollo taking a 1,000-item batch as a JSON argument and counting it', ours: '—', baseline: describe(accept, 'events/s', BATCH), ratio: '—' },
  );

  let api: ApiProcess | undefined;
  const ran = new Map<string, LoadResult>();
  try {
    api = await startApi(db.url, {}, options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, '--cpu-prof-name=api.cpuprofile'] : []);
    const schema = await schemaEntries(api.url);
    const seeded = await seed(api.url, schema);
    // Scenarios with settings of their own run last, each against an API process of its own.
    const ordered = [...SCENARIOS.filter((s) => !s.env), ...SCENARIOS.filter((s) => s.env)];
    for (const scenario of ordered) {
      const missing = scenario.requires.filter((e) => !schema.has(e));
      const unavailable = missing.length ? `the running schema lacks ${missing.join(', ')}` : typeof seeded === 'string' ? `cannot seed: ${seeded}` : undefined;
      if (options.only !== undefined && !scenario.name.toLowerCase().includes(options.only.toLowerCase())) continue;
      if (quick && scenario.fullOnly) {
        result.figures.push({ section: 'graphql', name: scenario.name, ours: 'not run in --quick (no target depends on it)', baseline: '—', ratio: '—' });
        continue;
      }
      if (unavailable || typeof seeded === 'string') {
        result.figures.push({ section: 'graphql', name: scenario.name, ours: `not available yet (${unavailable})`, baseline: '—', ratio: '—' });
        continue;
      }
      let r: LoadResult;
      if (scenario.env) {
        // The batches before left read models to catch up (`awaitReadModels: false`): let the first
        // API finish that work, so it does not share the CPUs with the scenario measured next.
        await caughtUp(db.url);
        const own = await startApi(db.url, scenario.env);
        try {
          r = await measure(scenario.name, own.url, own.pid, scenario, scenario.body(seeded, run));
        } finally {
          await own.stop();
        }
      } else {
        r = await measure(scenario.name, api.url, api.pid, scenario, scenario.body(seeded, run));
      }
      ran.set(scenario.name, r);
      const base = scenario.baseline === 'hello' ? hello : accept;
      const per = scenario.eventsPerRequest ?? 1;
      const figure: Figure = {
        section: 'graphql',
        name: scenario.name,
        ours: describe(r, per > 1 ? 'events/s' : 'req/s', per),
        baseline:
          scenario.baseline === 'hello'
            ? `bare Apollo \`{ hello }\`: ${fmt(base.rps)} req/s, p99 ${fmtMs(base.p99)} (with two PostgreSQL round trips: ${fmt(twoQueries.rps)} req/s, ${fmtRatio(r.rps, twoQueries.rps, 'of that')})`
            : `bare Apollo taking the batch: ${fmt(base.rps * BATCH)} events/s`,
        ratio: fmtRatio(r.rps, base.rps, per > 1 ? 'events/s' : 'req/s'),
      };
      result.figures.push(figure);
      if (r.firstError) result.notes.push(`graphql: ${scenario.name}: first refused answer: ${r.firstError.replace(/\s+/g, ' ').slice(0, 240)}`);
    }
  } finally {
    await api?.stop();
    await db.drop();
  }

  const byName = (prefix: string) => [...ran.entries()].find(([name]) => name.startsWith(prefix))?.[1];
  const ledger = ran.get('`customer(id) { ledger { … } }` (80 promises)'); // the target is on the API as configured by default
  const uncached = byName('`customer(id) { ledger { … } }` (80 promises), read cache off');
  const make = byName('`makePromise`');
  const append = byName('`appendEvents`, batches');
  const unavailable = (id: TargetResult['id']): TargetResult => ({ id, verdict: 'not available yet', measured: 'its scenario could not run against the current schema' });
  result.targets.push(
    append ? { id: 'graphql.appendEvents', verdict: append.rps * BATCH >= 10_000 && append.errors === 0 ? 'met' : 'missed', measured: `${fmt(append.rps * BATCH)} events/s, ${append.errors} errors (${BATCH_CONNECTIONS} connections)` } : unavailable('graphql.appendEvents'),
    ledger ? { id: 'graphql.ledgerThroughput', verdict: ledger.rps >= 0.5 * hello.rps ? 'met' : 'missed', measured: `${fmt(ledger.rps)} vs ${fmt(hello.rps)} req/s = ${fmt((100 * ledger.rps) / hello.rps)}% (bare Apollo making the same two PostgreSQL round trips: ${fmt(twoQueries.rps)} req/s = ${fmt((100 * twoQueries.rps) / hello.rps)}%${uncached ? `; with the read cache off: ${fmt(uncached.rps)} req/s = ${fmt((100 * uncached.rps) / hello.rps)}%, p99 ${fmtMs(uncached.p99)}` : ''})` } : unavailable('graphql.ledgerThroughput'),
    ledger ? { id: 'graphql.ledgerP99', verdict: ledger.p99 < 50 ? 'met' : 'missed', measured: `p99 ${fmtMs(ledger.p99)} (${CONNECTIONS} connections)` } : unavailable('graphql.ledgerP99'),
    make ? { id: 'graphql.makePromiseP99', verdict: make.p99 < 100 ? 'met' : 'missed', measured: `p99 ${fmtMs(make.p99)} at ${fmt(make.rps)} req/s (${CONNECTIONS} connections)` } : unavailable('graphql.makePromiseP99'),
  );
  // Issue 18: every target a ratio to a baseline of the same run.
  const page = byName('`promises(filter:');
  const batches = [...ran.entries()].filter(([name]) => name.startsWith('`appendEvents')).map(([, r]) => r);
  const ratioTo = (r: LoadResult, base: LoadResult) => `${fmtX(r.rps / base.rps)} (${fmt(r.rps)} vs ${fmt(base.rps)} req/s)`;
  result.targets.push(
    make ? judge('perf3.makePromise', make.rps >= 0.25 * hello.rps && make.errors === 0, `${ratioTo(make, hello)}, ${make.errors} errors`) : unavailable('perf3.makePromise'),
    make ? judge('perf3.makePromiseP99', make.p99 <= 3 * hello.p99, `${fmtX(make.p99 / hello.p99)} (p99 ${fmtMs(make.p99)} vs ${fmtMs(hello.p99)})`) : unavailable('perf3.makePromiseP99'),
    append ? judge('perf3.appendEvents', append.rps * BATCH >= 25_000 && append.errors === 0, `${fmt(append.rps * BATCH)} events/s, ${append.errors} errors (${BATCH_CONNECTIONS} connections)`) : unavailable('perf3.appendEvents'),
    uncached ? judge('perf3.ledgerCacheOff', uncached.rps >= 0.6 * twoQueries.rps, `${ratioTo(uncached, twoQueries)}; p99 ${fmtMs(uncached.p99)} vs ${fmtMs(twoQueries.p99)}`) : { id: 'perf3.ledgerCacheOff', verdict: 'not run', measured: options.quick ? 'quick run leaves the cache-off scenario out' : 'its scenario did not run' },
    page ? judge('perf3.promisesPage', page.rps >= 0.6 * twoQueries.rps, `${ratioTo(page, twoQueries)}; p99 ${fmtMs(page.p99)} vs ${fmtMs(twoQueries.p99)}`) : unavailable('perf3.promisesPage'),
  );
  if (batches.length) {
    const peak = Math.max(...batches.map((r) => r.peakRssMb));
    result.targets.push(judge('perf3.rss', peak < 250, `peak ${fmt(peak)} MB over the ${batches.length} batch scenarios (bare Apollo taking the same batches: ${fmt(accept.peakRssMb)} MB)`));
  }
  const tracing = options.only === undefined || TRACING_COST.toLowerCase().includes(options.only.toLowerCase()) ? await tracingCost(serverUrl, options) : undefined;
  if (tracing) {
    result.figures.push(...tracing.figures);
    result.targets.push(tracing.target);
  }
  if (ran.size) {
    const errors = [...ran.values()].reduce((n, r) => n + r.errors, 0);
    const peak = Math.max(...[...ran.values()].map((r) => r.peakRssMb));
    result.targets.push(
      { id: 'graphql.errors', verdict: errors === 0 ? 'met' : 'missed', measured: `${errors} in ${fmt([...ran.values()].reduce((n, r) => n + r.requests, 0))} requests over ${ran.size} scenarios` },
      { id: 'graphql.rss', verdict: peak < 300 ? 'met' : 'missed', measured: `peak ${fmt(peak)} MB (bare Apollo: ${fmt(Math.max(hello.peakRssMb, accept.peakRssMb))} MB)` },
    );
  }
  result.notes.push(
    `graphql: autocannon, ${CONNECTIONS} connections (${BATCH_CONNECTIONS} for 1,000-item batches), ${seconds} s after a ${warmup} s warm-up per scenario; our API (\`dist/apps/api/src/main.js\`, ` +
      `one ADMIN key sent as \`Authorization: Bearer\`, rate limit set high enough never to refuse) and bare Apollo each run in their own process. ` +
      `Every answer is searched for a GraphQL \`errors\` list; one in 20 (every makePromise in 5, every batch) is parsed and checked (the ledger's counts, a full page, ${fmt(BATCH)} appended and 0 rejected). ` +
      `RSS is the server's peak VmRSS, sampled every 200 ms.`,
    'graphql: data is seeded through the mutations: 21 customers; the probe customer has 80 promises (30 kept, 10 broken, 40 open). The scenarios run in the order listed, so later ones see the earlier ones’ writes.',
  );
  return result;
}

const TRACING_COST = '`makePromise` with tracing off (`LEDGER_TRACING=off`), unconfigured, exporting over OTLP';
type TracingMode = 'off' | 'unconfigured' | 'exporting';
const TRACING_MODES: readonly TracingMode[] = ['off', 'unconfigured', 'exporting'];

/**
 * What tracing costs `makePromise`: an API process per mode, each on a database of its own (it
 * runs the projections it waits on), with LEDGER_TRACING=off (no span, no wrapper), unconfigured
 * (spans to the API's no-op tracer) and exporting to a local OTLP/HTTP sink. Loaded one at a time
 * in short alternating chunks, so the shared machine's drift falls on every mode alike.
 */
async function tracingCost(serverUrl: string, options: GraphqlOptions): Promise<{ figures: Figure[]; target: TargetResult } | undefined> {
  // Chunks far longer than a request's latency at 50 connections, even on a loaded machine (a
  // request still in flight when its chunk ends is not counted).
  const rounds = options.quick ? 3 : 6;
  const seconds = options.quick ? 5 : 10;
  let received = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') received++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const { port } = sink.address() as { port: number };
  const env: Record<TracingMode, Record<string, string>> = {
    off: { LEDGER_TRACING: 'off' },
    unconfigured: {},
    exporting: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
  };
  const scenario = SCENARIOS.find((s) => s.name.startsWith('`makePromise`'))!;
  const hookUs = await spansPerRequestUs(`http://127.0.0.1:${port}`);
  received = 0;
  const totals = new Map<TracingMode, { requests: number; seconds: number; cpuMs: number; errors: number; p99: number[] }>();
  const servers = new Map<TracingMode, { api: ApiProcess; body: string | (() => string); drop(): Promise<void> }>();
  try {
    for (const mode of TRACING_MODES) {
      const db = await scratchDatabase(serverUrl, `tracing_${mode}`);
      const api = await startApi(db.url, env[mode]).catch(async (error: unknown) => {
        await db.drop();
        throw error;
      });
      servers.set(mode, { api, body: '', drop: () => db.drop() });
      const seeded = await seed(api.url, await schemaEntries(api.url));
      if (typeof seeded === 'string') return undefined;
      servers.get(mode)!.body = scenario.body(seeded, mode);
    }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? TRACING_MODES : [...TRACING_MODES].reverse();
      options.log(`graphql: ${TRACING_COST}: round ${round + 1} of ${rounds}`);
      for (const mode of order) {
        const { api, body } = servers.get(mode)!;
        await load({ url: api.url, connections: scenario.connections, seconds: 2, body });
        const cpuBefore = cpuMs(api.pid);
        const r = await load({ url: api.url, connections: scenario.connections, seconds, body, check: scenario.check, checkEvery: scenario.checkEvery, pid: api.pid });
        const total = totals.get(mode) ?? { requests: 0, seconds: 0, cpuMs: 0, errors: 0, p99: [] };
        total.cpuMs += cpuMs(api.pid) - cpuBefore;
        total.requests += r.requests;
        total.seconds += r.rps > 0 ? r.requests / r.rps : seconds;
        total.errors += r.errors;
        total.p99.push(r.p99);
        totals.set(mode, total);
      }
    }
  } finally {
    for (const { api, drop } of servers.values()) {
      await api.stop();
      await drop();
    }
    await new Promise((r) => sink.close(r));
  }
  const rps = (mode: TracingMode) => totals.get(mode)!.requests / totals.get(mode)!.seconds;
  // CPU the API spent per request: less at the mercy of the shared machine's load than req/s.
  const cpuPerRequest = (mode: TracingMode) => totals.get(mode)!.cpuMs / totals.get(mode)!.requests;
  const p99 = (mode: TracingMode) => [...totals.get(mode)!.p99].sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
  const errors = [...totals.values()].reduce((n, t) => n + t.errors, 0);
  const off = rps('off');
  const unconfigured = rps('unconfigured');
  const exporting = rps('exporting');
  const figure = (mode: TracingMode, name: string): Figure => ({
    section: 'graphql',
    name: `${TRACING_COST}: ${name}`,
    ours: `${fmt(rps(mode))} req/s, API CPU ${fmtMs(cpuPerRequest(mode))} per request, median chunk p99 ${fmtMs(p99(mode))}, errors ${totals.get(mode)!.errors}`,
    baseline: mode === 'off' ? '—' : `tracing off: ${fmt(off)} req/s, p99 ${fmtMs(p99('off'))}`,
    ratio: mode === 'off' ? '—' : fmtRatio(rps(mode), off, 'req/s of tracing off'),
  });
  return {
    figures: [
      figure('off', '`LEDGER_TRACING=off` (no span is created)'),
      figure('unconfigured', 'no `OTEL_EXPORTER_OTLP_ENDPOINT` (the default: spans go to the no-op tracer)'),
      figure('exporting', `exporting every span to a local OTLP/HTTP sink (${fmt(received)} export requests received)`),
      {
        section: 'graphql',
        name: `${TRACING_COST}: the hooks alone, timed in the bench process (a makePromise's spans, minus the same calls without them), unconfigured`,
        ours: `${hookUs.unconfigured.toFixed(2)} µs per request`,
        baseline: `API CPU per makePromise with tracing off: ${fmtMs(cpuPerRequest('off'))}`,
        ratio: `${((100 * hookUs.unconfigured) / 1_000 / cpuPerRequest('off')).toFixed(2)}% of it`,
      },
      {
        section: 'graphql',
        name: `${TRACING_COST}: the same, exporting every span over OTLP/HTTP to the local sink`,
        ours: `${hookUs.exporting.toFixed(1)} µs per request`,
        baseline: `API CPU per makePromise with tracing off: ${fmtMs(cpuPerRequest('off'))}`,
        ratio: `${((100 * hookUs.exporting) / 1_000 / cpuPerRequest('off')).toFixed(1)}% of it`,
      },
    ],
    target: {
      id: 'perf3.tracingOff',
      verdict: unconfigured >= 0.95 * off && errors === 0 ? 'met' : 'missed',
      measured:
        `unconfigured ${fmt(unconfigured)} vs off ${fmt(off)} req/s = ${fmtX(unconfigured / off)}, API CPU per request ${fmtX(cpuPerRequest('unconfigured') / cpuPerRequest('off'))} ` +
        `(${rounds} alternating chunks of ${seconds} s per mode, a process and database per mode); ` +
        `exporting every span over OTLP: ${fmt(exporting)} req/s = ${fmtX(exporting / off)}, API CPU per request ${fmtX(cpuPerRequest('exporting') / cpuPerRequest('off'))}; ${errors} errors. ` +
        `The spans alone, timed in one process: ${hookUs.unconfigured.toFixed(2)} µs per request unconfigured, ${hookUs.exporting.toFixed(1)} µs exporting`,
    },
  };
}

/**
 * The hooks' own cost, free of the shared machine's load on the API: a makePromise's spans
 * (request, command, es_append remembering its event, the wait, three projections applying it),
 * timed in this process against the same asynchronous calls without them, settled in groups of
 * 50 as concurrent requests are. Unconfigured: the API's no-op tracer. Exporting: the SDK
 * registered here, exporting over OTLP/HTTP to `endpoint`, flushed before the clock stops.
 */
async function spansPerRequestUs(endpoint: string): Promise<{ unconfigured: number; exporting: number }> {
  const work = () => Promise.resolve(1);
  const group = 50;
  const groups = 2_000;
  let n = 0;
  const time = async (call: () => Promise<unknown>, flush: () => Promise<void>) => {
    const started = process.hrtime.bigint();
    for (let g = 0; g < groups; g++) {
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < group; i++) calls.push(call());
      await Promise.all(calls);
    }
    await flush();
    return Number(process.hrtime.bigint() - started) / 1_000 / (groups * group);
  };
  const headers = {};
  const traced = () => {
    const event = { id: `bench-${n++}` };
    return graphqlRequestSpan(headers, () =>
      inSpan('command', {}, () =>
        appendSpan([{ events: [event] }], work).then(() => {
          for (const name of ['ledger', 'timeline', 'webhooks']) projectionSpans(name, [event])?.end(0);
          return inSpan('wait', {}, work);
        }),
      ),
    );
  };
  const bare = () => work().then(() => work());
  const cost = async (flush: () => Promise<void>) => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) best = Math.min(best, (await time(traced, flush)) - (await time(bare, async () => undefined)));
    return Math.max(0, best);
  };
  const unconfigured = await cost(async () => undefined);
  const sdk = startTracing({ enabled: true, tracesEndpoint: `${endpoint}/v1/traces`, serviceName: 'bench' });
  try {
    return { unconfigured, exporting: await cost(() => sdk.flush()) };
  } finally {
    await sdk.shutdown();
  }
}

/** CPU time (user + system) a process has used, in ms (0 once it is gone). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** Waits (up to 5 minutes) until every projection's checkpoint has reached the head of the log. */
async function caughtUp(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench-caught-up' });
  await client.connect();
  try {
    const until = Date.now() + 300_000;
    for (;;) {
      const { rows } = await client.query<{ behind: boolean }>(
        `select coalesce((select max(position) from es_events), 0) > coalesce((select min(position) from projection_checkpoints where name in ('ledger', 'timeline')), 0) as behind`,
      );
      if (!rows[0]?.behind || Date.now() > until) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await client.end();
  }
}
