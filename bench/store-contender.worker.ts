// One event store under test, in its own process: its event loop, JIT, GC and `pg` type parsers
// (Emmett's dumbo replaces the global jsonb parser) never touch the other contender's figures.
// Driven by store.bench.ts over IPC; answers every command with a Sample.
import { randomUUID } from 'node:crypto';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch, type PostgresEventStore as EmmettEventStore } from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import pg from 'pg';
import { NO_STREAM, PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import type { NotifyPublisher } from '#libs/postgres';
import { createVariants, explainPreCheck, measureVariants, openPublisher, type Variant } from './es-append-variants.js';
import { timeOperations, type Sample } from './measure.js';
import type { ContenderName, Diagnosis, StoreCommand } from './store-protocol.js';

/** The operations both stores are measured on; each returns how many events it handled. */
interface Contender {
  /** Ours only: its pool and store, for `diagnose`. */
  pool?: pg.Pool;
  store?: PostgresEventStore;
  synchronousCommit(): Promise<string>;
  appendOne(stream: string, n: number): Promise<number>;
  appendBatch(stream: string, size: number, n: number): Promise<number>;
  readStream(stream: string): Promise<number>;
  /** Reads the whole log in pages; reports each page's latency. */
  catchUp(pageSize: number, onPage: (ms: number) => void): Promise<number>;
  close(): Promise<void>;
}

// A realistic event: a promise made to a customer, about 300 bytes of JSON.
const promiseMade = (n: number) => ({
  type: 'PromiseMade',
  data: {
    promiseId: `P-${n}`,
    customerId: `C-${n % 500}`,
    kind: 'DELIVERY',
    touchPoint: 'HUMAN',
    description: `Deliver purchase order ${n} complete, on the agreed pallet count`,
    madeAt: '2026-11-02T09:30:00.000Z',
    dueBy: '2026-11-20T17:00:00.000Z',
  },
  metadata: { correlationId: randomUUID(), actor: 'bench', source: 'bench', schemaVersion: 1 },
});

const POOL_SIZE = 20; // above the 16 concurrent writers, for both

async function ours(url: string): Promise<Contender> {
  const pool = createPool({ connectionString: url, max: POOL_SIZE, applicationName: 'bench-ours' });
  await runMigrations(pool, eventStoreMigrations);
  const store = new PostgresEventStore(pool, url);
  return {
    pool,
    store,
    synchronousCommit: async () => (await pool.query('show synchronous_commit')).rows[0].synchronous_commit,
    appendOne: async (stream, n) => {
      await store.appendToStream(stream, [{ id: randomUUID(), ...promiseMade(n) }], { expectedRevision: NO_STREAM });
      return 1;
    },
    appendBatch: async (stream, size, n) => {
      const events = Array.from({ length: size }, (_, k) => ({ id: randomUUID(), ...promiseMade(n * size + k) }));
      await store.appendToStream(stream, events, { expectedRevision: NO_STREAM });
      return size;
    },
    readStream: async (stream) => (await store.readStream(stream)).length,
    catchUp: async (pageSize, onPage) => {
      let total = 0;
      let from: bigint | undefined;
      for (;;) {
        const t = performance.now();
        const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
        onPage(performance.now() - t);
        if (page.length === 0) return total;
        total += page.length;
        from = page[page.length - 1]!.position;
      }
    },
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

async function emmett(url: string): Promise<Contender> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, application_name: 'bench-emmett' });
  const store: EmmettEventStore = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  const execute = dumbo({ connectionString: url, pool }).execute;
  return {
    synchronousCommit: async () => (await pool.query('show synchronous_commit')).rows[0].synchronous_commit,
    appendOne: async (stream, n) => {
      await store.appendToStream(stream, [promiseMade(n)], { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      return 1;
    },
    appendBatch: async (stream, size, n) => {
      const events = Array.from({ length: size }, (_, k) => promiseMade(n * size + k));
      await store.appendToStream(stream, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      return size;
    },
    readStream: async (stream) => (await store.readStream(stream)).events.length,
    // Emmett's consumers page through the log with readMessagesBatch: the same primitive.
    catchUp: async (pageSize, onPage) => {
      let total = 0;
      let after: bigint | undefined;
      for (;;) {
        const t = performance.now();
        const page = await readMessagesBatch(execute, after === undefined ? { from: 0n, batchSize: pageSize } : { after, batchSize: pageSize });
        onPage(performance.now() - t);
        total += page.messages.length;
        if (!page.areMessagesLeft || page.messages.length === 0) return total;
        after = page.currentGlobalPosition;
      }
    },
    close: async () => {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** The physical floor of a durable single-event append: one one-row INSERT, one commit. */
async function floorTable(url: string) {
  const pool = createPool({ connectionString: url, max: 1, applicationName: 'bench-floor' });
  await pool.query('create table if not exists bench_floor (id uuid primary key, data jsonb not null)');
  return {
    insert: async (n: number) => {
      await pool.query('insert into bench_floor values ($1, $2)', [randomUUID(), JSON.stringify(promiseMade(n).data)]);
      return 1;
    },
    close: () => pool.end(),
  };
}

const [name, url] = process.argv.slice(2) as [ContenderName, string];
const contender = await (name === 'ours' ? ours(url) : emmett(url));
const floor = name === 'ours' ? await floorTable(url) : undefined;
let serial = 0;
let diagnosis: { variants: Variant[]; publisher: NotifyPublisher } | undefined;

async function diagnose(run: { workers: number; count: number; chunks: number; size: number }): Promise<Diagnosis> {
  const { pool, store } = contender;
  if (!pool || !store) throw new Error('only our store can be diagnosed');
  diagnosis ??= { variants: createVariants(), publisher: openPublisher(url) };
  const preCheck = await explainPreCheck(pool);
  const logEvents = Number((await pool.query('select count(*) as n from es_events')).rows[0].n);
  const samples = await measureVariants(url, pool, store, diagnosis.publisher, diagnosis.variants, run);
  return { logEvents, preCheck, variants: diagnosis.variants.map((v) => [v.name, samples.get(v.name)?.latencies.length ? samples.get(v.name)! : null]) };
}

async function run(command: StoreCommand): Promise<Sample | Diagnosis | string> {
  switch (command.op) {
    case 'synchronousCommit':
      return contender.synchronousCommit();
    case 'appendOne': {
      const base = serial;
      serial += command.count;
      return timeOperations(command.count, command.workers, (i) => contender.appendOne(`promise-${command.tag}-${base + i}`, base + i));
    }
    case 'appendBatch': {
      const base = serial;
      serial += command.count;
      return timeOperations(command.count, 1, (i) => contender.appendBatch(`promise-${command.tag}-${base + i}`, command.size, base + i));
    }
    case 'seedStream':
      return timeOperations(1, 1, () => contender.appendBatch(command.stream, command.size, 0));
    case 'readStream':
      return timeOperations(command.count, 1, () => contender.readStream(command.stream));
    case 'catchUp': {
      const latencies: number[] = [];
      const started = performance.now();
      const events = await contender.catchUp(command.pageSize, (ms) => latencies.push(ms));
      return { events, seconds: (performance.now() - started) / 1000, latencies };
    }
    case 'floorInsert':
      if (!floor) throw new Error('only the ours worker owns the floor table');
      return timeOperations(command.count, 1, (i) => floor.insert(i));
    case 'diagnose':
      return diagnose(command);
    case 'close':
      await diagnosis?.publisher.close();
      await contender.close();
      await floor?.close();
      return 'closed';
  }
}

process.on('message', (message: { id: number; command: StoreCommand }) => {
  run(message.command).then(
    (result) => {
      process.send!({ id: message.id, result });
      // Exit by draining, so --cpu-prof can write its profile.
      if (message.command.op === 'close') process.disconnect();
    },
    (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
process.send!({ ready: true });
