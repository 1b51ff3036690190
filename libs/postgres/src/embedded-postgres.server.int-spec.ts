import { afterAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.server.js';

async function serverAddress(connectionString: string): Promise<string | null> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ address: string | null }>('select host(inet_server_addr()) as address');
    return rows[0]!.address;
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('embedded PostgreSQL', () => {
  const dirs: string[] = [];
  const servers: RunningPostgres[] = [];

  // As root the server runs as `postgres`, which must be able to enter the folder.
  const folder = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-embedded-'));
    await chmod(dir, 0o755);
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is reached over a Unix socket in its cluster folder, and still over TCP on 127.0.0.1', async () => {
    const server = await startEmbeddedPostgres({ dataDir: await folder(), port: await freePort(), persistent: false, onLog: () => undefined });
    servers.push(server);
    expect(new URL(server.connectionString).searchParams.get('host')).toBe(join(server.dataDir, 'pg'));
    // No server address: the session came through the socket.
    expect(await serverAddress(server.connectionString)).toBeNull();
    const tcp = new URL(server.connectionString);
    tcp.search = '';
    expect(await serverAddress(tcp.toString())).toBe('127.0.0.1');
  });

  it('keeps to TCP when the folder is too deep for a socket path', async () => {
    const deep = join(await folder(), 'a-folder-name-long-enough-that-the-socket-path-would-not-fit'.repeat(2));
    await mkdir(deep, { recursive: true, mode: 0o755 });
    const server = await startEmbeddedPostgres({ dataDir: deep, port: await freePort(), persistent: false, onLog: () => undefined });
    servers.push(server);
    expect(new URL(server.connectionString).search).toBe('');
    expect(await serverAddress(server.connectionString)).toBe('127.0.0.1');
  });
});
