import type pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.server.js';
import { createPool } from './pool.js';

export interface OpenDatabaseOptions {
  /** External PostgreSQL; when absent an embedded server is started. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPort: number;
  poolMax?: number;
  applicationName?: string;
  log?: (message: string) => void;
}

export interface LedgerDatabase {
  connectionString: string;
  pool: pg.Pool;
  /** Set when this process started the server itself. */
  embedded?: RunningPostgres;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts (and on close stops) the embedded PostgreSQL. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<LedgerDatabase> {
  let embedded: RunningPostgres | undefined;
  let connectionString = options.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.embeddedPort });
    connectionString = embedded.connectionString;
    options.log?.(`embedded PostgreSQL on 127.0.0.1:${options.embeddedPort}, data in ${embedded.dataDir}`);
  }
  const pool = createPool({ connectionString, max: options.poolMax, applicationName: options.applicationName });
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    const where = options.databaseUrl ? new URL(options.databaseUrl).host : 'the embedded server';
    throw new Error(`cannot reach PostgreSQL at ${where}: ${(error as Error).message}`, { cause: error });
  }
  let closed = false;
  return {
    connectionString,
    pool,
    embedded,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}
