import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, type AppConfig } from '#libs/config';
import { NO_STREAM, PostgresEventStore, type NewEvent } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { bootInfrastructure, type LedgerInfrastructure } from '../ledger-infrastructure.js';
import { DataKeyStore, masterKey } from './data-key.store.js';
import { LegacyEventSealer } from './legacy-event-sealer.js';
import { MASTER_KEY_FILE, resolveMasterKey } from './master-key.js';
import { PersonalDataCodec } from './personal-data.codec.js';
import { newDataKey } from './sealing.js';

let db: TestDatabase;
let infrastructure: LedgerInfrastructure;
let config: AppConfig;
const firstMaster = newDataKey();

beforeAll(async () => {
  db = await createTestDatabase();
  config = { ...loadConfig({ DATABASE_URL: db.url }), masterKey: firstMaster };
  infrastructure = await bootInfrastructure(config, { poolMax: 6 });
});

afterAll(async () => {
  await infrastructure?.close();
  await db?.drop();
});

const raw = () => infrastructure.eventStore.inner as PostgresEventStore;

/** Events as the version before encryption wrote them: personal data in clear, schemaVersion 1. */
async function legacyCustomers(count: number, tag: string): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i += 100) {
    const appends = Array.from({ length: Math.min(100, count - i) }, (_, j) => {
      const id = `${tag}-${i + j}`;
      const name = `Legacy ${tag} Person ${i + j}`;
      names.push(name);
      const events: NewEvent[] = [
        { id: randomUUID(), type: 'CustomerRegistered', data: { customerId: id, name, kind: 'END_USER', registeredAt: '2026-01-01T00:00:00.000Z' }, metadata: { schemaVersion: 1 } },
        {
          id: randomUUID(),
          type: 'ErrorRecorded',
          data: { errorId: `${id}-e`, customerId: id, type: 'BILLING', occurredAt: '2026-01-02T00:00:00.000Z', description: `${name} was billed twice` },
          metadata: { schemaVersion: 1 },
        },
      ];
      return { stream: `customer-${id}`, events, expectedRevision: NO_STREAM };
    });
    await raw().appendToStreams(appends);
  }
  return names;
}

const clearRows = async (tag: string) =>
  Number((await infrastructure.database.pool.query(`select count(*) from es_events where data::text like $1`, [`%Legacy ${tag}%`])).rows[0].count);

describe('the one-off sealing of events written before encryption (ledger migrate)', () => {
  it('can be stopped after any chunk and run again; a second run rewrites nothing; readers see the same events', async () => {
    const tag = randomUUID().slice(0, 6);
    await legacyCustomers(1_250, tag); // 2,500 events in clear
    const before = await infrastructure.eventStore.readAll({ maxCount: 10_000 });
    expect(await clearRows(tag)).toBe(2_500);

    const sealer = infrastructure.legacySealer!;
    const interrupted = await sealer.run({ chunk: 1_000, maxChunks: 1 }); // stopped after one chunk
    expect(interrupted.position).toBeLessThan(interrupted.head);
    expect(await clearRows(tag)).toBeGreaterThan(0);
    expect(await clearRows(tag)).toBeLessThan(2_500);

    const steps: bigint[] = [];
    const done = await sealer.run({ chunk: 1_000, onProgress: (p) => steps.push(p.position) });
    expect(done.position).toBe(done.head);
    expect(steps.length).toBeGreaterThan(1);
    expect(done.rewritten).toBe(2_500); // every legacy event once, over both runs
    expect(await clearRows(tag)).toBe(0);

    const again = await sealer.run({ chunk: 1_000 });
    expect(again.rewritten).toBe(done.rewritten);

    const after = await infrastructure.eventStore.readAll({ maxCount: 10_000 });
    expect(after.map((e) => [e.id, e.type, e.data])).toEqual(before.map((e) => [e.id, e.type, e.data]));
    expect(after.every((e) => e.metadata.schemaVersion === 2)).toBe(true);
  }, 120_000);

  it('two runs side by side take turns: each event is rewritten once', async () => {
    const tag = randomUUID().slice(0, 6);
    await legacyCustomers(300, tag);
    const start = (await infrastructure.legacySealer!.progress()).rewritten;
    const codec = new PersonalDataCodec(new DataKeyStore(infrastructure.database.pool, masterKey(firstMaster)));
    const other = new LegacyEventSealer(infrastructure.database.pool, codec);
    const [a, b] = await Promise.all([infrastructure.legacySealer!.run({ chunk: 50 }), other.run({ chunk: 50 })]);
    expect(Math.max(a.rewritten, b.rewritten) - start).toBe(600);
    expect(await clearRows(tag)).toBe(0);
  }, 60_000);
});

describe('the master key', () => {
  it('is rotated by re-wrapping every data key; the old key then opens nothing, and the events are untouched', async () => {
    const tag = randomUUID().slice(0, 6);
    const id = `${tag}-rotated`;
    await infrastructure.eventStore.appendToStream(
      `customer-${id}`,
      [{ id: randomUUID(), type: 'CustomerRegistered', data: { customerId: id, name: `Rotated ${tag}`, kind: 'RESELLER', registeredAt: '2026-01-01T00:00:00.000Z' } }],
      { expectedRevision: NO_STREAM },
    );
    const storedBefore = await raw().readStream(`customer-${id}`);
    const next = masterKey(newDataKey());
    const keyCount = Number((await infrastructure.database.pool.query('select count(*) from ledger_data_keys where wrapped_key is not null')).rows[0].count);
    expect(await infrastructure.dataKeys.rotateMasterKey(next)).toBe(keyCount);

    // A process still on the old key refuses to start, saying what to do.
    await expect(bootInfrastructure(config, { poolMax: 2 })).rejects.toThrow(/wrapped by master key .* but the configured master key is .*LEDGER_MASTER_KEY/);
    // With the new one everything reads as before; the stored events did not change.
    const rotated = await bootInfrastructure({ ...config, masterKey: next.key }, { poolMax: 2 });
    try {
      expect((await rotated.eventStore.readStream(`customer-${id}`))[0]!.data).toMatchObject({ name: `Rotated ${tag}` });
      expect(await raw().readStream(`customer-${id}`)).toEqual(storedBefore);
      // Rotating again to the same key changes nothing (a rerun after a crash).
      expect(await rotated.dataKeys.rotateMasterKey(next)).toBe(0);
      // And back, so the other tests of this file keep their key.
      expect(await rotated.dataKeys.rotateMasterKey(masterKey(firstMaster))).toBe(keyCount);
    } finally {
      await rotated.close();
    }
  }, 60_000);

  it('is generated into the data dir on first start when LEDGER_MASTER_KEY is unset, with a warning, and read from there after', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ledger-key-'));
    const warnings: string[] = [];
    const first = await resolveMasterKey({ masterKey: undefined, dataDir }, (m) => warnings.push(m));
    expect(warnings).toEqual([expect.stringMatching(/^WARNING: LEDGER_MASTER_KEY is not set, so a master key was generated in .*back it up/)]);
    expect((await stat(join(dataDir, MASTER_KEY_FILE))).mode & 0o077).toBe(0);
    const second = await resolveMasterKey({ masterKey: undefined, dataDir }, (m) => warnings.push(m));
    expect(second).toEqual(first);
    expect(warnings).toHaveLength(1);
    expect(Buffer.from((await readFile(join(dataDir, MASTER_KEY_FILE), 'utf8')).trim(), 'base64')).toEqual(first.key);
  });
});
