import { createHash } from 'node:crypto';
import pg from 'pg';
import type { AllSubscription, EventStore } from '#libs/event-store';
import { NotifyPublisher } from '#libs/postgres';
import { ProjectionLagError, type Projection, type ProjectionLog } from './projection.js';
import { CheckpointMovedError, applyOrPark } from './parking.js';

export interface ProjectionRunnerOptions {
  /** Read-model transactions and checkpoint reads. */
  pool: pg.Pool;
  /** For the dedicated sessions: one per projection holding its advisory lock, one listening for checkpoints. */
  connectionString: string;
  eventStore: EventStore;
  projections: readonly Projection[];
  log?: ProjectionLog;
  /** Events per read-model transaction (default 1,000). */
  batchSize?: number;
}

/** Notified with `name:position` whenever a projection's checkpoint commits. */
export const CHECKPOINT_CHANNEL = 'projection_checkpoints';
const STANDBY_RETRY_MS = 2_000;
const FALLBACK_POLL_MS = 250;

/** Per-projection advisory lock key: one active runner per projection across processes. */
export const projectionLockKey = (name: string): string =>
  BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`projection:${name}`).digest('hex').slice(0, 16)}`)).toString();

/** Parked event ids remembered for waiting mutations (older ones are in projection_parked). */
const MAX_REMEMBERED_PARKED = 10_000;

/** An event of a waiting mutation that a projection could not apply, and parked. */
export interface UnappliedEvent {
  eventId: string;
  projection: string;
}

/**
 * Feeds each projection from the log through a checkpointed subscription: a batch's read-model
 * changes and the checkpoint commit in one transaction, and the checkpoint only moves from the
 * value this runner read (compare-and-set), so no event is ever applied twice or skipped.
 */
export class ProjectionRunner {
  private readonly log: ProjectionLog;
  private readonly positions = new Map<string, bigint>();
  /** Event id → the projection that parked it. */
  private readonly parked = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  private readonly stops: (() => Promise<void>)[] = [];
  private listener: pg.Client | undefined;
  /** The positions were read after the listener's LISTEN took effect. */
  private listenerSynced = false;
  private listening: Promise<void> | undefined;
  private running = false;
  private publisher: NotifyPublisher | undefined;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  get names(): string[] {
    return this.options.projections.map((p) => p.name);
  }

  /**
   * Starts every projection: each stands by until it holds its lock (one active runner per
   * projection across processes), then catches up from its checkpoint and follows the log.
   * A runner that only serves `waitFor` need not be started.
   */
  async start(): Promise<void> {
    this.running = true;
    await this.ensureCheckpoints();
    for (const projection of this.options.projections) this.stops.push(this.run(projection));
  }

  /** Stops following the log once the batch in flight has committed, and releases the locks. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.stops.splice(0).map((stop) => stop()));
    const listener = this.listener;
    this.listener = undefined;
    this.listenerSynced = false;
    await listener?.end().catch(() => undefined);
    await this.publisher?.close();
    this.publisher = undefined;
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves once every projection's checkpoint has reached `position`, whichever process runs
   * them: woken by the checkpoint notifications, with a poll of the checkpoint table as fallback.
   * @returns those of `eventIds` that a projection parked instead of applying (normally none).
   * @throws ProjectionLagError (code `UNAVAILABLE`) naming the projections still behind after `timeoutMs`.
   */
  async waitFor(position: bigint, timeoutMs: number, eventIds: readonly string[] = []): Promise<UnappliedEvent[]> {
    await this.reachPosition(position, timeoutMs);
    const unapplied: UnappliedEvent[] = [];
    for (const eventId of eventIds) {
      const projection = this.parked.get(eventId);
      if (projection) unapplied.push({ eventId, projection });
    }
    return unapplied;
  }

  private async reachPosition(position: bigint, timeoutMs: number): Promise<void> {
    if (this.reached(position)) return;
    await this.ensureListener();
    const deadline = Date.now() + timeoutMs;
    // Once listening, every checkpoint that commits is announced: the table is read once after
    // LISTEN took effect (and whenever nobody listens), not by every waiting mutation.
    if (!this.listenerSynced) {
      const listener = this.listener;
      await this.refreshPositions();
      if (listener && this.listener === listener) this.listenerSynced = true;
    }
    while (!this.reached(position)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        await this.refreshPositions();
        if (this.reached(position)) return;
        const stuck = this.names.filter((n) => (this.positions.get(n) ?? 0n) < position);
        throw new ProjectionLagError(
          `read models did not catch up within ${timeoutMs} ms (projection ${stuck.join(', ')} is behind position ${position})`,
        );
      }
      // A notification carries the new checkpoint, so only a timed-out wait needs the table.
      const notified = await new Promise<boolean>((resolve) => {
        const done = (woken: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve(woken);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), Math.min(left, FALLBACK_POLL_MS));
        this.waiters.add(wake);
      });
      if (!notified || !this.listener) await this.refreshPositions();
    }
  }

  private reached(position: bigint): boolean {
    return this.names.every((n) => (this.positions.get(n) ?? -1n) >= position);
  }

  private noteCheckpoint(name: string, position: bigint, parkedIds: readonly string[] = []): void {
    for (const id of parkedIds) {
      this.parked.set(id, name);
      if (this.parked.size > MAX_REMEMBERED_PARKED) this.parked.delete(this.parked.keys().next().value!);
    }
    if ((this.positions.get(name) ?? -1n) < position) this.positions.set(name, position);
    for (const wake of [...this.waiters]) wake();
  }

  /** Checkpoints, and the events parked lately (a notification may have been missed). */
  private async refreshPositions(): Promise<void> {
    const { rows } = await this.options.pool.query<{ name: string; position: string; event_id: string | null }>(
      `select name, position::text, null as event_id from projection_checkpoints where name = any($1)
       union all
       select projection, position::text, event_id from projection_parked where parked_at > now() - interval '1 hour'`,
      [this.names],
    );
    for (const row of rows) {
      if (row.event_id) this.noteCheckpoint(row.name, -1n, [row.event_id]);
      else this.noteCheckpoint(row.name, BigInt(row.position));
    }
  }

  /** Resolves once LISTEN took effect on the shared listener (or failed: the poll takes over). */
  private ensureListener(): Promise<void> {
    if (this.listener) return this.listening ?? Promise.resolve();
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'promise-ledger-checkpoints' });
    client.on('notification', (message) => {
      const [name, position, parked] = (message.payload ?? '').split(':');
      if (name && position) this.noteCheckpoint(name, BigInt(position), parked ? parked.split(',') : []);
    });
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.listenerSynced = false;
    };
    client.on('error', lost);
    client.on('end', lost);
    this.listener = client;
    this.listening = (async () => {
      try {
        await client.connect();
        await client.query(`listen ${CHECKPOINT_CHANNEL}`);
      } catch {
        lost(); // the fallback poll still works
        await client.end().catch(() => undefined);
      }
    })();
    return this.listening;
  }

  private async ensureCheckpoints(): Promise<void> {
    await this.options.pool.query(
      'insert into projection_checkpoints (name, position) select unnest($1::text[]), 0 on conflict (name) do nothing',
      [this.names],
    );
  }

  /** Runs one projection until stopped: stand by for its lock, then catch up and follow the log. */
  private run(projection: Projection): () => Promise<void> {
    let lock: pg.Client | undefined;
    let subscription: AllSubscription | undefined;
    const following = (s: AllSubscription) => {
      subscription = s;
      // stop() may have run while this subscription was being opened.
      if (!this.running) void s.close();
    };
    const loop = (async () => {
      while (this.running) {
        try {
          if (!lock) {
            const client = await this.connectLockClient();
            // The lock lives as long as this session: when it dies another runner may take over,
            // so stop following and queue for the lock again.
            const lost = () => {
              if (lock !== client) return;
              lock = undefined;
              this.log('warn', `projection ${projection.name} lost its lock connection; standing by`);
              void subscription?.close();
            };
            client.on('error', lost);
            client.on('end', lost);
            lock = client;
          }
          const { rows } = await lock.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [
            projectionLockKey(projection.name),
          ]);
          if (!rows[0]!.locked) {
            await sleep(STANDBY_RETRY_MS, () => !this.running);
            continue;
          }
          this.log('info', `projection ${projection.name} active`);
          await this.follow(projection, following);
        } catch (error) {
          if (!this.running) break;
          if (!(error instanceof CheckpointMovedError)) {
            this.log('error', `projection ${projection.name} failed; restarting from its checkpoint`, { error: String(error) });
            const failed = lock;
            lock = undefined;
            await failed?.end().catch(() => undefined);
            await sleep(1_000, () => !this.running);
          }
        }
      }
    })();
    return async () => {
      await subscription?.close();
      await loop;
      const held = lock;
      lock = undefined;
      await held?.end().catch(() => undefined);
    };
  }

  private async connectLockClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'promise-ledger-projection-lock' });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async follow(projection: Projection, onSubscribe: (s: AllSubscription) => void): Promise<void> {
    const { rows } = await this.options.pool.query<{ position: string }>('select position from projection_checkpoints where name = $1', [
      projection.name,
    ]);
    let checkpoint = BigInt(rows[0]?.position ?? 0);
    this.noteCheckpoint(projection.name, checkpoint);
    const subscription = this.options.eventStore.subscribeToAll({ fromPosition: checkpoint, batchSize: this.options.batchSize ?? 1_000 });
    onSubscribe(subscription);
    try {
      for await (const batch of subscription) {
        if (!this.running) break;
        const last = batch[batch.length - 1]!.position;
        const { pool } = this.options;
        const parked = await applyOrPark(pool, projection, batch, checkpoint, (events, from, to) => applyBatch(pool, projection, events, from, to));
        checkpoint = last;
        const parkedIds = parked.map((e) => e.id);
        for (const event of parked) {
          this.log('error', `projection ${projection.name} parked event ${event.position} (${event.type} on ${event.stream}) it could not apply; see 'ledger projections parked'`, {
            position: event.position.toString(),
            eventId: event.id,
          });
        }
        this.noteCheckpoint(projection.name, last, parkedIds);
        // Other processes' waitFor learn it after the commit (a NOTIFY inside the batch would
        // serialise its commit with every append's). A checkpoint that parked events is sent
        // under a key of its own, so a later checkpoint cannot coalesce it away.
        this.publisher ??= new NotifyPublisher(this.options.connectionString, 'promise-ledger-checkpoints-publish');
        if (parkedIds.length > 0) {
          this.publisher.publish(CHECKPOINT_CHANNEL, `${projection.name}:${last}:${parkedIds.join(',')}`, `parked:${projection.name}:${last}`);
        } else {
          this.publisher.publish(CHECKPOINT_CHANNEL, `${projection.name}:${last}`, projection.name);
        }
      }
    } finally {
      await subscription.close();
    }
  }
}

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
    await projection.apply(batch, client);
    await client.query(`update ${checkpoints} set position = ${to.toString()}, updated_at = now() where name = ${name}; commit`);
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function sleep(ms: number, cancelled: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => (cancelled() || Date.now() - started >= ms ? resolve() : setTimeout(tick, 50));
    tick();
  });
}
