import pg from 'pg';
import { ProjectionLagError } from './projection.js';

/** Notified with `name:position` (and `:id,…` of events it parked) whenever a projection's checkpoint commits. */
export const CHECKPOINT_CHANNEL = 'projection_checkpoints';
const FALLBACK_POLL_MS = 250;
/** Parked event ids remembered for waiting mutations (older ones are in projection_parked). */
const MAX_REMEMBERED_PARKED = 10_000;

/** An event of a waiting mutation that a projection could not apply, and parked. */
export interface UnappliedEvent {
  eventId: string;
  projection: string;
}

export interface CheckpointProgressOptions {
  /** Checkpoint reads. */
  pool: pg.Pool;
  /** For the session that listens for checkpoints. */
  connectionString: string;
  /** The projections a write waits for. */
  names: readonly string[];
}

/**
 * How far every projection has come, in any process: what a write waits on (read-your-writes).
 * Learns checkpoints from the runner of this process, from the notifications of others, and from
 * the checkpoint table when a notification may have been missed.
 */
export class CheckpointProgress {
  private readonly positions = new Map<string, bigint>();
  /** Event id → the projection that parked it. */
  private readonly parked = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  private listener: pg.Client | undefined;
  /** The positions were read after the listener's LISTEN took effect. */
  private listenerSynced = false;
  private listening: Promise<void> | undefined;

  constructor(private readonly options: CheckpointProgressOptions) {}

  private get names(): readonly string[] {
    return this.options.names;
  }

  /** Stops listening and wakes every waiter (they poll once more, then time out). */
  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    this.listenerSynced = false;
    await listener?.end().catch(() => undefined);
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

  /** A checkpoint committed (in this process, or announced by another), with the events it parked. */
  noteCheckpoint(name: string, position: bigint, parkedIds: readonly string[] = []): void {
    for (const id of parkedIds) {
      this.parked.set(id, name);
      if (this.parked.size > MAX_REMEMBERED_PARKED) this.parked.delete(this.parked.keys().next().value!);
    }
    if ((this.positions.get(name) ?? -1n) < position) this.positions.set(name, position);
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Checkpoints, and the events parked lately (a notification may have been missed). Waiters
   * whose polls fall due together share one read: a read that starts after a waiter asked
   * answers it as well as its own would, so only one that began earlier is not joined.
   */
  private refreshPositions(): Promise<void> {
    if (this.refreshQueued) return this.refreshQueued;
    const next = (this.refreshing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.refreshQueued = undefined;
        const running = this.readPositions().finally(() => {
          if (this.refreshing === running) this.refreshing = undefined;
        });
        this.refreshing = running;
        return running;
      });
    this.refreshQueued = next;
    return next;
  }

  private refreshing: Promise<void> | undefined;
  private refreshQueued: Promise<void> | undefined;

  private async readPositions(): Promise<void> {
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
}
