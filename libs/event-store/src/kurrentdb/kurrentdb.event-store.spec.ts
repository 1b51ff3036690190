import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { NO_STREAM } from '../event-store.port.js';
import { KurrentDbEventStore } from './kurrentdb.event-store.js';

// What needs no server: refusals before any request, and failing fast when nothing listens.

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('KurrentDbEventStore without a server', () => {
  it('fails fast, naming the server but not its password, when nothing listens', async () => {
    const port = await closedPort();
    const started = Date.now();
    const failure = await KurrentDbEventStore.connect(`kurrentdb://admin:s3cret@127.0.0.1:${port}?tls=false`, { timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'UNAVAILABLE' });
    const message = (failure as Error).message;
    expect(message).toMatch(/cannot reach KurrentDB \(KURRENTDB_CONNECTION_STRING\).*: no connection/);
    expect(message).toContain(`admin:***@127.0.0.1:${port}`);
    expect(message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a connection string that is not KurrentDB\'s, with an example', async () => {
    await expect(KurrentDbEventStore.connect('postgres://ledger:pw@localhost/ledger')).rejects.toThrow(
      /not a KurrentDB connection string: postgres:\/\/ledger:\*\*\*@localhost\/ledger.*kurrentdb:\/\/127\.0\.0\.1:2113\?tls=false/,
    );
  });

  it('refuses an empty append and an id KurrentDB cannot store before sending anything', async () => {
    const store = new KurrentDbEventStore(KurrentDBClient.connectionString(`kurrentdb://127.0.0.1:${await closedPort()}?tls=false`));
    try {
      await expect(store.appendToStream('s', [], { expectedRevision: NO_STREAM })).rejects.toThrow(/has no events/);
      await expect(
        store.appendToStream('s', [{ id: 'not-a-uuid', type: 'T', data: {} }], { expectedRevision: NO_STREAM }),
      ).rejects.toThrow(/must be a UUID/);
      await expect(
        store.appendToStream('s', [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: -2n }),
      ).rejects.toThrow(RangeError);
    } finally {
      await store.close();
    }
  });
});
