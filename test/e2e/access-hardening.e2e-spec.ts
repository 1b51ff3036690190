import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { runNode, startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// Access rules that must hold while the server runs, not only when it starts (issue 12).

let db: TestDatabase;
const started: ApiProcess[] = [];

async function api(env: Record<string, string>): Promise<ApiProcess> {
  const process = await startApi({ DATABASE_URL: db.url, ...env });
  started.push(process);
  return process;
}

const createKey = async (role: string, name: string) => {
  const created = await runNode('bin/ledger.js', ['keys', 'create', '--role', role, '--name', name], { DATABASE_URL: db.url });
  expect(created.code).toBe(0);
  return created.stdout.trim();
};
const revokeKey = async (name: string) => expect((await runNode('bin/ledger.js', ['keys', 'revoke', name], { DATABASE_URL: db.url })).code).toBe(0);
const REGISTER = 'mutation { registerCustomer(input: { name: "Walk-in", kind: END_USER }) { id } }';

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const process of started) await process.stop();
  await db?.drop();
});

describe('a server beyond loopback', () => {
  it('refuses everyone (and says why in its log) once its last key is revoked, instead of opening up', async () => {
    const key = await createKey('ADMIN', 'only-key');
    const server = await api({ HOST: '0.0.0.0', LEDGER_ALLOWED_HOSTS: '127.0.0.1' });
    expect((await gql(server.baseUrl, REGISTER, undefined, { authorization: `Bearer ${key}` })).errors).toBeUndefined();

    await revokeKey('only-key');
    await new Promise((r) => setTimeout(r, 5_500)); // the server caches key lookups for 5 s
    const anonymous = await gql(server.baseUrl, REGISTER);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.errors?.[0]?.message).toMatch(/no active API key/);
    expect(anonymous.data ?? null).toBeNull();
    // The log is written asynchronously.
    for (let i = 0; i < 40 && !/refuses every request until one exists/.test(server.output()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(server.output()).toMatch(/refuses every request until one exists/);
  });
});

describe('keys revoked while in use', () => {
  it('closes an open subscription of a revoked key', async () => {
    const key = await createKey('AGENT', 'watcher');
    const server = await api({ LEDGER_API_KEYS: 'ADMIN:admin-key-0001' });
    const client = createClient({
      url: `${server.baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined, // the closing is what this test waits for
    });
    const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.on('error', reject);
    });
    client.subscribe({ query: 'subscription { promiseBroken { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await revokeKey('watcher');
    const code = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still open'), 12_000))]);
    expect(code).toBe(4403);
    await client.dispose();
  });
});

/** A request with a Host header of our choosing (fetch does not let one set it). */
function ask(server: ApiProcess, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: REGISTER });
    const req = request(`${server.baseUrl}${path}`, { method: path === '/health' ? 'GET' : 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(path === '/health' ? undefined : body);
  });
}

describe('errors over graphql-ws', () => {
  it('carry extensions.code like HTTP ones: an invalid subscription and a forbidden one', async () => {
    const server = await api({ LEDGER_API_KEYS: 'INTEGRATION:integration-key-0001' });
    const client = createClient({
      url: `${server.baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer integration-key-0001' },
      retryAttempts: 0,
    });
    const firstErrors = (query: string) =>
      new Promise<{ message: string; extensions?: { code?: string } }[]>((resolve) =>
        client.subscribe(
          { query },
          {
            next: (value) => value.errors && resolve(value.errors as never),
            error: (errors) => resolve(errors as never),
            complete: () => resolve([]),
          },
        ),
      );
    const invalid = await firstErrors('subscription { noSuchField }');
    expect(invalid.length).toBeGreaterThan(0);
    expect(invalid.every((e) => e.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    const forbidden = await firstErrors('subscription { promiseBroken { id } }');
    expect(forbidden.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await client.dispose();
  });
});

describe('Host header (DNS rebinding)', () => {
  it('serves loopback names and refuses others in no-key loopback mode; probes answer any name', async () => {
    const server = await api({});
    const port = new URL(server.baseUrl).port;
    expect((await ask(server, '/graphql', `localhost:${port}`)).status).toBe(200);
    const evil = await ask(server, '/graphql', 'evil.example');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect((await ask(server, '/health', 'evil.example')).status).toBe(200);
  });

  it('refuses a WebSocket opened under another host name', async () => {
    const server = await api({});
    const socket = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { host: 'evil.example' } });
    const code = await new Promise<number>((resolve) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      socket.on('close', (c) => resolve(c));
      socket.on('error', () => resolve(-1));
    });
    expect(code).toBe(4403);
  });
});

describe('rate limits count operations', () => {
  it('counts one operation of 2,000 aliases once, and answers 429 with Retry-After when the key is spent', async () => {
    const server = await api({ LEDGER_API_KEYS: 'AGENT:agent-key-0001', LEDGER_RATE_LIMIT_PER_MINUTE: '3' });
    const auth = { authorization: 'Bearer agent-key-0001' };
    const aliases = `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    for (let i = 0; i < 3; i++) expect((await gql(server.baseUrl, aliases, undefined, auth)).errors).toBeUndefined();
    const res = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query: '{ eventStoreHead }' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
  });

  it('throttles an address that keeps guessing keys, even for the right key afterwards, but not for a key proven before', async () => {
    const server = await api({ LEDGER_API_KEYS: 'AGENT:agent-key-0001,FINANCE:finance-key-0001' });
    expect((await gql(server.baseUrl, '{ eventStoreHead }', undefined, { authorization: 'Bearer finance-key-0001' })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await gql(server.baseUrl, '{ eventStoreHead }', undefined, { authorization: `Bearer wrong-${i}` })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const right = await gql(server.baseUrl, '{ eventStoreHead }', undefined, { authorization: 'Bearer agent-key-0001' });
    expect(right.status).toBe(429);
    expect(right.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // A colleague behind the same address, whose key authenticated before, goes on working.
    expect((await gql(server.baseUrl, '{ eventStoreHead }', undefined, { authorization: 'Bearer finance-key-0001' })).status).toBe(200);
  });
});
