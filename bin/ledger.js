#!/usr/bin/env node
// The `ledger` command: runs the built CLI (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/apps/cli/src/main.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('ledger: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
await import(entry);
