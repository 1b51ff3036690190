import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const server = globalThis.__ledgerTestPostgres;
  if (!server) return;
  await server.stop();
  await rm(server.dataDir, { recursive: true, force: true });
}
