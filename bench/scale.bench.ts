import { PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { createReadSide, ledgerProjections, projectionMigrations, rebuildProjections } from '#libs/projections';
import { AUTH_HEADERS, startApi, type ApiProcess } from './api-process.js';
import { GRAPHQL_ERRORS } from './http-load.js';
import { scratchDatabase, type ScratchDatabase } from './bench-database.js';
import { PROBE_CUSTOMER, REPORT_WINDOW, ledgerHistory } from './ledger-history.seed.js';
import { addSample, emptySample, summarise, timeOperations, type Sample, type Summary } from './measure.js';
import { emptyResult, fmt, fmtMs, fmtRate, fmtRatio, fmtX, type SectionResult, type TargetId, type TargetResult } from './report.js';

export interface ScaleOptions {
  quick: boolean;
  /** The larger store's size (default 1,000,000; quick 100,000): `--events=10m` asks for 10,000,000. */
  events?: number;
  log(message: string): void;
}

const TEN_MILLION = 10_000_000;

interface Store {
  size: number;
  db: ScratchDatabase;
  events: number;
  seeding: { firstRate: number; lastRate: number; seconds: number };
  rebuild: { events: number; seconds: number };
  readAll: Summary;
  /** When the middle event of the log was recorded: an asOf for the reports. */
  middleRecordedAt: string;
  /** Bytes on disk (pg_total_relation_size: tables, indexes, TOAST) of the log and of the read models. */
  disk: { log: number; readModels: number };
  api?: ApiProcess;
}

const LEDGER = `query($id: ID!) { customer(id: $id) { id ledger { made open kept broken released keptRate neverBroken lastBrokenAt keptStreak } } }`;
const COSTS_WINDOW = `{ errorCosts(groupBy: MONTH, from: "${REPORT_WINDOW.from}", to: "${REPORT_WINDOW.to}") { key errors unpricedErrors cost { amount currency } } }`;
const COSTS_ALL = `{ errorCosts(groupBy: MONTH) { key errors unpricedErrors cost { amount currency } } }`;
const COSTS_AS_OF = `query($asOf: DateTime!, $from: DateTime) { errorCosts(groupBy: MONTH, asOf: $asOf, from: $from) { key errors unpricedErrors cost { amount currency } } }`;
/** A `from` off the month boundary and before every error: the same answer, from rm_errors row by row instead of the monthly roll-up. */
const NOT_ON_A_MONTH = '0001-01-01T00:00:00.001Z';

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
    for (let pass = 0; pass < (size >= 5_000_000 ? 1 : 2); pass++) {
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
    const { rows: middle } = await pool.query<{ at: Date }>(
      'select recorded_at as at from es_events where position >= (select max(position) / 2 from es_events) order by position limit 1',
    );
    const { rows: sizes } = await pool.query<{ log: string; read_models: string }>(
      `select pg_total_relation_size('es_events')::text as log,
              (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'rm\\_%')::text as read_models`,
    );
    return {
      size, db, events, seeding: { firstRate, lastRate, seconds }, rebuild, readAll: summarise(read),
      middleRecordedAt: middle[0]!.at.toISOString(), disk: { log: Number(sizes[0]!.log), readModels: Number(sizes[0]!.read_models) },
    };
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

/** The same queries at 10,000 and 1,000,000 stored events (quick: 100,000; `--events=10m`: 10,000,000), and the rebuild rate. */
export async function scaleBench(serverUrl: string, options: ScaleOptions): Promise<SectionResult> {
  const { quick, log } = options;
  const result = emptyResult();
  const largeSize = options.events ?? (quick ? 100_000 : 1_000_000);
  const sizes = [10_000, largeSize];
  /** The 1M targets are judged only on a 1M run; the 10M ones only on a 10M run. */
  const oneMillion = largeSize === 1_000_000;
  const tenMillion = largeSize >= TEN_MILLION;
  const notRunBecause = quick ? 'quick run compares 100,000 with 10,000 events' : `this run compares ${fmt(largeSize)} with 10,000 events`;
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
    const judge = (id: TargetId, measured: string, met: boolean, when: boolean): TargetResult =>
      when ? { id, verdict: met ? 'met' : 'missed', measured } : { id, verdict: 'not run', measured: `${notRunBecause}: ${measured}` };
    for (const [id, id10m, limit, name, body] of [
      ['scale.ledger', 'perf3.scale10mLedger', 1.2, `customer-ledger query for the probe customer (80 promises), 4 in flight`, JSON.stringify({ query: LEDGER, variables: { id: PROBE_CUSTOMER } })],
      ['scale.errorCosts', 'perf3.scale10mMonth', 1.2, `\`errorCosts(groupBy: MONTH)\` over 2025 (the same errors at both sizes), 4 in flight`, JSON.stringify({ query: COSTS_WINDOW })],
      [
        'perf3.wholeHistoryMonth', undefined, 1.5,
        `\`errorCosts(groupBy: MONTH)\` over the whole history (monthly roll-up; the bigger store holds ten more years, so the answers differ), 4 in flight`,
        JSON.stringify({ query: COSTS_ALL }),
      ],
    ] as const) {
      log(`scale: ${name}`);
      const r = await compare(small, large, body, chunks, perChunk);
      const ratio = r.large.p50 / r.small.p50;
      result.figures.push({
        section: 'scale',
        name: `${name}: at ${label(large)} vs at ${label(small)}`,
        ours: `${fmt(r.large.eventsPerSecond)} req/s, p50 ${fmtMs(r.large.p50)}, p99 ${fmtMs(r.large.p99)}`,
        baseline: `${fmt(r.small.eventsPerSecond)} req/s, p50 ${fmtMs(r.small.p50)}, p99 ${fmtMs(r.small.p99)}`,
        ratio: `${fmtX(ratio)} p50 latency (p99: ${fmtX(r.large.p99 / r.small.p99)})`,
      });
      if (id10m && !r.sameAnswer) result.notes.push(`scale: ${name}: the two sizes answered differently (${r.answer.slice(0, 160)}…): the comparison is not like for like.`);
      const measured = `${fmtX(ratio)} p50 (${fmtMs(r.large.p50)} at ${label(large)} vs ${fmtMs(r.small.p50)} at ${label(small)})`;
      targets.push(judge(id, measured, ratio <= limit, oneMillion));
      if (id10m) targets.push(judge(id10m, measured, ratio <= limit, tenMillion));
    }

    // asOf stays exact: the roll-up's answer (buckets before asOf's month + that month from rm_errors) equals rm_errors' own, at both sizes.
    log('scale: errorCosts(groupBy: MONTH) as of the middle of each log');
    const asOfSamples = new Map<Store, Sample>(stores.map((s) => [s, emptySample()]));
    const asOfBody = (s: Store, from?: string) => JSON.stringify({ query: COSTS_AS_OF, variables: { asOf: s.middleRecordedAt, from } });
    for (let chunk = 0; chunk < chunks; chunk++) {
      for (const s of chunk % 2 === 0 ? stores : [...stores].reverse()) {
        addSample(asOfSamples.get(s)!, await timeOperations(Math.ceil(perChunk / 25), 4, async () => (await post(s.api!.url, asOfBody(s)), 1)));
      }
    }
    const asOfExact: string[] = [];
    for (const s of stores) {
      const [rolledUp, rowByRow] = [await post(s.api!.url, asOfBody(s)), await post(s.api!.url, asOfBody(s, NOT_ON_A_MONTH))];
      if (rolledUp !== rowByRow) asOfExact.push(`at ${label(s)} the roll-up answered ${rolledUp.slice(0, 200)}…, rm_errors ${rowByRow.slice(0, 200)}…`);
    }
    const [asOfSmall, asOfLarge] = [summarise(asOfSamples.get(small)!), summarise(asOfSamples.get(large)!)];
    result.figures.push({
      section: 'scale',
      name:
        `\`errorCosts(groupBy: MONTH, asOf: <the middle event's recorded time>)\` (every event of a store is recorded within minutes, so asOf's month, ` +
        `read from rm_errors, holds half of its errors; no target): at ${label(large)} vs at ${label(small)}`,
      ours: `${fmt(asOfLarge.eventsPerSecond)} req/s, p50 ${fmtMs(asOfLarge.p50)}, p99 ${fmtMs(asOfLarge.p99)}`,
      baseline: `${fmt(asOfSmall.eventsPerSecond)} req/s, p50 ${fmtMs(asOfSmall.p50)}, p99 ${fmtMs(asOfSmall.p99)}`,
      ratio: `${fmtX(asOfLarge.p50 / asOfSmall.p50)} p50 latency`,
    });
    // The same report in-process (no HTTP, no GraphQL: the bigger store's answer holds ten times the months), from the roll-up
    // and from rm_errors row by row (an occurredAt range off the month boundary), one at a time, alternating between the stores.
    log('scale: errorCosts(groupBy: MONTH) in-process, roll-up vs row by row');
    const inProcess = new Map<Store, { rollUp: Sample; rows: Sample }>(stores.map((s) => [s, { rollUp: emptySample(), rows: emptySample() }]));
    const pools = new Map(stores.map((s) => [s, createPool({ connectionString: s.db.url, max: 1, applicationName: 'bench-scale-sql' })]));
    try {
      for (let chunk = 0; chunk < chunks; chunk++) {
        for (const s of chunk % 2 === 0 ? stores : [...stores].reverse()) {
          const reads = createReadSide(pools.get(s)!).errorCosts;
          addSample(inProcess.get(s)!.rollUp, await timeOperations(perChunk, 1, async () => ((await reads.errorCosts({ groupBy: 'MONTH' })), 1)));
          addSample(inProcess.get(s)!.rows, await timeOperations(2, 1, async () => ((await reads.errorCosts({ groupBy: 'MONTH', from: new Date(NOT_ON_A_MONTH) })), 1)));
        }
      }
    } finally {
      for (const pool of pools.values()) await pool.end();
    }
    const sql = (s: Store) => ({ rollUp: summarise(inProcess.get(s)!.rollUp), rows: summarise(inProcess.get(s)!.rows) });
    const [sqlSmall, sqlLarge] = [sql(small), sql(large)];
    result.figures.push({
      section: 'scale',
      name: `\`errorCosts(groupBy: MONTH)\` over the whole history in-process (\`ErrorCostQueries\`, one at a time; no target): from the monthly roll-up at ${label(large)} vs at ${label(small)}`,
      ours: `p50 ${fmtMs(sqlLarge.rollUp.p50)}, p99 ${fmtMs(sqlLarge.rollUp.p99)} (row by row from rm_errors, as before the roll-up: p50 ${fmtMs(sqlLarge.rows.p50)})`,
      baseline: `p50 ${fmtMs(sqlSmall.rollUp.p50)}, p99 ${fmtMs(sqlSmall.rollUp.p99)} (row by row: p50 ${fmtMs(sqlSmall.rows.p50)})`,
      ratio: `${fmtX(sqlLarge.rollUp.p50 / sqlSmall.rollUp.p50)} p50 latency (row by row: ${fmtX(sqlLarge.rows.p50 / sqlSmall.rows.p50)})`,
    });
    const wholeHistory = targets.find((t) => t.id === 'perf3.wholeHistoryMonth')!;
    wholeHistory.measured += ` (in-process, without HTTP and GraphQL: ${fmtX(sqlLarge.rollUp.p50 / sqlSmall.rollUp.p50)}, p50 ${fmtMs(sqlLarge.rollUp.p50)} vs ${fmtMs(sqlSmall.rollUp.p50)})`;
    if (asOfExact.length) {
      wholeHistory.verdict = wholeHistory.verdict === 'not run' ? 'not run' : 'missed';
      wholeHistory.measured += `; asOf NOT exact: ${asOfExact.join('; ')}`;
      result.notes.push(`scale: errorCosts as of the middle of the log differs between the roll-up and rm_errors: ${asOfExact.join('; ')}`);
    } else {
      wholeHistory.measured += '; asOf (the middle of each log) answers exactly as rm_errors row by row at both sizes';
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
    for (const s of stores) {
      result.figures.push({
        section: 'scale',
        name: `disk bytes per event at ${label(s)} (\`pg_total_relation_size\`: table, indexes, TOAST)`,
        ours: `read models (every rm_ table): ${fmt(s.disk.readModels / s.events)} B/event (${fmt(s.disk.readModels / 1_048_576)} MB)`,
        baseline: `the log (es_events): ${fmt(s.disk.log / s.events)} B/event (${fmt(s.disk.log / 1_048_576)} MB)`,
        ratio: fmtRatio(s.disk.readModels, s.disk.log, 'bytes'),
      });
    }
    const rebuildRate = large.rebuild.events / large.rebuild.seconds;
    const rebuildMeasured = `${fmt(rebuildRate)} events/s (${fmt(large.rebuild.events)} events in ${fmt(large.rebuild.seconds, 1)} s)`;
    targets.push(judge('scale.rebuild', rebuildMeasured, rebuildRate >= 20_000, oneMillion));
    const rebuildRatio = rebuildRate / large.readAll.eventsPerSecond;
    targets.push(
      judge(
        'perf3.rebuild',
        `${fmtX(rebuildRatio)} (${rebuildMeasured} vs \`readAll\` ${fmt(large.readAll.eventsPerSecond)} events/s, ${label(large)})`,
        rebuildRatio >= 0.5,
        !quick,
      ),
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
