import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNode, startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const KEYS = { AGENT: 'agent-key-0001', FINANCE: 'finance-key-0001', INTEGRATION: 'integration-key-0001', ADMIN: 'admin-key-0001' };
type Role = keyof typeof KEYS;
const ROLES = Object.keys(KEYS) as Role[];

// Each root operation, called so that it passes the guard and then fails harmlessly (or succeeds).
const OPERATIONS: Record<string, { query: string; roles: Role[] }> = {
  eventStoreHead: { query: '{ eventStoreHead }', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'] },
  viewer: { query: '{ viewer { role } }', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'] },
  customer: { query: '{ customer(id: "nobody") { id } }', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'] },
  customers: { query: '{ customers { totalCount } }', roles: ['AGENT', 'FINANCE', 'ADMIN'] },
  searchCustomers: { query: '{ searchCustomers(text: "nobody") { id email } }', roles: ['AGENT', 'FINANCE', 'ADMIN'] },
  promise: { query: '{ promise(id: "nothing") { id } }', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'] },
  promises: { query: '{ promises { totalCount } }', roles: ['AGENT', 'FINANCE', 'ADMIN'] },
  errorIncident: { query: '{ errorIncident(id: "nothing") { id } }', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'] },
  brandLedger: { query: '{ brandLedger { made } }', roles: ['AGENT', 'FINANCE', 'ADMIN'] },
  errorCosts: { query: '{ errorCosts(groupBy: MONTH) { key } }', roles: ['FINANCE', 'ADMIN'] },
  errorCostForecast: { query: '{ errorCostForecast { windowDays } }', roles: ['FINANCE', 'ADMIN'] },
  errorCostPolicies: { query: '{ errorCostPolicies { customerKind } }', roles: ['FINANCE', 'ADMIN'] },
  registerCustomer: { query: 'mutation { registerCustomer(input: { name: "", kind: RESELLER }) { id } }', roles: ['AGENT', 'ADMIN'] },
  makePromise: {
    query: 'mutation { makePromise(input: { customerId: "nobody", kind: OTHER, description: "x", dueBy: "2099-01-01T00:00:00Z" }) { id } }',
    roles: ['AGENT', 'ADMIN'],
  },
  amendPromise: { query: 'mutation { amendPromise(input: { id: "nothing", dueBy: "2099-01-01T00:00:00Z", reason: "x" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  keepPromise: { query: 'mutation { keepPromise(input: { id: "nothing" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  breakPromise: { query: 'mutation { breakPromise(input: { id: "nothing", reason: "x" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  releasePromise: { query: 'mutation { releasePromise(input: { id: "nothing", reason: "x" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  fulfilPromiseLate: { query: 'mutation { fulfilPromiseLate(input: { id: "nothing" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  recordError: { query: 'mutation { recordError(input: { customerId: "nobody", type: BILLING }) { id } }', roles: ['AGENT', 'ADMIN'] },
  resolveError: { query: 'mutation { resolveError(input: { id: "nothing", resolution: "x" }) { id } }', roles: ['FINANCE', 'ADMIN'] },
  voidError: { query: 'mutation { voidError(input: { id: "nothing", reason: "x" }) { id } }', roles: ['FINANCE', 'ADMIN'] },
  businessCalendars: { query: '{ businessCalendars { id } }', roles: ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'] },
  setBusinessCalendar: {
    query: 'mutation { setBusinessCalendar(input: { id: "cal", name: "x", timeZone: "Mars/Base", hours: [] }) { id } }',
    roles: ['FINANCE', 'ADMIN'],
  },
  pausePromise: { query: 'mutation { pausePromise(input: { id: "nothing", reason: "x" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  resumePromise: { query: 'mutation { resumePromise(input: { id: "nothing" }) { id } }', roles: ['AGENT', 'ADMIN'] },
  verifyLedger: { query: '{ verifyLedger(upTo: "0") { verified } }', roles: ['ADMIN'] },
  setErrorCostPolicy: {
    query: 'mutation { setErrorCostPolicy(input: { customerKind: RESELLER, errorType: BILLING, costPerError: { amount: "x", currency: "USD" }, effectiveFrom: "2020-01-01T00:00:00Z" }) { customerKind } }',
    roles: ['FINANCE', 'ADMIN'],
  },
  webhooks: { query: '{ webhooks { id deliveries { totalCount } } }', roles: ['ADMIN'] },
  createWebhook: { query: 'mutation { createWebhook(input: { url: "not a url", events: [PROMISE_BROKEN] }) { secret } }', roles: ['ADMIN'] },
  deleteWebhook: { query: 'mutation { deleteWebhook(id: "nothing") }', roles: ['ADMIN'] },
  retryWebhookDelivery: { query: 'mutation { retryWebhookDelivery(id: "nothing") { id } }', roles: ['ADMIN'] },
};

let db: TestDatabase;
let api: ApiProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startApi({
    DATABASE_URL: db.url,
    LEDGER_API_KEYS: ROLES.map((role) => `${role}:${KEYS[role]}`).join(','),
  });
});

afterAll(async () => {
  await api?.stop();
  await db?.drop();
});

const as = (role: Role) => ({ authorization: `Bearer ${KEYS[role]}` });

describe('role matrix (README): every operation for every role', () => {
  const cells = Object.entries(OPERATIONS).flatMap(([name, op]) => ROLES.map((role) => [name, role, op.roles.includes(role)] as const));
  it.each(cells)('%s as %s: allowed = %p', async (name, role, allowed) => {
    const res = await gql(api.baseUrl, OPERATIONS[name]!.query, undefined, as(role));
    const code = res.errors?.[0]?.extensions?.code;
    if (allowed) expect(['FORBIDDEN', 'UNAUTHENTICATED', 'INTERNAL_SERVER_ERROR']).not.toContain(code);
    else expect(code).toBe('FORBIDDEN');
  });
});

describe('authentication', () => {
  it('refuses a request without a key, or with an unknown one, with UNAUTHENTICATED', async () => {
    expect((await gql(api.baseUrl, '{ eventStoreHead }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await gql(api.baseUrl, '{ eventStoreHead }', undefined, { authorization: 'Bearer not-a-key' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const malformed = await gql(api.baseUrl, '{ eventStoreHead }', undefined, { authorization: KEYS.ADMIN });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts keys made with `ledger keys create`, and refuses them once revoked', async () => {
    const env = { DATABASE_URL: db.url };
    const created = await runNode('bin/ledger.js', ['keys', 'create', '--role', 'FINANCE', '--name', 'alice'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^pl_[\w-]{32}$/);
    const ok = await gql(api.baseUrl, '{ errorCostPolicies { customerKind } }', undefined, { authorization: `Bearer ${key}` });
    expect(ok.errors).toBeUndefined();

    const list = await runNode('bin/ledger.js', ['keys', 'list'], env);
    expect(list.stdout).toMatch(/FINANCE\s+alice\s+.*active/);
    expect(list.stdout).not.toContain(key);

    expect((await runNode('bin/ledger.js', ['keys', 'revoke', 'alice'], env)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 5_500)); // the server caches a key for 5 s
    const refused = await gql(api.baseUrl, '{ eventStoreHead }', undefined, { authorization: `Bearer ${key}` });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await runNode('bin/ledger.js', ['keys', 'revoke', 'alice'], env)).code).not.toBe(0);
  });
});

describe('limits', () => {
  it('refuses a 20-level nested query with BAD_USER_INPUT before running it', async () => {
    let selection = 'id';
    for (let i = 0; i < 7; i++) selection = `customer { promises { nodes { ${selection} } } }`;
    const query = `{ promise(id: "x") { ${selection} } }`;
    const started = Date.now();
    const res = await gql(api.baseUrl, query, undefined, as('ADMIN'));
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a 10,000-alias query with BAD_USER_INPUT within milliseconds', async () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: eventStoreHead`).join(' ')} }`;
    const started = Date.now();
    const res = await gql(api.baseUrl, query, undefined, as('ADMIN'));
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses nested pages whose product is too large', async () => {
    const query = '{ customers(first: 500) { nodes { promises(first: 500) { nodes { id customer { id } } } } } }';
    const res = await gql(api.baseUrl, query, undefined, as('ADMIN'));
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/too complex/);
  });

  it('weighs an operation by its variables, each time (a cheap run does not let an expensive one through)', async () => {
    const query = 'query($n: Int) { customers(first: 500) { nodes { promises(first: $n) { nodes { id customer { id } } } } } }';
    expect((await gql(api.baseUrl, query, { n: 1 }, as('ADMIN'))).errors).toBeUndefined();
    const expensive = await gql(api.baseUrl, query, { n: 500 }, as('ADMIN'));
    expect(expensive.errors?.[0]?.message).toMatch(/too complex/);
    expect((await gql(api.baseUrl, query, { n: 1 }, as('ADMIN'))).errors).toBeUndefined();
  });

  it('weighs @include and @skip conditions given as variables, each time', async () => {
    const query =
      'query($deep: Boolean!, $shallow: Boolean!) { customers(first: 500) { nodes { id ' +
      'promises(first: 500) @include(if: $deep) { nodes { id customer { id } } } ' +
      'errors: promises(first: 500) @skip(if: $shallow) { nodes { id customer { id } } } } } }';
    const ask = (deep: boolean, shallow: boolean) => gql(api.baseUrl, query, { deep, shallow }, as('ADMIN'));
    expect((await ask(false, true)).errors).toBeUndefined();
    expect((await ask(true, true)).errors?.[0]?.message).toMatch(/too complex/);
    expect((await ask(false, false)).errors?.[0]?.message).toMatch(/too complex/);
    expect((await ask(false, true)).errors).toBeUndefined();
  });

  it('refuses a body over the limit without a 5xx', async () => {
    const res = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as('ADMIN') },
      body: JSON.stringify({ query: '{ eventStoreHead }', variables: { pad: 'x'.repeat(7 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('rate limit', () => {
  it('answers RATE_LIMITED once a key exceeds its operations per minute', async () => {
    const limited = await startApi({ DATABASE_URL: db.url, LEDGER_API_KEYS: `AGENT:${KEYS.AGENT}`, LEDGER_RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await gql(limited.baseUrl, '{ eventStoreHead }', undefined, as('AGENT'));
        codes.push(res.errors?.[0]?.extensions?.code as string | undefined);
      }
      expect(codes.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(codes.slice(5)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await limited.stop();
    }
  });
});
