import type { Summary } from './measure.js';

export const SECTIONS = ['store', 'graphql', 'scale', 'import', 'deadlines', 'console', 'search', 'privacy', 'webhooks', 'integrity', 'soak'] as const;
/** What runs when no section is named: the soak is long (10 minutes) and runs only when asked for. */
export const DEFAULT_SECTIONS: readonly SectionName[] = SECTIONS.filter((s) => s !== 'soak');
/**
 * What `--quick` runs when no section is named: search seeds 100,000 customers whatever the mode
 * (its target is about that size), which would take the quick run past its 2 minutes; name it to run it.
 */
export const QUICK_SECTIONS: readonly SectionName[] = DEFAULT_SECTIONS.filter((s) => s !== 'search');
export type SectionName = (typeof SECTIONS)[number];

export type Verdict = 'met' | 'missed' | 'not run' | 'not available yet';

/** One measured line: ours beside the baseline measured in the same run. */
export interface Figure {
  section: SectionName;
  name: string;
  ours: string;
  baseline: string;
  /** ours / baseline, with what is divided ("1.20× ev/s"); '—' when it has no meaning. */
  ratio: string;
}

/** The targets of issue 8, in its order, then the soak's of issue 12. */
export const TARGETS = {
  'store.sequential': { section: 'store', text: 'Sequential single-event appends ≥ 3× Emmett (issue 8; restated against the floor by issue 18, below)' },
  'store.writers16': { section: 'store', text: '16 concurrent writers, single events ≥ 5,000 events/s' },
  'store.batch1000': { section: 'store', text: 'Batches of 1,000 events ≥ 50,000 events/s' },
  'graphql.appendEvents': { section: 'graphql', text: '`appendEvents` over GraphQL, batches of 1,000, validated and idempotent ≥ 10,000 events/s' },
  'graphql.ledgerThroughput': { section: 'graphql', text: 'Customer-ledger query ≥ 50% of the bare Apollo one-field query’s req/s' },
  'graphql.ledgerP99': { section: 'graphql', text: 'Customer-ledger query p99 < 50 ms' },
  'graphql.makePromiseP99': { section: 'graphql', text: '`makePromise` p99 < 100 ms' },
  'graphql.errors': { section: 'graphql', text: 'Errors under load = 0 (non-2xx, socket errors, timeouts, GraphQL `errors`, rejected items)' },
  'graphql.rss': { section: 'graphql', text: 'Server RSS under load < 300 MB' },
  'scale.ledger': { section: 'scale', text: 'Customer-ledger query latency at 1M vs 10k events: ratio ≤ 1.2' },
  'scale.errorCosts': { section: 'scale', text: '`MONTH` error-cost report latency at 1M vs 10k events: ratio ≤ 1.2' },
  'scale.rebuild': { section: 'scale', text: 'Projection rebuild at 1M events ≥ 20,000 events/s' },
  'search.p99': { section: 'search', text: '`searchCustomers` at 100,000 customers: p99 < 20 ms for every text of the mix, broad ones included' },
  'run.quick': { section: undefined, text: '`npm run bench -- --quick` finishes in under 2 minutes' },
  'console.firstScreen': { section: 'console', text: 'Issue 14 — the console: first screen’s JavaScript ≤ 300 KB gzipped' },
  'console.customerPage': { section: 'console', text: 'Issue 14 — the console: customer page with 500 promises and a 10,000-event timeline rendered and interactive < 1 s' },
  'webhooks.blackHole': { section: 'webhooks', text: 'Issue 17 — webhooks: `makePromise` p99 with a black-hole webhook ≤ 1.2× (+2 ms) the p99 without, same run, no errors' },
  'integrity.appendCost': { section: 'integrity', text: 'Issue 15 — integrity: 16 writers’ appends with the chain sealer running ≥ 90% of without (same run)' },
  'integrity.verifyRate': { section: 'integrity', text: 'Issue 15 — integrity: `ledger verify` ≥ 100,000 events/s' },
  'soak.errors': { section: 'soak', text: 'Issue 12 — soak (`npm run bench -- soak`, 10 minutes of mixed traffic): errors = 0' },
  'soak.rssSlope': { section: 'soak', text: 'Issue 12 — soak: server RSS slope after warm-up ≤ 1 MB/min' },
  'soak.p99Slope': { section: 'soak', text: 'Issue 12 — soak: p99 latency slope across windows ≤ 1 ms/min' },
  'perf3.makePromise': { section: 'graphql', text: 'Issue 18 — `makePromise` req/s ≥ 0.25× bare Apollo `{ hello }` (same run)' },
  'perf3.makePromiseP99': { section: 'graphql', text: 'Issue 18 — `makePromise` p99 ≤ 3× bare Apollo `{ hello }` p99 (same run)' },
  'perf3.appendEvents': { section: 'graphql', text: 'Issue 18 — `appendEvents`, batches of 1,000, waiting for the read models ≥ 25,000 events/s' },
  'perf3.import': { section: 'import', text: 'Issue 18 — `ledger import` ≥ 0.5× the raw bulk append of the same events (same run)' },
  'perf3.rebuild': { section: 'scale', text: 'Issue 18 — projection rebuild ≥ 0.5× `readAll` of the same log (same run, largest size run)' },
  'perf3.wholeHistoryMonth': { section: 'scale', text: 'Issue 18 — whole-history `errorCosts(groupBy: MONTH)` latency at 1M vs 10k events ≤ 1.5× (`asOf` still exact)' },
  'perf3.ledgerCacheOff': { section: 'graphql', text: 'Issue 18 — customer-ledger query, read cache off, ≥ 0.6× bare Apollo making two PostgreSQL round trips' },
  'perf3.promisesPage': { section: 'graphql', text: 'Issue 18 — `promises` page ≥ 0.6× bare Apollo making two PostgreSQL round trips' },
  'perf3.rss': { section: 'graphql', text: 'Issue 18 — server RSS peak under the batch load < 250 MB' },
  'perf3.storeFloor': { section: 'store', text: 'Issue 18 — store: sequential single-event appends ≥ 0.9× the one-row-INSERT floor (same run)' },
  'perf3.storeBatchEmmett': { section: 'store', text: 'Issue 18 — store: batches of 1,000 events ≥ 3× Emmett (same run)' },
  'perf3.tracingOff': { section: 'graphql', text: 'Issue 18 — tracing off costs nothing measurable: `makePromise` with the OpenTelemetry SDK absent vs present-but-unconfigured within noise (≥ 0.95×)' },
  'perf3.scale10mLedger': { section: 'scale', text: 'Issue 18 — opt-in (`scale --events=10m`): customer-ledger query at 10M vs 10k events ≤ 1.2×' },
  'perf3.scale10mMonth': { section: 'scale', text: 'Issue 18 — opt-in (`scale --events=10m`): `MONTH` error-cost report at 10M vs 10k events ≤ 1.2×' },
} as const satisfies Record<string, { section: SectionName | undefined; text: string }>;
export type TargetId = keyof typeof TARGETS;

export interface TargetResult {
  id: TargetId;
  verdict: Verdict;
  measured: string;
}

export interface SectionResult {
  figures: Figure[];
  targets: TargetResult[];
  /** Sentences for the notes under the tables: how it was measured, what was not available. */
  notes: string[];
}

export const emptyResult = (): SectionResult => ({ figures: [], targets: [], notes: [] });

export const judge = (id: TargetId, met: boolean, measured: string): TargetResult => ({ id, verdict: met ? 'met' : 'missed', measured });

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';

export const fmtMs = (ms: number): string => (Number.isFinite(ms) ? `${ms < 10 ? fmt(ms, 2) : ms < 100 ? fmt(ms, 1) : fmt(ms)} ms` : '—');

/** A ratio with enough digits to be read: 3.1×, 0.57×, 0.012×. */
export const fmtX = (ratio: number): string =>
  Number.isFinite(ratio) ? `${fmt(ratio, ratio >= 10 ? 0 : ratio >= 0.1 ? 2 : ratio >= 0.001 ? 3 : 5)}×` : '—';

export const fmtRatio = (ours: number, baseline: number, what: string): string => (baseline > 0 ? `${fmtX(ours / baseline)} ${what}` : '—');

/** "1,234 ev/s, p50 0.81 ms, p99 2.40 ms" */
export const fmtRate = (s: Summary, unit = 'ev/s'): string => `${fmt(s.eventsPerSecond)} ${unit}, p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)}`;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function figuresTable(figures: readonly Figure[]): string {
  const lines = ['| section | measurement | ours | baseline (same run) | ours / baseline |', '|---|---|---|---|---|'];
  for (const f of figures) lines.push(`| ${f.section} | ${cell(f.name)} | ${cell(f.ours)} | ${cell(f.baseline)} | ${cell(f.ratio)} |`);
  return lines.join('\n');
}

/** Every target, whether or not its section ran. */
export function targetsTable(results: readonly TargetResult[]): string {
  const lines = ['| target | measured | verdict |', '|---|---|---|'];
  for (const [id, target] of Object.entries(TARGETS) as [TargetId, (typeof TARGETS)[TargetId]][]) {
    const result = results.find((r) => r.id === id);
    const verdict = result?.verdict ?? 'not run';
    lines.push(`| ${cell(target.text)} | ${cell(result?.measured ?? '—')} | ${verdict === 'met' ? '**met**' : verdict === 'missed' ? '**missed**' : verdict} |`);
  }
  return lines.join('\n');
}
