import { spawn } from 'node:child_process';
import { mkdtemp, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '#libs/postgres';

export interface Row {
  section: string;
  name: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: 'met' | 'missed' | 'info' | 'not run';
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

/** DATABASE_URL's server, or a throwaway embedded one. */
export async function benchServer(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'ledger-bench-'));
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), persistent: false });
  return { url: server.connectionString, stop: () => server.stop() };
}

/** A scratch database on the server, dropped by the returned function. */
export async function scratchDatabase(serverUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const db = `bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${db} template template0`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${db}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${db} with (force)`);
      await c.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Timing {
  eventsPerSecond: number;
  p50: number;
  p99: number;
}

/** Runs `op` (returning how many events it handled) over `workers` concurrent loops until `count` ops ran. */
export async function measure(count: number, workers: number, op: (i: number) => Promise<number>): Promise<Timing> {
  const latencies: number[] = [];
  let next = 0;
  let events = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < count) {
        const i = next++;
        const t = process.hrtime.bigint();
        const handled = await op(i); // not `events += await …`: that reads `events` before awaiting
        events += handled;
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: events / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const machine = () => `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;

export const BENCH_KEY = 'bench-admin-key-0001';

export interface BenchApi {
  port: number;
  pid: number | undefined;
  url: string;
  stop(): Promise<void>;
}

/** The built API on a free port against `databaseUrl`, with one ADMIN key and no rate limit; resolves once healthy. */
export async function startBenchApi(databaseUrl: string): Promise<BenchApi> {
  const port = await freePort();
  const api = spawn(process.execPath, [resolve('dist/apps/api/src/main.js')], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'warn', LEDGER_SCHEMA_FILE: '', LEDGER_API_KEYS: `ADMIN:${BENCH_KEY}`, LEDGER_RATE_LIMIT_PER_MINUTE: '0' },
    stdio: 'ignore',
  });
  const stop = async () => {
    if (api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
    }
  };
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {
      // starting
    }
    if (i > 300) {
      await stop();
      throw new Error('the API did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, pid: api.pid, url: `http://127.0.0.1:${port}/graphql`, stop };
}
