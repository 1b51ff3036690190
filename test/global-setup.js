// Plain ESM (jest loads global setup outside its transform): uses the build that `pretest` makes.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

// Every test file makes its own database on this server (test/support/test-database.ts).
export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.LEDGER_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const built = join(process.cwd(), 'dist/libs/postgres/src/index.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run the tests with `npm test` (it builds first)');
  const { startEmbeddedPostgres } = await import(built);
  // A mkdtemp directory itself (not a child): as root, its parents must be enterable by 'postgres'.
  const dataDir = await mkdtemp(join(tmpdir(), 'ledger-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
  process.env.LEDGER_TEST_SERVER_URL = server.connectionString;
  globalThis.__ledgerTestPostgres = server;
}
