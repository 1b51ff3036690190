// Issue 12, "no input may stop the ledger": every query, mutation and subscription field of the
// running server's schema, fed valid, strange and mistyped values, and HTTP requests no schema
// describes. Fixed seed; FUZZ_RUNS / FUZZ_SEED for a longer or another run (`npm run fuzz`).
import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';
import { codesOf, httpOddities, judgeAnswer, type Answer } from '../fuzz/fuzz-oracle.js';
import { DeepJson, INTROSPECTION_QUERY, OperationGenerator, readSchema, type FuzzSchema, type GraphQLCase, type ObjectPool, toRequestBody } from '../fuzz/schema-fuzz.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 4_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

// No deadline watcher: the event-store head then moves only when a request appends.
const server = useLedgerServer({ LEDGER_RUN_DEADLINE_WATCHER: 'false', LEDGER_RATE_LIMIT_PER_MINUTE: '10000000' });
let schema: FuzzSchema;
const pool: ObjectPool = { customers: [], promises: [], errors: [], calendars: [], cursors: [], webhooks: [], webhookDeliveries: [] };

async function ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await gql<T>(server.baseUrl, query, variables);
  if (res.errors) throw new Error(`${query}: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

const head = async () => (await ok<{ eventStoreHead: string }>('{ eventStoreHead }')).eventStoreHead;

async function send(request: { method: string; path: string; headers: Record<string, string>; body?: string | Uint8Array }): Promise<Answer> {
  try {
    const res = await fetch(`${server.baseUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(20_000) });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    return { status: 599, text: `no answer: ${(error as Error).message}` };
  }
}

/** Real customers, promises in every state, errors and cursors: transitions hit existing streams too. */
async function seedPool(): Promise<void> {
  // Webhooks to a closed port on loopback: their deliveries stay PENDING (retried). The first two
  // may be deleted by the run; the deliveries to retry are the third's, which stays active.
  const webhooks: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await ok('mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } } }', { i: { url: `http://127.0.0.1:9/fuzz-${i}`, events: ['PROMISE_MADE'] } });
    webhooks.push(created.createWebhook.webhook.id);
  }
  pool.webhooks.push(webhooks[0]!, webhooks[1]!);
  for (const kind of ['DISTRIBUTOR', 'RESELLER', 'END_USER']) {
    pool.customers.push((await ok('mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { name: `Fuzz ${kind}`, kind } })).registerCustomer.id);
  }
  const [customerId] = pool.customers;
  const promise = async (input: Record<string, unknown> = {}) =>
    (await ok('mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', { i: { customerId, kind: 'DELIVERY', description: 'fuzz seed', dueBy: iso(7 * DAY), ...input } })).makePromise
      .id as string;
  for (let i = 0; i < 4; i++) pool.promises.push(await promise());
  // Issue 16: a calendar, a promise on it, and a paused promise (so resumes have something to resume).
  await ok('mutation($i: SetBusinessCalendarInput!) { setBusinessCalendar(input: $i) { id } }', {
    i: { id: 'fuzz-office', name: 'Fuzz office', timeZone: 'Europe/Berlin', hours: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((day) => ({ day, opens: '09:00', closes: '17:00' })) },
  });
  pool.calendars.push('fuzz-office');
  pool.promises.push(await promise({ dueBy: undefined, calendarId: 'fuzz-office', dueInBusinessHours: 16 }));
  for (let i = 0; i < 2; i++) {
    const id = await promise();
    await ok('mutation($i: PausePromiseInput!) { pausePromise(input: $i) { id } }', { i: { id, reason: 'waiting on the customer' } });
    pool.promises.push(id);
  }
  pool.promises.push(await promise({ madeAt: iso(-3 * DAY), dueBy: iso(-DAY) }));
  const transitions: [string, string, Record<string, unknown>][] = [
    ['keepPromise', 'KeepPromiseInput', { evidence: 'POD' }],
    ['breakPromise', 'BreakPromiseInput', { reason: 'truck' }],
    ['releasePromise', 'ReleasePromiseInput', { reason: 'dropped' }],
  ];
  for (const [mutation, type, input] of transitions) {
    const id = await promise();
    await ok(`mutation($i: ${type}!) { ${mutation}(input: $i) { id } }`, { i: { id, ...input } });
    pool.promises.push(id);
  }
  for (let i = 0; i < 3; i++) {
    pool.errors.push((await ok('mutation($i: RecordErrorInput!) { recordError(input: $i) { id } }', { i: { customerId, type: 'BILLING', reference: `INV-${i}` } })).recordError.id);
  }
  await ok('mutation($i: ResolveErrorInput!) { resolveError(input: $i) { id } }', { i: { id: pool.errors[1], resolution: 'credit note' } });
  await ok('mutation($i: VoidErrorInput!) { voidError(input: $i) { id } }', { i: { id: pool.errors[2], reason: 'twice' } });
  for (let i = 0; i < 50 && pool.webhookDeliveries.length === 0; i++) {
    const listed = await ok('{ webhooks { id deliveries(first: 5) { nodes { id } } } }');
    const kept = listed.webhooks.find((w: { id: string }) => w.id === webhooks[2]);
    pool.webhookDeliveries.push(...kept.deliveries.nodes.map((d: { id: string }) => d.id));
    if (pool.webhookDeliveries.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  const pages = await ok(`query($c: ID!) {
    promises(first: 1) { pageInfo { endCursor } } customers(first: 1) { pageInfo { endCursor } }
    customer(id: $c) { timeline(first: 1) { pageInfo { endCursor } } errors(first: 1) { pageInfo { endCursor } } promises(first: 1) { pageInfo { endCursor } } } }`, { c: customerId });
  pool.cursors.push(
    ...[pages.promises, pages.customers, pages.customer.timeline, pages.customer.errors, pages.customer.promises].map((c: { pageInfo: { endCursor: string } }) => c.pageInfo.endCursor),
  );
}

beforeAll(async () => {
  schema = readSchema(await ok(INTROSPECTION_QUERY));
  await seedPool();
}, 60_000);

/** Failures grouped by what went wrong where, each with the smallest request that showed it. */
class Findings {
  private readonly groups = new Map<string, { count: number; size: number; request: string; answer: string }>();

  add(where: string, problems: string[], request: unknown, answer: Answer): void {
    for (const problem of problems) {
      const key = `${where}: ${problem} [HTTP ${answer.status}, codes ${codesOf(answer.text)}]`;
      const shown = describeValue(request);
      const group = this.groups.get(key);
      if (!group) this.groups.set(key, { count: 1, size: shown.length, request: shown, answer: answer.text.slice(0, 400) });
      else {
        group.count++;
        if (shown.length < group.size) Object.assign(group, { size: shown.length, request: shown, answer: answer.text.slice(0, 400) });
      }
    }
  }

  /** One line per kind of failure, to read in the test output (empty when all went well). */
  report(): string[] {
    return [...this.groups.entries()].map(([key, g]) => `${key} — ${g.count} case(s); smallest request: ${g.request} — answer: ${g.answer}`);
  }
}

/** A request made readable: long strings and deep nesting summarised, odd characters escaped. */
function describeValue(value: unknown): string {
  const walk = (v: unknown, depth: number): unknown => {
    if (v instanceof DeepJson) return `…(JSON nested ${v.depth} levels of ${v.inLists ? 'lists' : 'objects'})`;
    if (typeof v === 'string') return v.length > (depth === 1 ? 3_000 : 80) ? `${v.slice(0, 40)}…(${v.length} chars)` : v;
    if (v === null || typeof v !== 'object') return v;
    if (depth > 8) {
      let levels = 0;
      for (let x: unknown = v; x && typeof x === 'object'; x = Array.isArray(x) ? x[0] : Object.values(x)[0]) levels++;
      return `…(${levels} more levels of ${Array.isArray(v) ? 'lists' : 'objects'})`;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  return JSON.stringify(walk(value, 0));
}

async function healthAfterwards(): Promise<string[]> {
  const problems: string[] = [];
  const health = await send({ method: 'GET', path: '/health', headers: {} });
  if (health.status !== 200) problems.push(`/health answered HTTP ${health.status}: ${health.text}`);
  else if ((JSON.parse(health.text) as { status?: string }).status !== 'ok') problems.push(`/health is not ok: ${health.text}`);
  const started = Date.now();
  const made = await gql(server.baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id status } }', {
    i: { customerId: pool.customers[0], kind: 'SERVICE', description: 'after the fuzz', dueBy: iso(DAY) },
  });
  if (made.errors || made.data?.makePromise?.status !== 'OPEN') problems.push(`makePromise after the run failed: ${JSON.stringify(made.errors)}`);
  if (Date.now() - started > 2_000) problems.push(`makePromise after the run took ${Date.now() - started} ms`);
  return problems;
}

/** What the server logged at error level or above (pino: 50, 60) since `from`: one line per kind. */
function errorLogLines(from: number): string[] {
  const kinds = new Map<string, number>();
  for (const line of server.api.output().slice(from).split('\n')) {
    if (!/"level":\s*(50|60)\b/.test(line)) continue;
    let kind = line.slice(0, 200);
    try {
      const entry = JSON.parse(line) as { context?: string; msg?: string; err?: { type?: string; message?: string; stack?: string } };
      kind = `${entry.context ?? ''} ${entry.err?.type ?? ''}: ${(entry.err?.message ?? entry.msg ?? '').slice(0, 60)}${entry.err?.stack ? ' (with stack)' : ''}`;
    } catch {
      // not JSON: the line itself
    }
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds.entries()].map(([kind, n]) => `logged at error level ${n}×: ${kind}`);
}

describe('fuzzing the HTTP edge', () => {
  it('answers every malformed or unexpected request below 500, without internal errors or stacks, each refusal coded', async () => {
    const findings = new Findings();
    const logFrom = server.api.output().length;
    const mutation = `mutation { registerCustomer(input: { name: "by GET", kind: DISTRIBUTOR }) { id } }`;
    for (const request of httpOddities(mutation)) {
      const before = await head();
      const answer = await send(request);
      const problems = judgeAnswer(answer, request.graphqlShaped);
      if ((await head()) !== before) problems.push('a refused request appended events');
      findings.add(`raw: ${request.label}`, problems, { method: request.method, path: request.path.slice(0, 200), body: typeof request.body === 'string' ? request.body : request.body && `<${request.body.length} bytes>` }, answer);
    }
    const customers = await ok<{ customers: { nodes: { name: string }[] } }>('{ customers(first: 500) { nodes { name } } }');
    expect(customers.customers.nodes.map((c) => c.name)).not.toContain('by GET');
    expect([...findings.report(), ...(await healthAfterwards()), ...errorLogLines(logFrom)]).toEqual([]);
  });
});

describe('fuzzing every operation of the schema', () => {
  it(`answers ${RUNS} generated operations (seed ${SEED}) without a 5xx or an internal error; a refused mutation appends nothing`, async () => {
    const findings = new Findings();
    const logFrom = server.api.output().length;
    const valid = new OperationGenerator(schema, pool, 'valid');
    const mixed = new OperationGenerator(schema, pool, 'mixed');
    const sent = new Map<string, number>();
    const succeeded = new Map<string, number>();
    const creates: Record<string, keyof ObjectPool> = { registerCustomer: 'customers', makePromise: 'promises', recordError: 'errors', setBusinessCalendar: 'calendars' };

    const runCase = async (c: GraphQLCase) => {
      const name = `${c.kind} ${c.field}`;
      sent.set(name, (sent.get(name) ?? 0) + 1);
      const before = c.kind === 'query' ? undefined : await head();
      const request = { query: c.query, variables: c.variables };
      const answer = await send({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: toRequestBody(request) });
      const problems = judgeAnswer(answer, true);
      let body: { data?: Record<string, any> | null; errors?: { path?: (string | number)[] }[] } = {};
      try {
        body = JSON.parse(answer.text);
      } catch {
        // judged above
      }
      const results = c.aliases.map((a) => body.data?.[a]).filter((r) => r !== null && r !== undefined);
      if (results.length) succeeded.set(name, (succeeded.get(name) ?? 0) + 1);
      const created = creates[c.field];
      if (created) for (const r of results) if (typeof r.id === 'string') pool[created].push(r.id);
      if (before !== undefined) {
        // A root field was refused when an error names it. Mutation fields are non-null and run one
        // after the other: one refused alias nulls the whole answer, also for the aliases before it
        // that ran, and a field of a selection that fails after its mutation ran does the same.
        const errors = body.errors ?? [];
        const executed = body.data !== undefined && errors.every((e) => e.path?.length);
        const refused = (alias: string) => errors.some((e) => e.path?.length === 1 && e.path[0] === alias);
        const mayHaveAppended = c.aliases.some(
          (a) => (body.data?.[a] != null || (executed && !refused(a))) && (c.field !== 'appendEvents' || body.data?.[a]?.appended !== 0),
        );
        const after = await head();
        if (!mayHaveAppended && after !== before) problems.push(`refused ${c.kind} moved the event-store head ${before} → ${after}`);
      }
      findings.add(name, problems, request, answer);
    };

    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 1, arbitrary: valid.anyOperation() }, { weight: 3, arbitrary: mixed.anyOperation() }), async (c) => {
        try {
          await runCase(c);
        } catch (error) {
          findings.add(`${c.kind} ${c.field}`, [`the fuzzer could not judge the answer: ${(error as Error).message}`], { query: c.query, variables: c.variables }, { status: 0, text: '' });
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const seconds = (Date.now() - started) / 1_000;
    console.log(
      `fuzz: ${RUNS} operations in ${seconds.toFixed(1)} s (seed ${SEED}); answered with data per field:\n` +
        [...sent.entries()].map(([name, n]) => `  ${name}: ${succeeded.get(name) ?? 0}/${n}`).join('\n'),
    );

    const everyField = [
      ...schema.roots.query.map((f) => `query ${f.name}`),
      ...schema.roots.mutation.map((f) => `mutation ${f.name}`),
      ...schema.roots.subscription.map((f) => `subscription ${f.name}`),
    ];
    expect(everyField.filter((name) => !sent.has(name))).toEqual([]);
    // Valid values reach every query and mutation, not only the refusals.
    expect(everyField.filter((name) => !name.startsWith('subscription') && !succeeded.has(name))).toEqual([]);
    expect([...findings.report(), ...(await healthAfterwards()), ...errorLogLines(logFrom)]).toEqual([]);
  }, 60_000 + RUNS * 200);
});
