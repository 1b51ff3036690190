import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rssMb, startApi } from './api-process.js';
import { scratchDatabase } from './bench-database.js';
import { gql } from './graphql-client.js';
import { load, type LoadResult } from './http-load.js';
import { emptyResult, fmt, fmtMs, fmtX, judge, type SectionResult } from './report.js';

const CREATE = 'mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }';
const APPEND = 'mutation($i: AppendEventsInput!) { appendEvents(input: $i, awaitReadModels: false) { appended rejected } }';
const DELETE = 'mutation($id: ID!) { deleteWebhook(id: $id) }';
const MAKE_PROMISE = 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id status } }';
const FUTURE = '2099-01-01T00:00:00.000Z';
const CONNECTIONS = 10;

/** A receiver on 127.0.0.1: answers 204 at once (`live`) or never (`black hole`), counting distinct webhook-ids. */
async function receiver(answer: boolean): Promise<{ url: string; ids: Set<string>; close(): Promise<void> }> {
  const ids = new Set<string>();
  const server = http.createServer((req, res) => {
    ids.add(String(req.headers['webhook-id']));
    req.resume();
    if (answer) req.on('end', () => res.writeHead(204).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    ids,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Webhooks (issue 17): deliveries per second from the log to a receiver on loopback (the same
 * events' append rate beside it), and `makePromise` p99 without and then with a webhook whose
 * receiver never answers, on one API process.
 */
export async function webhooksBench(serverUrl: string, options: { quick: boolean; log: (m: string) => void }): Promise<SectionResult> {
  const result = emptyResult();
  const db = await scratchDatabase(serverUrl, 'webhooks');
  const live = await receiver(true);
  const hole = await receiver(false);
  const api = await startApi(db.url);
  try {
    const customers = 50;
    await gql(api.url, APPEND, {
      i: { source: 'bench-customers', events: Array.from({ length: customers }, (_, c) => ({ externalId: `c${c}`, type: 'CUSTOMER_REGISTERED', payload: { id: `c${c}`, name: `Customer ${c}`, kind: 'DISTRIBUTOR' } })) },
    });

    // Deliveries per second: N promises appended in batches, each a PROMISE_MADE delivery.
    const liveHook = (await gql(api.url, CREATE, { i: { url: live.url, events: ['PROMISE_MADE'] } })).createWebhook.webhook.id as string;
    const deliveries = options.quick ? 2_000 : 10_000;
    const started = performance.now();
    for (let i = 0; i < deliveries; i += 1_000) {
      const events = Array.from({ length: Math.min(1_000, deliveries - i) }, (_, k) => {
        const id = `d${i + k}`;
        return { externalId: id, type: 'PROMISE_MADE', payload: { id, customerId: `c${(i + k) % customers}`, kind: 'DELIVERY', description: 'bench', dueBy: FUTURE } };
      });
      await gql(api.url, APPEND, { i: { source: 'bench-deliveries', events } });
    }
    const appendedMs = performance.now() - started;
    const deadline = Date.now() + 300_000;
    while (live.ids.size < deliveries && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const deliveredMs = performance.now() - started;
    if (live.ids.size < deliveries) throw new Error(`only ${live.ids.size} of ${deliveries} deliveries arrived within 5 minutes`);
    const perSecond = deliveries / (deliveredMs / 1_000);
    const appendPerSecond = deliveries / (appendedMs / 1_000);
    result.figures.push({
      section: 'webhooks',
      name: `webhook deliveries to a receiver on loopback (${fmt(deliveries)} events, one webhook, signed, each recorded DELIVERED)`,
      ours: `${fmt(perSecond)} deliveries/s`,
      baseline: `the same events appended: ${fmt(appendPerSecond)} events/s`,
      ratio: `${fmtX(perSecond / appendPerSecond)} events/s`,
    });
    options.log(`webhooks: ${fmt(perSecond)} deliveries/s`);

    await gql(api.url, DELETE, { id: liveHook });

    // makePromise p99 without and with a black-hole webhook, on one process and database, in
    // alternating rounds (the machine's other load falls on both alike); the median round counts.
    let n = 0;
    const body = () =>
      JSON.stringify({ query: MAKE_PROMISE, variables: { i: { customerId: `c${n++ % customers}`, kind: 'SERVICE', description: `call back ${n}`, dueBy: FUTURE } } });
    const seconds = options.quick ? 3 : 10;
    const rounds = 3;
    const check = (json: { data?: { makePromise?: { status?: string } } }) => (json?.data?.makePromise?.status === 'OPEN' ? undefined : 'not an open promise');
    await load({ url: api.url, connections: CONNECTIONS, seconds: 2, body }); // warm-up
    const withoutRuns: LoadResult[] = [];
    const withRuns: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      withoutRuns.push(await load({ url: api.url, connections: CONNECTIONS, seconds, body, check, pid: api.pid }));
      const holeHook = (await gql(api.url, CREATE, { i: { url: hole.url, events: ['PROMISE_MADE'] } })).createWebhook.webhook.id as string;
      withRuns.push(await load({ url: api.url, connections: CONNECTIONS, seconds, body, check, pid: api.pid }));
      await gql(api.url, DELETE, { id: holeHook });
    }
    const median = (runs: LoadResult[]) => [...runs].sort((a, b) => a.p99 - b.p99)[Math.floor(runs.length / 2)]!;
    const without = median(withoutRuns);
    const withHole = median(withRuns);
    const errors = [...withoutRuns, ...withRuns].reduce((sum, r) => sum + r.errors, 0);
    result.figures.push({
      section: 'webhooks',
      name: `\`makePromise\` with a webhook whose receiver never answers (${CONNECTIONS} connections, median of ${rounds} alternating rounds of ${seconds} s)`,
      ours: `p99 ${fmtMs(withHole.p99)}, ${fmt(withHole.rps)} req/s (${fmt(hole.ids.size)} deliveries held open)`,
      baseline: `without it: p99 ${fmtMs(without.p99)}, ${fmt(without.rps)} req/s`,
      ratio: `${fmtX(withHole.p99 / without.p99)} p99`,
    });
    result.targets.push(
      judge(
        'webhooks.blackHole',
        errors === 0 && withHole.p99 <= without.p99 * 1.2 + 2,
        `p99 ${fmtMs(withHole.p99)} with vs ${fmtMs(without.p99)} without${errors ? `; ${errors} errors (${[...withoutRuns, ...withRuns].map((r) => r.errorKinds).filter(Boolean).join(', ')})` : ''}; server RSS ${fmt(rssMb(api.pid))} MB`,
      ),
    );
    result.notes.push(
      'webhooks: deliveries are timed from the first append to the last webhook-id arriving at the receiver (fan-out from the log, claim, sign, POST, record); the black-hole receiver accepts connections and never answers, so each of its attempts holds a connection for the 10 s timeout.',
    );
  } finally {
    await api.stop();
    await live.close();
    await hole.close();
    await db.drop();
  }
  return result;
}
