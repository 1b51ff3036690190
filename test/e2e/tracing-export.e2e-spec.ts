import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The server as deployed, exporting to an OTLP/HTTP receiver: the spans of a request arrive, at
// the latest when the process stops (the SDK is flushed on shutdown, before its 5 s batch delay).
let db: TestDatabase;
let receiver: Server;
let endpoint: string;
const bodies: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  await db?.drop();
});

describe('OTLP export', () => {
  it('sends the request trace to OTEL_EXPORTER_OTLP_ENDPOINT, flushed when the server stops', async () => {
    const api = await startApi({ DATABASE_URL: db.url, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'ledger-under-test' });
    try {
      const res = await gql(api.baseUrl, 'mutation Register($c: RegisterCustomerInput!) { registerCustomer(input: $c) { id } }', {
        c: { name: 'Grace Hopper', kind: 'RESELLER', region: 'EU-West' },
      });
      expect(res.errors).toBeUndefined();
    } finally {
      expect(await api.stop()).toBe(0);
    }
    const sent = bodies.join('\n');
    expect(sent).toContain('"ledger-under-test"');
    for (const span of ['mutation Register', 'command RegisterCustomer', 'es_append', 'read-your-writes wait', 'projection ledger']) {
      expect(sent).toContain(`"name":"${span}"`);
    }
    expect(sent).not.toContain('Grace Hopper');
  });
});
