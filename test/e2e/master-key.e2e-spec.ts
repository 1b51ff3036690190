import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gql } from '../support/graphql-client.js';
import { runNode, startApi } from '../support/api-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'ledger-master-key-'));
});

afterAll(async () => {
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// No LEDGER_MASTER_KEY: the key file under the data dir.
const env = () => ({ DATABASE_URL: db.url, LEDGER_DATA_DIR: dataDir, LEDGER_MASTER_KEY: '' });
const keyFile = () => join(dataDir, 'master.key');

describe('the master key file and `ledger keys rotate-master`', () => {
  it('is generated with a warning, rotated under the running data, and only the new key opens it afterwards', async () => {
    const first = await startApi(env());
    let oldKey: string;
    try {
      expect(first.output()).toMatch(/"level":40.*WARNING: LEDGER_MASTER_KEY is not set, so a master key was generated in .*master\.key/);
      oldKey = (await readFile(keyFile(), 'utf8')).trim();
      expect((await stat(keyFile())).mode & 0o077).toBe(0);
      const res = await gql(first.baseUrl, 'mutation { registerCustomer(input: { id: "rotated-1", name: "Rotated Customer", kind: RESELLER }) { name } }');
      expect(res.data).toEqual({ registerCustomer: { name: 'Rotated Customer' } });
    } finally {
      await first.stop();
    }

    const rotated = await runNode('bin/ledger.js', ['keys', 'rotate-master'], env());
    expect(rotated).toMatchObject({ code: 0, stdout: expect.stringMatching(/^1 data keys re-wrapped under master key [0-9a-f]{16}/) });
    const newKey = (await readFile(keyFile(), 'utf8')).trim();
    expect(newKey).not.toBe(oldKey);
    await expect(stat(`${keyFile()}.next`)).rejects.toThrow();

    // The old key no longer opens anything: a process holding it refuses to start and says why.
    const refused = await runNode('bin/ledger.js', ['migrate', '--no-progress'], { ...env(), LEDGER_MASTER_KEY: oldKey });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/wrapped by master key [0-9a-f]{16}, but the configured master key is [0-9a-f]{16}/);

    const second = await startApi(env());
    try {
      const res = await gql(second.baseUrl, 'query { customer(id: "rotated-1") { name } }');
      expect(res.data).toEqual({ customer: { name: 'Rotated Customer' } });
    } finally {
      await second.stop();
    }
  }, 90_000);

  it('refuses a malformed LEDGER_MASTER_KEY at start, saying the form it expects', async () => {
    const res = await runNode('bin/ledger.js', ['migrate'], { DATABASE_URL: db.url, LEDGER_MASTER_KEY: 'hunter2' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/LEDGER_MASTER_KEY: expected a 32-byte key as 64 hex digits or base64/);
    expect(res.stderr).not.toContain('hunter2');
  });
});
