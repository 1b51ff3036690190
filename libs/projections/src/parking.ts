import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import type { Projection } from './projection.js';

/** An event a projection could not apply, set aside so the projection could go on. */
export interface ParkedEvent {
  projection: string;
  position: bigint;
  eventId: string;
  stream: string;
  type: string;
  error: string;
  attempts: number;
  parkedAt: Date;
}

/** Tries of one event, in its own transaction, before it is parked. */
export const PARK_AFTER_ATTEMPTS = 3;
const RETRY_DELAYS_MS = [100, 400];

/** The checkpoint moved under a batch (another runner, or a rebuild's swap): not the event's fault. */
export class CheckpointMovedError extends Error {}

// SQLSTATE classes of the environment, not of the data: connection (08), operator intervention
// such as a shutdown (57), insufficient resources (53), transaction rollback such as a deadlock
// or serialization failure (40), system errors (58).
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Whether a failure to apply events says something about the events (a poison event: retrying the
 * same event will fail the same way) rather than about the database being unreachable or busy,
 * which must never park anything: the runner waits and starts again from its checkpoint.
 */
export function isPoisonFailure(error: unknown): boolean {
  if (error instanceof CheckpointMovedError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return !TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
    if (/^E[A-Z]+$/.test(code)) return false; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT…
  }
  const message = error instanceof Error ? error.message : String(error);
  return !/connection|terminat|timeout|shutting down|ECONN/i.test(message);
}

/**
 * Applies `events` and moves the checkpoint from `from` to their last position, in one
 * transaction (the runner's `applyBatch`, or a rebuild's into its side schema).
 */
export type ApplyRange = (events: readonly StoredEvent[], from: bigint, to: bigint) => Promise<void>;

/**
 * Applies a batch; when it fails on its data, applies its events one by one, each tried a few
 * times, and parks the ones that still fail (recorded with the error, the checkpoint moved past
 * them in the same transaction), so that no single event can stop a projection.
 * @returns the events parked (none when the batch applied whole).
 */
export async function applyOrPark(
  pool: pg.Pool,
  projection: Projection,
  batch: readonly StoredEvent[],
  from: bigint,
  applyRange: ApplyRange,
  options: { schema?: string; sleep?: (ms: number) => Promise<void> } = {},
): Promise<StoredEvent[]> {
  const last = batch[batch.length - 1]!.position;
  try {
    await applyRange(batch, from, last);
    return [];
  } catch (error) {
    if (!isPoisonFailure(error)) throw error;
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const parked: StoredEvent[] = [];
  let checkpoint = from;
  for (const event of batch) {
    let failure: unknown;
    for (let attempt = 1; attempt <= PARK_AFTER_ATTEMPTS; attempt++) {
      try {
        await applyRange([event], checkpoint, event.position);
        failure = undefined;
        break;
      } catch (error) {
        if (!isPoisonFailure(error)) throw error;
        failure = error;
        if (attempt < PARK_AFTER_ATTEMPTS) await sleep(RETRY_DELAYS_MS[attempt - 1] ?? 1_000);
      }
    }
    if (failure !== undefined) {
      await park(pool, projection.name, event, checkpoint, failure, options.schema);
      parked.push(event);
    }
    checkpoint = event.position;
  }
  return parked;
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2_000);

/** Records the event as parked and moves the checkpoint past it, if the checkpoint is still at `from`. */
async function park(pool: pg.Pool, name: string, event: StoredEvent, from: bigint, error: unknown, schema?: string): Promise<void> {
  const prefix = schema ? `${schema}.` : '';
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ position: string }>(`select position from ${prefix}projection_checkpoints where name = $1 for update`, [name]);
    if (rows[0]?.position !== from.toString()) throw new CheckpointMovedError(`checkpoint of ${name} moved`);
    await client.query(
      `insert into ${prefix}projection_parked (projection, position, event_id, stream, type, error, attempts)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (projection, position) do update set error = excluded.error, attempts = excluded.attempts, parked_at = now()`,
      [name, event.position.toString(), event.id, event.stream, event.type, describe(error), PARK_AFTER_ATTEMPTS],
    );
    await client.query(`update ${prefix}projection_checkpoints set position = $2, updated_at = now() where name = $1`, [
      name,
      event.position.toString(),
    ]);
    await client.query('commit');
  } catch (failure) {
    await client.query('rollback').catch(() => undefined);
    throw failure;
  } finally {
    client.release();
  }
}

interface ParkedRow {
  projection: string;
  position: string;
  event_id: string;
  stream: string;
  type: string;
  error: string;
  attempts: number;
  parked_at: Date;
}

const toParked = (r: ParkedRow): ParkedEvent => ({
  projection: r.projection,
  position: BigInt(r.position),
  eventId: r.event_id,
  stream: r.stream,
  type: r.type,
  error: r.error,
  attempts: r.attempts,
  parkedAt: r.parked_at,
});

/** Every parked event, oldest first (optionally of one projection). */
export async function listParkedEvents(pool: pg.Pool, projection?: string): Promise<ParkedEvent[]> {
  const { rows } = await pool.query<ParkedRow>(
    `select projection, position::text, event_id, stream, type, error, attempts, parked_at from projection_parked
      where $1::text is null or projection = $1 order by position, projection`,
    [projection ?? null],
  );
  return rows.map(toParked);
}

/** How many events each projection has parked (only projections with some). */
export async function countParkedEvents(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ projection: string; n: number }>('select projection, count(*)::int as n from projection_parked group by projection');
  return Object.fromEntries(rows.map((r) => [r.projection, r.n]));
}

/**
 * Applies parked events again, oldest first (after a fix to the projection), each in its own
 * transaction with the projection's checkpoint row locked, so it never interleaves with a batch
 * of the runner. An event that applies is no longer parked; one that fails stays parked with the
 * new error. Applied out of order, an event changes the read model as it would have then; a
 * rebuild gives the read model exactly as if it had never been parked.
 */
export async function retryParkedEvents(
  pool: pg.Pool,
  readEvent: (position: bigint) => Promise<StoredEvent | undefined>,
  projections: readonly Projection[],
  only?: { projection?: string; position?: bigint },
): Promise<{ applied: ParkedEvent[]; failed: ParkedEvent[] }> {
  const parked = (await listParkedEvents(pool, only?.projection)).filter((p) => only?.position === undefined || p.position === only.position);
  const applied: ParkedEvent[] = [];
  const failed: ParkedEvent[] = [];
  for (const entry of parked) {
    const projection = projections.find((p) => p.name === entry.projection);
    const event = await readEvent(entry.position);
    const client = await pool.connect();
    try {
      if (!projection) throw new Error(`no projection named ${entry.projection} in this version`);
      if (!event || event.id !== entry.eventId) throw new Error(`the log has no event ${entry.eventId} at position ${entry.position}`);
      await client.query('begin');
      await client.query('select position from projection_checkpoints where name = $1 for update', [entry.projection]);
      await projection.apply([event], client);
      await client.query('delete from projection_parked where projection = $1 and position = $2', [entry.projection, entry.position.toString()]);
      await client.query('commit');
      applied.push(entry);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      await pool.query('update projection_parked set error = $3, attempts = attempts + 1 where projection = $1 and position = $2', [
        entry.projection,
        entry.position.toString(),
        describe(error),
      ]);
      failed.push({ ...entry, error: describe(error), attempts: entry.attempts + 1 });
    } finally {
      client.release();
    }
  }
  return { applied, failed };
}
