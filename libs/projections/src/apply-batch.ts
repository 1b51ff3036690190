import type pg from 'pg';
import type { Projection } from './projection.js';
import { CheckpointMovedError } from './parking.js';
import { writingInBulk } from './sql/row-batch.writer.js';

/** Where a batch is applied: the live tables, or a rebuild's side schema. */
export interface BatchTarget {
  /** The side schema of a rebuild (default: the live tables; the runner announces the checkpoint after the commit). */
  schema?: string;
}

/**
 * Applies a batch and moves the checkpoint from `from` to `to` in one transaction. The checkpoint
 * row is locked first, before any read-model table: a rebuild's swap locks it first too, so the
 * two queue up instead of deadlocking, and a moved checkpoint is noticed before any work is done.
 */
export async function applyBatch(
  pool: pg.Pool,
  projection: Projection,
  batch: Parameters<Projection['apply']>[0],
  from: bigint,
  to: bigint,
  target: BatchTarget = {},
): Promise<void> {
  const { schema } = target;
  const checkpoints = schema ? `${schema}.projection_checkpoints` : 'projection_checkpoints';
  const client = await pool.connect();
  try {
    // Read models are derived from the durable log, and the checkpoint commits with them: should
    // the server crash before this commit reaches the disk, both go back together and the batch
    // is applied again from the log. So a batch need not wait for the disk (a rebuild's swap
    // commits synchronously, which flushes everything before it). The statements around the
    // projection's own travel in two round trips, not five (simple protocol: the name is quoted,
    // positions are integers).
    const name = client.escapeLiteral(projection.name);
    const opened = (await client.query(
      `begin; set local synchronous_commit = off${schema ? `; set local search_path = ${schema}, public` : ''}; ` +
        `select position from ${checkpoints} where name = ${name} for update`,
    )) as unknown as pg.QueryResult<{ position: string }>[];
    const { rows } = opened[opened.length - 1]!;
    if (rows[0]?.position !== from.toString()) throw new CheckpointMovedError(`checkpoint of ${projection.name} moved`);
    // A rebuild's side tables are filled in large batches nothing else writes to: bulk writes.
    const bulk = schema ? writingInBulk(client) : undefined;
    try {
      await projection.apply(batch, client);
    } finally {
      bulk?.done();
    }
    await client.query(`update ${checkpoints} set position = ${to.toString()}, updated_at = now() where name = ${name}; commit`);
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
