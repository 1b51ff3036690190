import { PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { ledgerProjections, projectionMigrations, rebuildProjections } from '#libs/projections';
import { AUTH_HEADERS, startApi, type ApiProcess } from './api-process.js';
import { GRAPHQL_ERRORS } from './http-load.js';
import { scratchDatabase, type ScratchDatabase } from './bench-database.js';
import { PROBE_CUSTOMER, REPORT_WINDOW, ledgerHistory } from './ledger-history.seed.js';
import { addSample, emptySample, summarise, timeOperations, type Sample, type Summary } from './measure.js';
import { emptyResult, fmt, fmtMs, fmtRate, fmtRatio, fmtX, type SectionResult, type TargetResult } from './report.js';

export interface ScaleOptions {
  quick: boolean;
  log(message: string): void;
}

interface Store {
  size: number;
  db: ScratchDatabase;
  events: number;
  seeding: { firstRate: number; lastRate: number; seconds: number };
  rebuild: { events: number; seconds: number };
  readAll: Summary;
  api?: ApiProcess;
}

const LEDGER = `query($id: ID!) { customer(id: $id) { id ledger { made open kept broken released keptRate neverBroken lastBrokenAt keptStreak } } }`;
const COSTS_WINDOW = `{ errorCosts(groupBy: MONTH, from: "${REPORT_WINDOW.from}", to: "${REPORT_WINDOW.to}") { key errors unpricedErrors cost { amount currency } } }`;
const COSTS_ALL = `{ errorCosts(groupBy: MONTH) { key errors unpricedErrors cost { amount currency } } }`;

/** Seeds `size` events through the bulk path, measures a raw read of the log, then rebuilds the read models. */
async function prepare(serverUrl: string, size: number, log: ScaleOptions['log']): Promise<Store> {
  const db = await scratchDatabase(serverUrl, `scale_${size}`);
  const pool = createPool({ connectionString: db.url, max: 4, applicationName: 'bench-scale' });
  const store = new PostgresEventStore(pool, db.url);
  try {
    await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations]);
    log(`scale: seeding ${fmt(size)} events`);
    const tenth = Math.max(1, Math.floor(size / 10));
    let events = 0;
    let firstRate = 0;
    let lastStarted = 0;
    let lastEvents = 0;
    const started = performance.now();
    for (const batch of ledgerHistory(size)) {
      if (events < size - tenth) {
        lastStarted = performance.now();
        lastEvents = events;
      }
      await store.appendToStreams(batch);
      events += batch.reduce((n, a) => n + a.events.length, 0);
      if (!firstRate && events >= tenth) firstRate = events / ((performance.now() - started) / 1000);
    }
    const seconds = (performance.now() - started) / 1000;
    const lastRate = (events - lastEvents) / ((performance.now() - lastStarted) / 1000);

    // The rebuild's baseline: reading the same log in the same pages, doing nothing with it.
    const read = emptySample();
    for (let pass = 0; pass < 2; pass++) {
      let from = 0n;
      const t = performance.now();
      const latencies: number[] = [];
      let n = 0;
      for (;;) {
        const p = performance.now();
        const page = await store.readAll({ fromPosition: from, maxCount: 2_000 });
        latencies.push(performance.now() - p);
        if (page.length === 0) break;
        n += page.length;
        from = page[page.length - 1]!.position;
      }
      addSample(read, { events: n, seconds: (performance.now() - t) / 1000, latencies });
    }
    log(`scale: rebuilding the read models of ${fmt(events)} events`);
    const rebuild = await rebuildProjections({ pool, eventStore: store, projections: ledgerProjections() });
    return { size, db, events, seeding: { firstRate, lastRate, seconds }, rebuild, readAll: summarise(read) };
  } catch (error) {
    await db.drop();
    throw error;
  } finally {
    await store.close();
    await pool.end();
  }
}

const post = async (url: string, body: string): Promise<string> => {
  const response = await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body });
  const text = await response.text();
  if (!response.ok || GRAPHQL_ERRORS.test(text)) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  return text;
};

/**
 * The same query against both stores in alternating chunks (small first, then large first), four
 * requests in flight: latency per request, and the answers, which must be equal.
 */
async function compare(small: Store, large: Store, body: string, chunks: number, perChunk: number): Promise<{ small: Summary; large: Summary; sameAnswer: boolean; answer: string }> {
  const samples = new Map<Store, Sample>([
    [small, emptySample()],
    [large, emptySample()],
  ]);
  for (let chunk = 0; chunk < chunks; chunk++) {
    for (const s of chunk % 2 === 0 ? [small, large] : [large, small]) {
      addSample(samples.get(s)!, await timeOperations(perChunk, 4, async () => (await post(s.api!.url, body), 1)));
    }
  }
  const [a, b] = [await post(small.api!.url, body), await post(large.api!.url, body)];
  return { small: summarise(samples.get(small)!), large: summarise(samples.get(large)!), sameAnswer: a === b, answer: a };
}

/** The same queries at 10,000 and 1,000,000 stored events (quick: 100,000), and the rebuild rate. */
export async function scaleBench(serverUrl: string, options: ScaleOptions): Promise<SectionResult> {
  const { quick, log } = options;
  const result = emptyResult();
  const sizes = [10_000, quick ? 100_000 : 1_000_000];
  const stores: Store[] = [];
  try {
    for (const size of sizes) stores.push(await prepare(serverUrl, size, log));
    const [small, large] = stores as [Store, Store];
    // The watcher is off: it has nothing to do with these queries, and its work must not land mid-measurement.
    // The read cache is off: these figures are about the read-model tables at each size.
    await Promise.all(stores.map(async (s) => (s.api = await startApi(s.db.url, { LEDGER_RUN_DEADLINE_WATCHER: 'false', LEDGER_READ_CACHE_ENTRIES: '0' }))));
    const label = (s: Store) => `${fmt(s.events)} events`;

    const chunks = quick ? 4 : 8;
    const perChunk = quick ? 100 : 250;
    const targets: TargetResult[] = [];
    for (const [id, name, body] of [
      ['scale.ledger', `customer-ledger query for the probe customer (80 promises), 4 in flight`, JSON.stringify({ query: LEDGER, variables: { id: PROBE_CUSTOMER } })],
      ['scale.errorCosts', `\`errorCosts(groupBy: MONTH)\` over 2025 (the same errors at both sizes), 4 in flight`, JSON.stringify({ query: COSTS_WINDOW })],
      [undefined, `\`errorCosts(groupBy: MONTH)\` over the whole history (grows with the log; no target)`, JSON.stringify({ query: COSTS_ALL })],
    ] as const) {
      log(`scale: ${name}`);
      const r = await compare(small, large, body, chunks, id ? perChunk : Math.ceil(perChunk / 5));
      const ratio = r.large.p50 / r.small.p50;
      result.figures.push({
        section: 'scale',
        name: `${name}: at ${label(large)} vs at ${label(small)}`,
        ours: `${fmt(r.large.eventsPerSecond)} req/s, p50 ${fmtMs(r.large.p50)}, p99 ${fmtMs(r.large.p99)}`,
        baseline: `${fmt(r.small.eventsPerSecond)} req/s, p50 ${fmtMs(r.small.p50)}, p99 ${fmtMs(r.small.p99)}`,
        ratio: `${fmtX(ratio)} p50 latency (p99: ${fmtX(r.large.p99 / r.small.p99)})`,
      });
      if (id && !r.sameAnswer) result.notes.push(`scale: ${name}: the two sizes answered differently (${r.answer.slice(0, 160)}…): the comparison is not like for like.`);
      if (id) {
        const measured = `${fmtX(ratio)} p50 (${fmtMs(r.large.p50)} at ${label(large)} vs ${fmtMs(r.small.p50)} at ${label(small)})`;
        targets.push(quick ? { id, verdict: 'not run', measured: `quick run compares 100,000 with 10,000 events: ${measured}` } : { id, verdict: ratio <= 1.2 ? 'met' : 'missed', measured });
      }
    }

    for (const s of stores) {
      const rate = s.rebuild.events / s.rebuild.seconds;
      result.figures.push({
        section: 'scale',
        name: `projection rebuild (\`rebuildProjections\`, both read models side by side) of ${label(s)}`,
        ours: `${fmt(rate)} events/s (${fmt(s.rebuild.seconds, 1)} s)`,
        baseline: `reading the same log in pages of 2,000 (\`readAll\`): ${fmtRate(s.readAll, 'events/s')}`,
        ratio: fmtRatio(rate, s.readAll.eventsPerSecond, 'events/s'),
      });
      result.figures.push({
        section: 'scale',
        name: `seeding ${label(s)} through the bulk path (\`appendToStreams\`, ~1,000-event multi-stream batches, one writer)`,
        ours: `${fmt(s.events / s.seeding.seconds)} events/s overall (${fmt(s.seeding.seconds, 1)} s)`,
        baseline: `first tenth of the log: ${fmt(s.seeding.firstRate)} events/s`,
        ratio: `${fmtX(s.seeding.lastRate / s.seeding.firstRate)} events/s in the last tenth (${fmt(s.seeding.lastRate)} events/s)`,
      });
    }
    const rebuildRate = large.rebuild.events / large.rebuild.seconds;
    targets.push(
      quick
        ? { id: 'scale.rebuild', verdict: 'not run', measured: `quick run rebuilds 100,000 events: ${fmt(rebuildRate)} events/s` }
        : { id: 'scale.rebuild', verdict: rebuildRate >= 20_000 ? 'met' : 'missed', measured: `${fmt(rebuildRate)} events/s (${fmt(large.rebuild.events)} events in ${fmt(large.rebuild.seconds, 1)} s)` },
    );
    result.targets.push(...targets);
    result.notes.push(
      `scale: both stores hold the same probe cohort (the probe customer and 103 others, all active in 2025, about 10,000 events); the bigger one adds ten years (2015–2024) of other customers' history. ` +
        'Each store gets the shipped cost policies, is seeded through `appendToStreams`, has its read models built by `rebuildProjections`, then gets its own API (deadline watcher off). ' +
        'Queries alternate between the two sizes in chunks; the answers at both sizes are compared and must be equal.',
    );
  } finally {
    for (const s of stores) {
      await s.api?.stop();
      await s.db.drop();
    }
  }
  return result;
}
