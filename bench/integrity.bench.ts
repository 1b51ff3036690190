import { randomUUID } from 'node:crypto';
import { ANY, LedgerChainSealer, PostgresEventStore, eventStoreMigrations, verifyLedgerChain, type StreamAppend } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { scratchDatabase } from './bench-database.js';
import { addSample, emptySample, summarise, timeOperations } from './measure.js';
import { emptyResult, fmt, fmtRate, fmtRatio, judge, type SectionResult } from './report.js';

export interface IntegrityOptions {
  quick: boolean;
  log: (message: string) => void;
}

const WRITERS = 16;

const eventData = (i: number) => ({
  customerId: `c-${i % 5_000}`,
  kind: 'DELIVERY',
  description: `Deliver order ${i} before the end of the week, as agreed on the phone`,
  dueBy: '2027-01-15T17:00:00.000Z',
  amount: { minor: String(i * 13), currency: 'EUR' },
});

/**
 * Issue 15 — the hash chain: single-event appends by 16 writers with the chain sealer running in
 * the same process vs without (alternating rounds, same run), then sealing and verification rates
 * over a log of 200,000 events (50,000 with --quick).
 */
export async function integrityBench(serverUrl: string, options: IntegrityOptions): Promise<SectionResult> {
  const result = emptyResult();
  const db = await scratchDatabase(serverUrl, 'integrity');
  const pool = createPool({ connectionString: db.url, max: WRITERS + 4 });
  const store = new PostgresEventStore(pool, db.url);
  const sealer = new LedgerChainSealer(pool);
  try {
    await runMigrations(pool, eventStoreMigrations);
    const rounds = options.quick ? 2 : 4;
    const perRound = options.quick ? 3_000 : 10_000;
    const samples = { without: emptySample(), with: emptySample() };
    let n = 0;
    const append = async () => {
      const i = n++;
      await store.appendToStream(`promise-${randomUUID()}`, [{ id: randomUUID(), type: 'PromiseMade', data: eventData(i), metadata: { actor: 'bench' } }], { expectedRevision: ANY });
      return 1;
    };
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        // Each 'with' round starts with the chain caught up, as a running server's would be.
        await sealer.sealPending();
        if (mode === 'with') sealer.start();
        addSample(samples[mode], await timeOperations(perRound, WRITERS, append));
        if (mode === 'with') await sealer.stop();
      }
    }
    const without = summarise(samples.without);
    const withChain = summarise(samples.with);
    options.log(`integrity: appends without the sealer ${fmt(without.eventsPerSecond)} ev/s, with ${fmt(withChain.eventsPerSecond)} ev/s`);
    result.figures.push({
      section: 'integrity',
      name: `${WRITERS} concurrent writers, single-event appends, the chain sealer running in the same process`,
      ours: fmtRate(withChain),
      baseline: `${fmtRate(without)} (no sealer)`,
      ratio: fmtRatio(withChain.eventsPerSecond, without.eventsPerSecond, 'ev/s'),
    });
    const ratio = withChain.eventsPerSecond / Math.max(without.eventsPerSecond, 1);
    result.targets.push(judge('integrity.appendCost', ratio >= 0.9, `${fmt(ratio * 100, 1)} % (${fmt(withChain.eventsPerSecond)} vs ${fmt(without.eventsPerSecond)} ev/s)`));

    const total = options.quick ? 50_000 : 200_000;
    const { rows: [count] } = await pool.query<{ n: number }>('select count(*)::int as n from es_events');
    for (let i = count!.n; i < total; i += 1_000) {
      const appends: StreamAppend[] = Array.from({ length: 10 }, () => ({
        stream: `promise-${randomUUID()}`,
        events: Array.from({ length: 100 }, (_, k) => ({ id: randomUUID(), type: 'PromiseMade', data: eventData(i + k), metadata: { actor: 'bench' } })),
        expectedRevision: ANY,
      }));
      await store.appendToStreams(appends);
    }
    const events = (await pool.query<{ n: number }>('select count(*)::int as n from es_events')).rows[0]!.n;
    let started = performance.now();
    const sealed = await sealer.sealPending();
    const sealSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const report = await verifyLedgerChain(pool);
    const verifySeconds = (performance.now() - started) / 1000;
    if (!report.verified || report.eventsChecked !== events) throw new Error(`the chain did not verify: ${report.problem ?? `${report.eventsChecked} of ${events} events`}`);
    const verifyRate = events / verifySeconds;
    options.log(`integrity: sealed ${sealed} events at ${fmt(sealed / sealSeconds)} ev/s; verified ${events} at ${fmt(verifyRate)} ev/s`);
    result.figures.push({
      section: 'integrity',
      name: `Verification of ${fmt(events)} chained events (\`ledger verify\`: keyset pages, SHA-256 in Node)`,
      ours: `${fmt(verifyRate)} ev/s (${fmt(verifySeconds, 2)} s)`,
      baseline: `sealing the same log: ${fmt(sealed / sealSeconds)} ev/s (${fmt(sealed)} events)`,
      ratio: '—',
    });
    result.targets.push(judge('integrity.verifyRate', verifyRate >= 100_000, `${fmt(verifyRate)} events/s over ${fmt(events)} events`));
    result.notes.push(
      'integrity: the sealer chains committed events outside es_append (its own transactions, under an advisory lock); the append rounds alternate with and without it, each starting with the chain caught up.',
    );
    return result;
  } finally {
    await sealer.stop();
    await store.close();
    await pool.end();
    await db.drop();
  }
}
