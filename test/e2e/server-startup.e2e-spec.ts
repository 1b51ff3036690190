import { chmod, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, runNode } from '../support/api-process.js';
import { freePort } from '../support/free-port.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase } from '../support/test-database.js';

describe('server start-up', () => {
  it('serves on an embedded PostgreSQL it starts itself, and keeps the data across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ledger-e2e-'));
    await chmod(dataDir, 0o755); // as root the server runs postgres as 'postgres', which must enter it
    const env = { LEDGER_DATA_DIR: join(dataDir, 'data'), LEDGER_EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'info' };

    const first = await startApi(env, 60_000);
    expect((await gql(first.baseUrl, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    const health = await fetch(`${first.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
    expect(first.output()).toContain('embedded PostgreSQL');
    // One access-log line per request at info, with the key redacted.
    const answer = await fetch(`${first.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-key-in-log-check' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(answer.headers.get('cache-control')).toBe('no-store'); // answers are never to be cached by HTTP caches
    await new Promise((resolve) => setTimeout(resolve, 200));
    const accessLog = first.output().split('\n').filter((line) => line.includes('"request completed"') && line.includes('"url":"/graphql"'));
    expect(accessLog.length).toBeGreaterThanOrEqual(2);
    expect(first.output()).not.toContain('secret-key-in-log-check');

    // Write an event straight into the embedded server, as another process would.
    const password = (await readFile(join(env.LEDGER_DATA_DIR, 'pg-password'), 'utf8')).trim();
    const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${env.LEDGER_EMBEDDED_PG_PORT}/postgres` });
    await client.connect();
    await client.query(`select * from es_append(array['restart-check'], array[-1]::bigint[], '[{"s":1,"id":"0b6f1d1e-8d7c-4f7a-9a43-0c1b7b5f9d10","type":"Checked","data":{}}]')`);
    await client.end();
    const head = (await gql<{ eventStoreHead: string }>(first.baseUrl, '{ eventStoreHead }')).data!.eventStoreHead;
    expect(head).not.toBe('0');
    expect(await first.stop()).toBe(0);

    const second = await startApi(env, 60_000);
    expect((await gql<{ eventStoreHead: string }>(second.baseUrl, '{ eventStoreHead }')).data!.eventStoreHead).toBe(head);
    expect(await second.stop()).toBe(0);
  });

  it('uses DATABASE_URL when given, and reports 503 on /health when the database goes away', async () => {
    const db = await createTestDatabase();
    const api = await startApi({ DATABASE_URL: db.url });
    expect(api.output()).not.toContain('embedded PostgreSQL');
    expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
    await db.drop();
    const down = await fetch(`${api.baseUrl}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', database: 'down' });
    await api.stop();
  });

  it('refuses to start on a wrong setting and names it', async () => {
    const result = await runNode('dist/apps/api/src/main.js', [], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT="eighty": expected a whole number');
    expect(result.stderr).toContain('LOG_LEVEL="loud"');
  });

  it('refuses to listen beyond loopback without API keys, and says so on loopback', async () => {
    const db = await createTestDatabase();
    const result = await runNode('dist/apps/api/src/main.js', [], { HOST: '0.0.0.0', DATABASE_URL: db.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HOST=0.0.0.0 listens beyond this machine.*LEDGER_API_KEYS/);
    const local = await startApi({ DATABASE_URL: db.url });
    expect(local.output()).toMatch(/no API keys configured: serving without authentication, on loopback/);
    await local.stop();
    await db.drop();
  });

  it('refuses to start when the configured KurrentDB cannot be reached, and says which', async () => {
    const db = await createTestDatabase();
    const result = await runNode('dist/apps/api/src/main.js', [], {
      DATABASE_URL: db.url,
      KURRENTDB_CONNECTION_STRING: `kurrentdb://127.0.0.1:${await freePort()}?tls=false`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach KurrentDB \(KURRENTDB_CONNECTION_STRING\)/);
    await db.drop();
  });

  it('has a CLI that migrates and explains itself', async () => {
    const db = await createTestDatabase();
    const help = await runNode('bin/ledger.js', ['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('migrate');
    const migrate = await runNode('bin/ledger.js', ['migrate'], { DATABASE_URL: db.url });
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('0001_event_store');
    const unknown = await runNode('bin/ledger.js', ['frobnicate'], {});
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    await db.drop();
  });
});
