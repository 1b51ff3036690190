import { describe, it } from '@jest/globals';
import { runEventStoreContract } from '../../test/event-store.contract.js';
import { KurrentDbEventStore } from './kurrentdb.event-store.js';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

// No KurrentDB server runs on our CI machines (no Docker engine, no package): this suite runs when
// KURRENTDB_CONNECTION_STRING points at one, and is reported as skipped otherwise.
if (connectionString) {
  runEventStoreContract(
    'kurrentdb',
    async () => {
      const store = await KurrentDbEventStore.connect(connectionString);
      return { store, cleanup: () => store.close() };
    },
    // A single-writer log cannot commit out of order: the out-of-order test does not apply.
    { transactional: false },
  );
} else {
  describe('event store contract: kurrentdb (skipped: KURRENTDB_CONNECTION_STRING is not set)', () => {
    it.skip('needs a KurrentDB server', () => undefined);
  });
}
