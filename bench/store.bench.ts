import { randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import { ANY, NO_STREAM, PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { fmt, measure, scratchDatabase, type Row, type Timing } from './support.js';

const event = (n: number) => ({ type: 'BenchEvent', data: { n, customerId: `c-${n % 100}`, note: 'a small realistic payload' } });

/** Our PostgreSQL event store against Emmett's, same server, same run, synchronous_commit on. */
export async function storeBench(serverUrl: string, quick: boolean): Promise<Row[]> {
  const ours = await scratchDatabase(serverUrl, 'ours');
  const theirs = await scratchDatabase(serverUrl, 'emmett');
  const pool = createPool({ connectionString: ours.url, max: 20 });
  await runMigrations(pool, eventStoreMigrations);
  const store = new PostgresEventStore(pool, ours.url);
  const emmett = getPostgreSQLEventStore(theirs.url);
  await emmett.schema.migrate();
  const emmettPool = dumbo({ connectionString: theirs.url });
  const rows: Row[] = [];
  const n = quick ? 400 : 3_000;
  const add = (name: string, a: Timing, b: Timing, target: string, met?: boolean) =>
    rows.push({
      section: 'store',
      name,
      ours: `${fmt(a.eventsPerSecond)} ev/s, p50 ${fmt(a.p50, 2)} ms, p99 ${fmt(a.p99, 2)} ms`,
      baseline: `Emmett ${fmt(b.eventsPerSecond)} ev/s, p50 ${fmt(b.p50, 2)} ms, p99 ${fmt(b.p99, 2)} ms`,
      ratio: `${fmt(a.eventsPerSecond / b.eventsPerSecond, 2)}×`,
      target,
      verdict: met === undefined ? 'info' : met ? 'met' : 'missed',
    });
  try {
    const one = (i: number) => [{ id: randomUUID(), ...event(i) }];
    // Warm both up.
    await measure(50, 1, async (i) => (await store.appendToStream(`w-${i}`, one(i), { expectedRevision: NO_STREAM }), 1));
    await measure(50, 1, async (i) => (await emmett.appendToStream(`w-${i}`, [event(i)]), 1));

    const seqOurs = await measure(n, 1, async (i) => (await store.appendToStream(`seq-${i}`, one(i), { expectedRevision: NO_STREAM }), 1));
    const seqTheirs = await measure(n, 1, async (i) => (await emmett.appendToStream(`seq-${i}`, [event(i)]), 1));
    add('(a) sequential single-event appends to new streams', seqOurs, seqTheirs, '≥ 3× Emmett', seqOurs.eventsPerSecond >= 3 * seqTheirs.eventsPerSecond);

    const conOurs = await measure(n * 2, 16, async (i) => (await store.appendToStream(`con-${i}`, one(i), { expectedRevision: NO_STREAM }), 1));
    const conTheirs = await measure(n * 2, 16, async (i) => (await emmett.appendToStream(`con-${i}`, [event(i)]), 1));
    add('(b) 16 concurrent writers, single events', conOurs, conTheirs, '≥ 5,000 ev/s', conOurs.eventsPerSecond >= 5_000);

    for (const size of [100, 1_000]) {
      const batches = quick ? 10 : size === 100 ? 100 : 30;
      const batch = (i: number) => Array.from({ length: size }, (_, k) => ({ id: randomUUID(), ...event(i * size + k) }));
      const bOurs = await measure(batches, 1, async (i) => (await store.appendToStream(`b${size}-${i}`, batch(i), { expectedRevision: NO_STREAM }), size));
      const bTheirs = await measure(batches, 1, async (i) => (await emmett.appendToStream(`b${size}-${i}`, batch(i).map(({ type, data }) => ({ type, data }))), size));
      add(`(c) batches of ${fmt(size)} events`, bOurs, bTheirs, size === 1_000 ? '≥ 50,000 ev/s' : '—', size === 1_000 ? bOurs.eventsPerSecond >= 50_000 : undefined);
    }

    const reads = quick ? 20 : 100;
    const rOurs = await measure(reads, 1, async () => (await store.readStream('b1000-0')).length);
    const rTheirs = await measure(reads, 1, async () => (await emmett.readStream('b1000-0')).events.length);
    add('(d) read a 1,000-event stream', rOurs, rTheirs, '—');

    const allOurs = await measure(1, 1, async () => {
      let from: bigint | undefined;
      let total = 0;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: 1_000 });
        if (page.length === 0) return total;
        total += page.length;
        from = page[page.length - 1]!.position;
      }
    });
    const allTheirs = await measure(1, 1, async () => {
      let after = 0n;
      let total = 0;
      for (;;) {
        const page = await readMessagesBatch(emmettPool.execute, { after, batchSize: 1_000 });
        total += page.messages.length;
        if (!page.areMessagesLeft || page.messages.length === 0) return total;
        after = page.currentGlobalPosition;
      }
    });
    add('(e) catch-up read of all events', allOurs, allTheirs, '—');
    void ANY;
  } finally {
    await emmettPool.close();
    await emmett.close();
    await store.close();
    await pool.end();
    await ours.drop();
    await theirs.drop();
  }
  return rows;
}
