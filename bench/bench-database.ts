import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '#libs/postgres';

/** The PostgreSQL every section of one run uses: DATABASE_URL's, or a throwaway embedded one. */
export interface BenchServer {
  url: string;
  embedded: boolean;
  version: string;
  /** Server-wide settings that decide what a commit costs, as `name=value`. */
  durability: string;
  stop(): Promise<void>;
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function startBenchServer(): Promise<BenchServer> {
  const external = process.env.DATABASE_URL;
  let url: string;
  let stop: () => Promise<void>;
  if (external) {
    url = external;
    stop = async () => undefined;
  } else {
    // As root the server runs as `postgres`, which must be able to enter the folder.
    const dir = await mkdtemp(join(tmpdir(), 'ledger-bench-'));
    await chmod(dir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), persistent: false });
    url = server.connectionString;
    stop = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  try {
    const { version, durability } = await withClient(url, async (client) => {
      const names = ['synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers'];
      const { rows } = await client.query(`select current_setting('server_version') as version, ${names.map((n) => `current_setting('${n}') as ${n}`).join(', ')}`);
      return { version: rows[0].version as string, durability: names.map((n) => `${n}=${rows[0][n]}`).join(', ') };
    });
    return { url, embedded: !external, version, durability, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

let scratchCount = 0;

/**
 * A fresh database for one section (or one contender), dropped by `drop()`. Every session in it
 * runs with synchronous_commit on, whatever the server's default: every contender pays for a
 * durable commit.
 */
export async function scratchDatabase(serverUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `bench_${label}_${process.pid}_${++scratchCount}`;
  await withClient(serverUrl, async (client) => {
    await client.query(`create database ${name} template template0`);
    await client.query(`alter database ${name} set synchronous_commit = on`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withClient(serverUrl, async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}

/** What a session of this database sees, to prove a contender ran durable. */
export const sessionSetting = (url: string, name: string): Promise<string> =>
  withClient(url, async (client) => (await client.query('select current_setting($1) as v', [name])).rows[0].v as string);
