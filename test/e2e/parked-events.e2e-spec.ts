import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ANY, PostgresEventStore } from '#libs/event-store';
import { runNode } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';

const server = useLedgerServer({ LEDGER_READ_YOUR_WRITES_TIMEOUT: '5s' });

// An event already in the log that a projection cannot apply (written before input validation
// existed: a due date in the year 10000) stopped every read model for good, and a rebuild failed
// on it. Now it is parked, and everything around it goes on.


describe('a poison event in the log', () => {
  it('is parked: the API serves, /health says degraded, /metrics counts it, the CLI lists, retries and rebuilds around it', async () => {
    const customer = await gql(server.baseUrl, 'mutation { registerCustomer(input: { name: "Acme", kind: DISTRIBUTOR }) { id } }');
    const customerId = customer.data!.registerCustomer.id as string;

    const store = new PostgresEventStore(server.pool, server.db.url);
    const promiseId = randomUUID();
    try {
      await store.appendToStream(
        `promise-${promiseId}`,
        [
          {
            id: randomUUID(),
            type: 'PromiseMade',
            data: { promiseId, customerId, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'from an old version', madeAt: '2026-01-01T00:00:00.000Z', dueBy: '+010000-01-01T04:00:00.000Z' },
            metadata: { schemaVersion: 1 },
          },
        ],
        { expectedRevision: ANY },
      );
    } finally {
      await store.close();
    }

    const started = Date.now();
    const made = await gql(server.baseUrl, 'mutation($i: MakePromiseInput!) { makePromise(input: $i) { id } }', {
      i: { customerId, kind: 'SERVICE', description: 'after the poison', dueBy: new Date(Date.now() + 10 * 86_400_000).toISOString() },
    });
    expect(made.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(4_000);

    expect(await fetch(`${server.baseUrl}/health`).then((r) => r.json())).toEqual({ status: 'degraded', database: 'up', parkedEvents: { ledger: 1 } });
    expect(await fetch(`${server.baseUrl}/metrics`).then((r) => r.text())).toMatch(/ledger_projection_parked_events\{projection="ledger"\} 1/);

    const env = { DATABASE_URL: server.db.url };
    const parked = await runNode('bin/ledger.js', ['projections', 'parked'], env);
    expect(parked.code).toBe(0);
    expect(parked.stdout).toMatch(new RegExp(`ledger\\s+position \\d+\\s+PromiseMade on promise-${promiseId}`));
    expect(parked.stdout).toMatch(/out of range/);

    const retried = await runNode('bin/ledger.js', ['projections', 'retry', '--projection', 'ledger'], env);
    expect(retried.code).toBe(1);
    expect(retried.stdout).toMatch(/0 applied, 1 still parked/);

    const rebuilt = await runNode('bin/ledger.js', ['projections', 'rebuild', '--no-progress'], env);
    expect(rebuilt.stderr).toBe('');
    expect(rebuilt.code).toBe(0);
    expect((await runNode('bin/ledger.js', ['projections', 'parked', '--projection', 'ledger'], env)).stdout).toMatch(/PromiseMade/);

    const after = await gql(server.baseUrl, 'query($c: ID!) { customer(id: $c) { ledger { made open } timeline { nodes { type } } } }', { c: customerId });
    expect(after.data!.customer.ledger).toEqual({ made: 1, open: 1 });
    expect(after.data!.customer.timeline.nodes.map((n: { type: string }) => n.type)).toEqual(['CustomerRegistered', 'PromiseMade', 'PromiseMade']);
  });
});
