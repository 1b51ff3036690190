// Soak (issue 12): mixed traffic against one API for 10 minutes (30 s with --quick) — promises made,
// kept and broken, reads, ERP batches, errors recorded, two live subscriptions — counting every
// error and fitting a line through the server's memory and through each window's p99 latency. A
// leak or a slowly filling queue shows as a slope, long before it stops the ledger.
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { BENCH_KEY, AUTH_HEADERS, rssMb, startApi, type ApiProcess } from './api-process.js';
import { scratchDatabase } from './bench-database.js';
import { gql } from './graphql-client.js';
import { percentile } from './measure.js';
import { emptyResult, fmt, fmtMs, judge, type SectionResult, type TargetResult } from './report.js';

export interface SoakOptions {
  quick: boolean;
  log: (message: string) => void;
  /** Overrides the duration (SOAK_SECONDS). */
  seconds?: number;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

interface Outcome {
  at: number;
  ms: number;
  operation: string;
  error?: string;
}

const WORKERS = 6;
const DUE = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

export async function soakBench(serverUrl: string, options: SoakOptions): Promise<SectionResult> {
  const result = emptyResult();
  const seconds = options.seconds ?? (Number(process.env.SOAK_SECONDS) || (options.quick ? 30 : 600));
  const windowSeconds = seconds >= 300 ? 60 : Math.max(3, Math.round(seconds / 6));
  const db = await scratchDatabase(serverUrl, 'soak');
  let api: ApiProcess | undefined;
  const subscriptions: Client[] = [];
  try {
    api = await startApi(db.url);
    const url = api.url;
    const customers: string[] = [];
    for (let i = 0; i < 20; i++) {
      customers.push((await gql(url, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { name: `Soak ${i}`, kind: i % 2 ? 'DISTRIBUTOR' : 'RESELLER' } })).registerCustomer.id);
    }

    // Two live subscriptions for the whole run: a customer's ledger and every broken promise.
    let pushed = 0;
    const subscriptionErrors: string[] = [];
    for (const [query, variables] of [
      ['subscription($c: ID!) { ledgerChanged(customerId: $c) { made kept broken } }', { c: customers[0] }],
      ['subscription { promiseBroken { id status } }', {}],
    ] as const) {
      const client = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${BENCH_KEY}` }, retryAttempts: 0 });
      subscriptions.push(client);
      client.subscribe(
        { query, variables },
        {
          next: (value) => (value.errors ? subscriptionErrors.push(JSON.stringify(value.errors).slice(0, 200)) : pushed++),
          error: (error) => subscriptionErrors.push(`subscription ended with an error: ${JSON.stringify(error).slice(0, 200)}`),
          complete: () => undefined,
        },
      );
    }

    const outcomes: Outcome[] = [];
    const rss: { x: number; y: number }[] = [];
    const started = Date.now();
    const minutes = () => (Date.now() - started) / 60_000;
    const sampler = setInterval(() => rss.push({ x: minutes(), y: rssMb(api!.pid) }), 1_000);
    const call = async (operation: string, query: string, variables: Record<string, unknown>, check?: (data: any) => string | undefined) => {
      const at = Date.now();
      let error: string | undefined;
      try {
        const response = await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30_000) });
        const text = await response.text();
        if (!response.ok) error = `HTTP ${response.status}: ${text.slice(0, 200)}`;
        else {
          const json = JSON.parse(text) as { data?: any; errors?: unknown[] };
          error = json.errors ? JSON.stringify(json.errors).slice(0, 200) : check?.(json.data);
          if (!error) return { data: json.data, ok: true };
        }
      } catch (e) {
        error = (e as Error).message;
      } finally {
        outcomes.push({ at: (at - started) / 60_000, ms: Date.now() - at, operation, error });
      }
      return { data: undefined, ok: false };
    };

    const worker = async (w: number) => {
      const open: string[] = [];
      for (let i = 0; Date.now() - started < seconds * 1_000; i++) {
        const customerId = customers[(w * 7 + i) % customers.length]!;
        const roll = i % 20;
        if (roll < 6 || open.length === 0) {
          const made = await call('makePromise', 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', { i: { customerId, kind: 'DELIVERY', description: `soak ${w}/${i}`, dueBy: DUE() } });
          if (made.ok) open.push(made.data.makePromise.id);
        } else if (roll < 10) {
          const id = open.shift()!;
          if (roll % 2) await call('keepPromise', 'mutation($i: KeepPromiseInput!) { keepPromise(input: $i) { status } }', { i: { id, evidence: 'POD' } });
          else await call('breakPromise', 'mutation($i: BreakPromiseInput!) { breakPromise(input: $i) { status } }', { i: { id, reason: 'soak' } });
        } else if (roll < 16) {
          const query = [
            ['customer ledger', 'query($c: ID!) { customer(id: $c) { ledger { made kept broken keptRate } promises(first: 20) { totalCount nodes { id status } } } }', { c: customerId }],
            ['brandLedger', '{ brandLedger { made kept broken open } }', {}],
            ['promises page', '{ promises(first: 50, filter: { status: OPEN }) { totalCount pageInfo { endCursor } nodes { id dueBy } } }', {}],
            ['errorCosts', '{ errorCosts(groupBy: CUSTOMER_KIND) { key errors cost { amount currency } } }', {}],
            ['timeline', 'query($c: ID!) { customer(id: $c) { timeline(first: 20) { nodes { type summary } } } }', { c: customerId }],
            ['eventStoreHead', '{ eventStoreHead }', {}],
          ][(w + i) % 6] as [string, string, Record<string, unknown>];
          await call(query[0], query[1], query[2]);
        } else if (roll < 18) {
          const events = Array.from({ length: 50 }, (_, k) => ({
            externalId: randomUUID(),
            type: 'PROMISE_MADE',
            payload: { customerId, kind: 'BILLING', description: `erp ${k}`, dueBy: DUE() },
          }));
          await call('appendEvents ×50', 'mutation($i: AppendEventsInput!) { appendEvents(input: $i) { appended rejected } }', { i: { source: `soak-${w}`, events } }, (data) =>
            data.appendEvents.appended === 50 ? undefined : `appendEvents: ${JSON.stringify(data.appendEvents)}`,
          );
        } else {
          await call('recordError', 'mutation($i: RecordErrorInput!) { recordError(input: $i) { id } }', { i: { customerId, type: roll % 2 ? 'BILLING' : 'SHIPPING', reference: `S-${w}-${i}` } });
        }
      }
    };
    const progress = setInterval(() => options.log(`soak: ${fmt((Date.now() - started) / 1_000)} / ${seconds} s, ${outcomes.length} requests, RSS ${fmt(rssMb(api!.pid))} MB`), 60_000);
    try {
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    } finally {
      clearInterval(sampler);
      clearInterval(progress);
    }
    await new Promise((r) => setTimeout(r, 1_000)); // the last pushes

    // Windows of equal length; the first one (warm-up: JIT, pools, caches) is left out of the slopes.
    const windows: { x: number; p99: number; requests: number }[] = [];
    const windowMinutes = windowSeconds / 60;
    for (let start = 0; start + windowMinutes <= seconds / 60 + 1e-9; start += windowMinutes) {
      const inWindow = outcomes.filter((o) => o.at >= start && o.at < start + windowMinutes).map((o) => o.ms).sort((a, b) => a - b);
      if (inWindow.length) windows.push({ x: start + windowMinutes / 2, p99: percentile(inWindow, 99), requests: inWindow.length });
    }
    const steady = windows.slice(1);
    const p99Slope = slope(steady.map((w) => ({ x: w.x, y: w.p99 })));
    const rssSlope = slope(rss.filter((s) => s.x >= windowMinutes));
    const errors = outcomes.filter((o) => o.error);
    const allSorted = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const byOperation = new Map<string, number>();
    for (const o of outcomes) byOperation.set(o.operation, (byOperation.get(o.operation) ?? 0) + 1);

    // Under five minutes the fit mostly measures warm-up (heap growing to its working size): shown, not judged.
    const slopeVerdict = (id: 'soak.rssSlope' | 'soak.p99Slope', value: number, measured: string): TargetResult =>
      seconds >= 300 ? judge(id, value <= 1, measured) : { id, verdict: 'not run', measured: `${measured} (a run under 5 minutes is too short to judge a slope)` };
    const first = steady[0];
    const last = steady[steady.length - 1];
    result.figures.push(
      {
        section: 'soak',
        name: `mixed traffic, ${WORKERS} clients + 2 subscriptions, ${fmt(seconds)} s`,
        ours: `${fmt(outcomes.length)} requests (${fmt(outcomes.length / seconds)} req/s), p50 ${fmtMs(percentile(allSorted, 50))}, p99 ${fmtMs(percentile(allSorted, 99))}, ${errors.length + subscriptionErrors.length} errors, ${pushed} pushes`,
        baseline: '—',
        ratio: '—',
      },
      {
        section: 'soak',
        name: `p99 latency per ${windowSeconds} s window: slope (first window left out)`,
        ours: `${fmt(p99Slope, 2)} ms/min (last window ${first && last ? fmtMs(last.p99) : '—'})`,
        baseline: `first window ${first ? fmtMs(first.p99) : '—'}`,
        ratio: first && last && first.p99 > 0 ? `${fmt(last.p99 / first.p99, 2)}× p99 last/first` : '—',
      },
      {
        section: 'soak',
        name: 'server RSS: slope (first window left out)',
        ours: `${fmt(rssSlope, 2)} MB/min (end ${fmt(rss[rss.length - 1]?.y ?? Number.NaN)} MB)`,
        baseline: `after warm-up ${fmt(rss.find((s) => s.x >= windowMinutes)?.y ?? Number.NaN)} MB`,
        ratio: '—',
      },
    );
    result.targets.push(
      judge('soak.errors', errors.length + subscriptionErrors.length === 0, `${errors.length} failed requests, ${subscriptionErrors.length} subscription errors of ${fmt(outcomes.length)} requests`),
      slopeVerdict('soak.rssSlope', rssSlope, `${fmt(rssSlope, 2)} MB/min over ${fmt(seconds / 60, 1)} min`),
      slopeVerdict('soak.p99Slope', p99Slope, `${fmt(p99Slope, 2)} ms/min over ${steady.length} windows`),
    );
    result.notes.push(
      `soak: ${WORKERS} clients in a loop (per 20 requests: 6 makePromise, 4 keep or break of their own open promises, 6 reads across customer ledger, brand ledger, promises page, error costs, timeline and head, 2 appendEvents of 50, 2 recordError) and 2 graphql-ws subscriptions (ledgerChanged, promiseBroken) against one API for ${fmt(seconds)} s; requests per operation: ${[...byOperation.entries()].map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}. Slopes are least-squares fits: RSS sampled every second from /proc, p99 per ${windowSeconds} s window; the first window is warm-up and left out.`,
    );
    for (const e of [...errors.slice(0, 3).map((o) => `${o.operation}: ${o.error}`), ...subscriptionErrors.slice(0, 2)]) result.notes.push(`soak: error: ${e.replace(/\s+/g, ' ').slice(0, 240)}`);
    return result;
  } finally {
    for (const client of subscriptions) await client.dispose();
    await api?.stop();
    await db.drop();
  }
}
