import type pg from 'pg';
import type { EventStore } from '#libs/event-store';
import { applyBatch } from './projection-runner.js';
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
  eventStore: EventStore;
  projections: readonly Projection[];
  /** Only these projections (default: all). */
  names?: readonly string[];
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

/**
 * Rebuilds read models from the log into fresh tables in a side schema while the live ones keep
 * serving, then swaps them in and moves the checkpoint in one transaction. A runner working on the
 * old tables meanwhile notices the moved checkpoint (its compare-and-set fails) and carries on
 * from the rebuilt position.
 */
/** Returns the number of log events replayed (each selected read model replays all of them). */
export async function rebuildProjections(options: RebuildOptions): Promise<{ events: number; seconds: number }> {
  const selected = options.projections.filter((p) => !options.names?.length || options.names.includes(p.name));
  const unknown = options.names?.filter((n) => !options.projections.some((p) => p.name === n)) ?? [];
  if (unknown.length) {
    throw new Error(`unknown projection ${unknown.join(', ')}; known: ${options.projections.map((p) => p.name).join(', ')}`);
  }
  const started = Date.now();
  // Side by side: each reads the log itself, so on several cores they overlap.
  const counts = await Promise.all(selected.map((projection) => rebuildOne(options, projection)));
  return { events: Math.max(0, ...counts), seconds: (Date.now() - started) / 1000 };
}

async function rebuildOne(options: RebuildOptions, projection: Projection): Promise<number> {
  const { pool } = options;
  const schema = `rebuild_${projection.name}_${Date.now()}`;
  const total = Number(await options.eventStore.headPosition());
  await pool.query(`create schema ${schema}`);
  try {
    for (const table of [...projection.tables, 'projection_checkpoints']) {
      await pool.query(`create table ${schema}.${table} (like public.${table} including all)`);
    }
    await pool.query(`insert into ${schema}.projection_checkpoints (name, position) values ($1, 0)`, [projection.name]);

    const started = Date.now();
    let position = 0n;
    let processed = 0;
    for (;;) {
      const batch = await options.eventStore.readAll({ fromPosition: position, maxCount: options.batchSize ?? 2_000 });
      if (batch.length === 0) break;
      const last = batch[batch.length - 1]!.position;
      await applyBatch(pool, projection, batch, position, last, schema);
      position = last;
      processed += batch.length;
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      options.onProgress?.({ projection: projection.name, processed, total, eventsPerSecond: Math.round(processed / seconds) });
    }
    await swap(pool, projection, schema, position);
    return processed;
  } finally {
    await pool.query(`drop schema if exists ${schema} cascade`);
  }
}

async function swap(pool: pg.Pool, projection: Projection, schema: string, position: bigint): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select position from projection_checkpoints where name = $1 for update', [projection.name]);
    await client.query(`create schema ${schema}_old`);
    for (const table of projection.tables) {
      await client.query(`alter table public.${table} set schema ${schema}_old`);
      await client.query(`alter table ${schema}.${table} set schema public`);
    }
    await client.query(
      `insert into projection_checkpoints (name, position) values ($1, $2)
       on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [projection.name, position.toString()],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  await pool.query(`drop schema if exists ${schema}_old cascade`);
}
