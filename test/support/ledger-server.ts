import { afterAll, beforeAll } from '@jest/globals';
import pg from 'pg';
import { startApi, type ApiProcess } from './api-process.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** The built API on a database of its own, and a pool on that database for assertions. */
export interface LedgerServer {
  readonly api: ApiProcess;
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
  readonly baseUrl: string;
}

/**
 * The e2e bootstrap every file shares: registers jest hooks that create a fresh database, start
 * the built server on it (as `npm start` would) with `env`, and tear both down after the file.
 * Read the returned object's fields inside tests (they are set in beforeAll).
 */
export function useLedgerServer(env: Record<string, string> = {}): LedgerServer {
  let db: TestDatabase | undefined;
  let api: ApiProcess | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi({ DATABASE_URL: db.url, ...env });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await api?.stop();
    await pool?.end();
    await db?.drop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ledger server's ${what} is set in beforeAll: read it inside a test or hook`);
    return value;
  };
  return {
    get api() {
      return ready(api, 'api');
    },
    get db() {
      return ready(db, 'db');
    },
    get pool() {
      return ready(pool, 'pool');
    },
    get baseUrl() {
      return ready(api, 'api').baseUrl;
    },
  };
}
