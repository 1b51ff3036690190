import pg from 'pg';

export interface PoolOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** One stuck transaction must not freeze catch-up readers for long (they read below its xid). */
  idleInTransactionTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Commits of this pool's sessions do not wait for the disk (only for writes the log can redo or that may be repeated). */
  asynchronousCommit?: boolean;
}

// int8 as string by default; callers convert to bigint where it matters.
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'promise-ledger',
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
    statement_timeout: options.statementTimeoutMs,
    ...(options.asynchronousCommit ? { options: '-c synchronous_commit=off' } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: pg-pool removes its own listener while a client is lent, and a
  // client whose server dies emits 'error' besides failing its query (which its user handles).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export async function isReachable(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}
