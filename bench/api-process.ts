import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './bench-database.js';

/** The one key the bench's API runs with; harmless when the server has no authentication. */
export const BENCH_KEY = 'bench-admin-key-0001';
export const AUTH_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };

export interface ApiProcess {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * The built API (`dist/apps/api/src/main.js`) on a free port against `databaseUrl`, resolved once
 * /health answers 200. The rate limit is set as high as the config allows, so its check runs on
 * every request but never refuses one.
 */
export async function startApi(databaseUrl: string, env: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, resolve('dist/apps/api/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      LEDGER_SCHEMA_FILE: '',
      LEDGER_API_KEYS: `ADMIN:${BENCH_KEY}`,
      LEDGER_RATE_LIMIT_PER_MINUTE: '10000000',
      // V8 flags to compare (e.g. BENCH_API_NODE_OPTIONS=--max-semi-space-size=8).
      ...(process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the API did not become healthy within 90 s: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, url: `http://127.0.0.1:${port}/graphql`, stop };
}

/** Resident set size of a process, in MB (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}
