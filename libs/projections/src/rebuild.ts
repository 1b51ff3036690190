import type pg from 'pg';
import type { EventStore, StoredEvent } from '#libs/event-store';
import { projectionLockKey } from './projection-runner.js';
import { CHECKPOINT_CHANNEL } from './checkpoint-progress.js';
import { applyBatch } from './apply-batch.js';
import { applyOrPark } from './parking.js';
import type { Projection } from './projection.js';

export interface RebuildProgress {
  projection: string;
  processed: number;
  /** Events in the log when the rebuild started (an estimate: the log keeps growing). */
  total: number;
  eventsPerSecond: number;
}

export interface RebuildOptions {
  pool: pg.Pool;
  /** Accepted for symmetry with the runner's options; the rebuild needs only the pool. */
  connectionString?: string;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** Only these projections (default: all). */
  names?: readonly string[];
  /** Events read from the log per batch (default 10,000). */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/** A projection's copy of its tables in a side schema, filled while the live tables keep serving. */
interface Side {
  projection: Projection;
  schema: string;
  /** `create index` statements to run once the copy is filled, by table. */
  deferredIndexes: Map<string, string[]>;
}

/**
 * Large batches: a row changed by several events of a batch is written once, and the statements
 * and commits per batch are spread over more events.
 */
const DEFAULT_BATCH_SIZE = 10_000;
/** Batches applied at once (each side applies them one after another, in log order). */
const PIPELINE_DEPTH = 2;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const HORIZON_RETRY_MS = 20;
/** Sort memory for the index builds after the load (the server's default is often 64 MB). */
const MAINTENANCE_WORK_MEM = '256MB';

/**
 * Rebuilds read models from the start of the log into fresh tables in a side schema while the
 * live ones keep serving, then swaps them in and moves their checkpoints in one transaction. The
 * log is read once for all selected projections. A runner working on the old tables meanwhile
 * notices the moved checkpoint (its compare-and-set fails) and carries on from the rebuilt position.
 * @returns the number of log events replayed and the wall time, swap included.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<{ events: number; seconds: number }> {
  const unknown = options.names?.filter((n) => !options.projections.some((p) => p.name === n)) ?? [];
  if (unknown.length) {
    throw new Error(`unknown projection ${unknown.join(', ')}; known: ${options.projections.map((p) => p.name).join(', ')}`);
  }
  const selected = options.projections.filter((p) => !options.names?.length || options.names.includes(p.name));
  for (const name of selected.flatMap((p) => [p.name, ...p.tables])) {
    if (!IDENTIFIER.test(name)) throw new Error(`projection and table names must be plain identifiers, not "${name}"`);
  }
  // Two rebuilds at once would swap each other's tables out: the second one is refused.
  const guard = await options.pool.connect();
  let locked = false;
  try {
    const { rows } = await guard.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [projectionLockKey('rebuild')]);
    locked = rows[0]!.locked;
  } finally {
    if (!locked) guard.release();
  }
  if (!locked) throw new Error('another projection rebuild is running on this database');
  // Holding the lock, no other rebuild is running: side schemas still there were left by one that
  // was killed (each holds a full copy of its tables).
  await dropLeftoverSides(options.pool);
  const started = Date.now();
  const sides: Side[] = [];
  try {
    for (const projection of selected) sides.push(await prepareSide(options.pool, projection, started));
    const { events, position } = await replay(options, sides);
    await Promise.all(sides.map((side) => completeSide(options.pool, side)));
    await swap(options.pool, sides, position);
    return { events, seconds: (Date.now() - started) / 1000 };
  } finally {
    for (const side of sides) await options.pool.query(`drop schema if exists ${side.schema} cascade`);
    await guard.query('select pg_advisory_unlock($1::bigint)', [projectionLockKey('rebuild')]).catch(() => undefined);
    guard.release();
  }
}

async function dropLeftoverSides(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(`select nspname as name from pg_namespace where nspname like 'rebuild\\_%'`);
  for (const { name } of rows) {
    if (IDENTIFIER.test(name)) await pool.query(`drop schema if exists ${name} cascade`);
  }
}

/**
 * Copies the live tables' definitions with only their primary keys and unique indexes (the
 * replay looks rows up and upserts by them). The other indexes keep their names and are built
 * once the copy is filled, which is much cheaper than maintaining them row by row.
 */
async function prepareSide(pool: pg.Pool, projection: Projection, stamp: number): Promise<Side> {
  const schema = `rebuild_${projection.name}_${stamp}`;
  const side: Side = { projection, schema, deferredIndexes: new Map() };
  await pool.query(`create schema ${schema}`);
  await pool.query(`create table ${schema}.projection_checkpoints (like public.projection_checkpoints including all)`);
  await pool.query(`insert into ${schema}.projection_checkpoints (name, position) values ($1, 0)`, [projection.name]);
  await pool.query(`create table ${schema}.projection_parked (like public.projection_parked including all)`);
  for (const table of projection.tables) {
    await pool.query(`create table ${schema}.${table} (like public.${table} including all excluding indexes)`);
    const { rows } = await pool.query<{ name: string; definition: string; unique: boolean; constraint_name: string | null; constraint_type: string | null }>(
      `select i.relname as name, pg_get_indexdef(i.oid) as definition, x.indisunique as unique,
              c.conname as constraint_name, c.contype as constraint_type
         from pg_index x
         join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid
         join pg_namespace n on n.oid = t.relnamespace
         left join pg_constraint c on c.conindid = i.oid and c.conrelid = t.oid
        where n.nspname = 'public' and t.relname = $1
        order by i.relname`,
      [table],
    );
    for (const index of rows) {
      const definition = onSchema(index.definition, schema, table);
      if (!index.unique) {
        side.deferredIndexes.set(table, [...(side.deferredIndexes.get(table) ?? []), definition]);
        continue;
      }
      await pool.query(definition);
      if (index.constraint_name) {
        const kind = index.constraint_type === 'p' ? 'primary key' : 'unique';
        await pool.query(`alter table ${schema}.${table} add constraint ${index.constraint_name} ${kind} using index ${index.name}`);
      }
    }
  }
  return side;
}

/** `create index x on public.t …` → `create index x on side.t …` (an index lives in its table's schema). */
function onSchema(definition: string, schema: string, table: string): string {
  const match = /^(CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?)(\S+)( .*)$/s.exec(definition);
  if (!match || match[2] !== `public.${table}`) throw new Error(`cannot copy index definition: ${definition}`);
  return `${match[1]}${schema}.${table}${match[3]}`;
}

/**
 * Reads the log once and applies each batch to every side; the next read overlaps the writes.
 * It reads at least up to the head seen at the start: a read can come back empty early while a
 * transaction anywhere on the server holds the log's safe horizon back (the event store's xmin
 * guard), and that must not end the rebuild short of events committed before it began.
 */
async function replay(options: RebuildOptions, sides: readonly Side[]): Promise<{ events: number; position: bigint }> {
  const { pool, eventStore } = options;
  const target = await eventStore.headPosition();
  const total = Number(target);
  const maxCount = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const read = (fromPosition: bigint) => {
    const pending = eventStore.readAll({ fromPosition, maxCount });
    pending.catch(() => undefined); // awaited below; a failing apply must not leave it unhandled
    return pending;
  };
  const started = Date.now();
  let position = 0n;
  let events = 0;
  let applied = 0;
  // Each side applies the batches in order on a chain of its own, so a side may start the next
  // batch while another still writes this one; reading waits once PIPELINE_DEPTH are in flight.
  const chains: Promise<void>[] = sides.map(() => Promise.resolve());
  const inFlight: Promise<void>[] = [];
  const apply = (side: Side, batch: StoredEvent[], from: bigint) =>
    // An event a projection cannot apply is parked here too, so it cannot fail the rebuild.
    applyOrPark(pool, side.projection, batch, from, (events, a, b) => applyBatch(pool, side.projection, events, a, b, { schema: side.schema }), {
      schema: side.schema,
    }).then(() => undefined);
  let next: Promise<StoredEvent[]> = read(position);
  try {
    for (;;) {
      const batch = await next;
      if (batch.length === 0) {
        if (position >= target) break;
        await new Promise((r) => setTimeout(r, HORIZON_RETRY_MS));
        next = read(position);
        continue;
      }
      const last = batch[batch.length - 1]!.position;
      next = read(last);
      const from = position;
      const applying = sides.map((side, i) => (chains[i] = chains[i]!.then(() => apply(side, batch, from))));
      const done = Promise.all(applying).then(() => {
        applied += batch.length;
        const eventsPerSecond = Math.round(applied / Math.max((Date.now() - started) / 1000, 0.001));
        for (const side of sides) {
          options.onProgress?.({ projection: side.projection.name, processed: applied, total: Math.max(total, applied), eventsPerSecond });
        }
      });
      done.catch(() => undefined); // awaited below, in order
      inFlight.push(done);
      position = last;
      events += batch.length;
      if (inFlight.length >= PIPELINE_DEPTH) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } catch (error) {
    // No side may still be writing when the caller drops the side schemas.
    await Promise.allSettled(chains);
    throw error;
  }
  return { events, position };
}

/**
 * Builds a side's deferred indexes and analyzes its tables, a table per session at a time (the
 * pool bounds how many run at once), with room to sort in memory.
 */
async function completeSide(pool: pg.Pool, side: Side): Promise<void> {
  await Promise.all(
    side.projection.tables.map(async (table) => {
      const client = await pool.connect();
      try {
        await client.query(`begin; set local maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
        for (const definition of side.deferredIndexes.get(table) ?? []) await client.query(definition);
        // Fresh tables have no statistics until autovacuum comes by: the first queries would plan blind.
        await client.query(`analyze ${side.schema}.${table}; commit`);
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }),
  );
}

/**
 * Moves the live tables out and the rebuilt ones in, and sets the checkpoints, in one transaction.
 * The checkpoint rows are locked first, as every runner's batch does, so a batch in flight
 * finishes before the swap and the next one waits for it (then finds its checkpoint moved).
 */
async function swap(pool: pg.Pool, sides: readonly Side[], position: bigint): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select name from projection_checkpoints where name = any($1) order by name for update', [
      sides.map((s) => s.projection.name),
    ]);
    for (const side of sides) {
      await client.query(`create schema ${side.schema}_old`);
      for (const table of side.projection.tables) {
        await client.query(`alter table public.${table} set schema ${side.schema}_old`);
        await client.query(`alter table ${side.schema}.${table} set schema public`);
      }
      // The rebuilt read model's parked events replace the old ones.
      await client.query('delete from projection_parked where projection = $1', [side.projection.name]);
      await client.query(`insert into projection_parked select * from ${side.schema}.projection_parked`);
      await client.query(
        `insert into projection_checkpoints (name, position) values ($1, $2)
         on conflict (name) do update set position = excluded.position, updated_at = now()`,
        [side.projection.name, position.toString()],
      );
      await client.query('select pg_notify($1, $2)', [CHECKPOINT_CHANNEL, `${side.projection.name}:${position}`]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  for (const side of sides) await pool.query(`drop schema if exists ${side.schema}_old cascade`);
}
