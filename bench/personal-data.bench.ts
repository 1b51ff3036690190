import { randomUUID } from 'node:crypto';
import { CodedEventStore, NO_STREAM, PostgresEventStore, eventStoreMigrations, type EventStore } from '#libs/event-store';
import { DataKeyStore, PersonalDataCodec, dataKeyMigrations, masterKey, newDataKey } from '#libs/infrastructure';
import { createPool, runMigrations } from '#libs/postgres';
import { scratchDatabase } from './bench-database.js';
import { addSample, emptySample, summarise, timeOperations, type Sample } from './measure.js';
import { emptyResult, fmtRate, fmtRatio, fmt, type SectionResult } from './report.js';

/**
 * What sealing personal data costs the append path and readers: the same appends (a PromiseMade
 * with a description, one event per append, 16 writers, 500 customers whose keys are already
 * cached) through the codec and straight to the adapter, in alternating chunks of one run; then
 * reading the log back (readAll pages of 1,000), opened and as stored.
 */
export async function personalDataBench(serverUrl: string, options: { quick: boolean }): Promise<SectionResult> {
  const result = emptyResult();
  const db = await scratchDatabase(serverUrl, 'privacy');
  const pool = createPool({ connectionString: db.url, max: 20 });
  const raw = new PostgresEventStore(pool, db.url);
  const coded = new CodedEventStore(raw, new PersonalDataCodec(new DataKeyStore(pool, masterKey(newDataKey()))));
  try {
    await runMigrations(pool, [...eventStoreMigrations, ...dataKeyMigrations]);
    const customers = Array.from({ length: 500 }, (_, i) => `bench-customer-${i}`);
    const append = (store: EventStore) => async (index: number) => {
      const promiseId = randomUUID();
      const customerId = customers[index % customers.length]!;
      await store.appendToStream(
        `promise-${promiseId}`,
        [
          {
            id: randomUUID(),
            type: 'PromiseMade',
            data: { promiseId, customerId, kind: 'DELIVERY', touchPoint: 'HUMAN', description: `deliver order ${index} to the loading bay by noon`, madeAt: new Date().toISOString(), dueBy: new Date(Date.now() + 86_400_000).toISOString() },
            metadata: { actor: 'bench', source: 'bench', schemaVersion: 2 },
          },
        ],
        { expectedRevision: NO_STREAM },
      );
      return 1;
    };
    await timeOperations(customers.length, 16, append(coded)); // every customer's key created and cached
    const chunks = options.quick ? 4 : 10;
    const perChunk = options.quick ? 500 : 2_000;
    const sealed: Sample = emptySample();
    const clear: Sample = emptySample();
    for (let chunk = 0; chunk < chunks; chunk++) {
      const order = chunk % 2 === 0 ? [coded, raw] : [raw, coded];
      for (const store of order) addSample(store === coded ? sealed : clear, await timeOperations(perChunk, 16, append(store)));
    }
    const s = summarise(sealed);
    const c = summarise(clear);
    result.figures.push({
      section: 'privacy',
      name: 'appends of one PromiseMade (description sealed), 16 writers',
      ours: fmtRate(s),
      baseline: `the same appends without the codec: ${fmtRate(c)}`,
      ratio: fmtRatio(s.eventsPerSecond, c.eventsPerSecond, 'ev/s'),
    });

    const readAll = (store: EventStore) => async () => {
      let from = 0n;
      let events = 0;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: 1_000 });
        if (page.length === 0) return events;
        events += page.length;
        from = page.at(-1)!.position;
      }
    };
    const opened = emptySample();
    const stored = emptySample();
    for (let round = 0; round < (options.quick ? 2 : 4); round++) {
      addSample(opened, await timeOperations(1, 1, readAll(coded)));
      addSample(stored, await timeOperations(1, 1, readAll(raw)));
    }
    const o = summarise(opened);
    const r = summarise(stored);
    result.figures.push({
      section: 'privacy',
      name: `reading the log (${fmt(o.events / (options.quick ? 2 : 4))} events, pages of 1,000), personal data opened`,
      ours: `${fmt(o.eventsPerSecond)} ev/s`,
      baseline: `as stored (ciphertext): ${fmt(r.eventsPerSecond)} ev/s`,
      ratio: fmtRatio(o.eventsPerSecond, r.eventsPerSecond, 'ev/s'),
    });
    result.notes.push('privacy: the codec seals on append (AES-256-GCM, a synthetic IV) and opens on read; log readers look the keys up once per page, writers use keys cached for a minute.');
  } finally {
    await raw.close();
    await pool.end();
    await db.drop();
  }
  return result;
}
