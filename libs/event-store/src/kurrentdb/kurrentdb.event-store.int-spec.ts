import { describe } from '@jest/globals';
import { runEventStoreContract } from '../../test/event-store.contract.js';
import { KurrentDbEventStore } from './kurrentdb.event-store.js';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

// No KurrentDB server can run on our CI machines (no Docker engine, no package): the contract runs
// when KURRENTDB_CONNECTION_STRING points at one (e.g. `docker compose up kurrentdb`), and jest
// reports it as skipped otherwise.
const describeWithServer = connectionString ? describe : describe.skip;

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
});
