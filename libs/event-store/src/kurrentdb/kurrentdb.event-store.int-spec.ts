import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KurrentDBClient, jsonEvent } from '@kurrent/kurrentdb-client';
import { runEventStoreContract } from '../../test/event-store.contract.js';
import { NO_STREAM } from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { KurrentDbEventStore } from './kurrentdb.event-store.js';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

// No KurrentDB server can run on our CI machines (no Docker engine, no package): the contract runs
// when KURRENTDB_CONNECTION_STRING points at one (e.g. `docker compose up kurrentdb`), and jest
// reports it as skipped otherwise.
const describeWithServer = connectionString ? describe : describe.skip;

const withOption = (url: string, option: string) => `${url}${url.includes('?') ? '&' : '?'}${option}`;

describeWithServer('kurrentdb event store (needs KURRENTDB_CONNECTION_STRING)', () => {
  runEventStoreContract(
    'kurrentdb',
    async () => {
      const store = await KurrentDbEventStore.connect(connectionString!);
      return { store, cleanup: () => store.close() };
    },
    // One append is one commit in KurrentDB's log: commits cannot land out of order.
    { transactional: false },
  );

  // What only KurrentDB has. A log holding legacy TCP transactions cannot be made with a current
  // client: that refusal is unit-tested (kurrentdb-position.mapping.spec.ts, kurrentdb.event-store.spec.ts).
  describe('KurrentDB specifics', () => {
    let store: KurrentDbEventStore;
    let raw: KurrentDBClient;

    beforeAll(async () => {
      store = await KurrentDbEventStore.connect(connectionString!);
      raw = KurrentDBClient.connectionString(connectionString!);
    });
    afterAll(async () => {
      await store?.close();
      await raw?.dispose();
    });

    it('refuses an event larger than the server takes with a RangeError naming the setting, storing nothing', async () => {
      // Up to 25.0 MaxAppendSize (1 MiB by default) refuses it; from 25.1 the append limit is the
      // chunk size and MaxAppendEventSize (16 MiB by default) refuses one event above it.
      const stream = `big-${randomUUID()}`;
      const data = { text: 'x'.repeat(17 * 1024 * 1024) };
      const refused = await store.appendToStream(stream, [{ id: randomUUID(), type: 'Big', data }], { expectedRevision: NO_STREAM }).catch((e) => e);
      expect(refused).toBeInstanceOf(RangeError);
      expect((refused as Error).message).toMatch(/KURRENTDB_MAX_APPEND_(EVENT_)?SIZE/);
      expect(await store.readStream(stream)).toEqual([]);
    });

    it('still refuses a stale expectation with throwOnAppendFailure=false in the connection string', async () => {
      const lenient = await KurrentDbEventStore.connect(withOption(connectionString!, 'throwOnAppendFailure=false'));
      try {
        const stream = `lenient-${randomUUID()}`;
        await lenient.appendToStream(stream, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM });
        const refused = await lenient.appendToStream(stream, [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: NO_STREAM }).catch((e) => e);
        expect(refused).toBeInstanceOf(WrongExpectedRevisionError);
        expect(refused).toMatchObject({ expected: NO_STREAM, actual: 0n });
        expect(await lenient.readStream(stream)).toHaveLength(1);
      } finally {
        await lenient.close();
      }
    });

    it('leaves out events of $ streams whatever their type (the legacy projection engine\'s Result), in reads and the head position', async () => {
      const p = `sys${randomUUID().slice(0, 8)}`;
      const before = await store.headPosition();
      const ours = await store.appendToStream(`${p}-a`, [{ id: randomUUID(), type: 'Result', data: {} }], { expectedRevision: NO_STREAM });
      await raw.appendToStream(`$projections-${p}-result`, jsonEvent({ type: 'Result', data: { n: 1 } }));
      await raw.appendToStream(`$projections-${p}`, jsonEvent({ type: 'ResultRemoved', data: {} }));
      const results = await store.readAll({ fromPosition: before, eventTypes: ['Result', 'ResultRemoved'] });
      expect(results.map((e) => e.stream)).toEqual([`${p}-a`]);
      expect((await store.readAll({ fromPosition: before })).map((e) => e.stream)).toEqual([`${p}-a`]);
      expect(await store.headPosition()).toBe(ours.position);
    });
  });
});
