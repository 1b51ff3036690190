import type { KurrentDbConnectOptions, KurrentDbEventStore } from './kurrentdb.event-store.js';

export type { KurrentDbConnectOptions, KurrentDbEventStore } from './kurrentdb.event-store.js';

/**
 * Connects the KurrentDB adapter, loading it (and its gRPC client, ~36 MB of memory) only when a
 * process is configured for KurrentDB: a PostgreSQL deployment never pays for it.
 */
export async function connectKurrentDb(connectionString: string, options: KurrentDbConnectOptions = {}): Promise<KurrentDbEventStore> {
  const { KurrentDbEventStore: Store } = await import('./kurrentdb.event-store.js');
  return Store.connect(connectionString, options);
}
