import { createHash } from 'node:crypto';
import pg from 'pg';
import type { AllSubscription, EventStore } from '#libs/event-store';
import { NotifyPublisher } from '#libs/postgres';
import { inSpan, projectionSpans, tracingOn } from '#libs/telemetry';
import type { Projection, ProjectionLog } from './projection.js';
import { CheckpointMovedError, applyOrPark } from './parking.js';
import { CHECKPOINT_CHANNEL, CheckpointProgress, type UnappliedEvent } from './checkpoint-progress.js';
import { applyBatch } from './apply-batch.js';

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

const STANDBY_RETRY_MS = 2_000;

/** Per-projection advisory lock key: one active runner per projection across processes. */
export const projectionLockKey = (name: string): string =>
  BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`projection:${name}`).digest('hex').slice(0, 16)}`)).toString();


/**
 * Feeds each projection from the log through a checkpointed subscription: a batch's read-model
 * changes and the checkpoint commit in one transaction, and the checkpoint only moves from the
 * value this runner read (compare-and-set), so no event is ever applied twice or skipped.
 */
export class ProjectionRunner {
  private readonly log: ProjectionLog;
  private readonly progress: CheckpointProgress;
  private readonly stops: (() => Promise<void>)[] = [];
  private running = false;
  private publisher: NotifyPublisher | undefined;
  /** Batch transactions of this runner open now (see `untilNoBatchOpen`). */
  private openBatches = 0;
  private readonly whenNoBatchOpen = new Set<() => void>();

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.log = options.log ?? (() => undefined);
    this.progress = new CheckpointProgress({ pool: options.pool, connectionString: options.connectionString, names: this.names });
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
    await this.publisher?.close();
    this.publisher = undefined;
    await this.progress.close();
  }

  /**
   * Resolves once every projection's checkpoint has reached `position`, whichever process runs
   * them (see CheckpointProgress).
   * @returns those of `eventIds` that a projection parked instead of applying (normally none).
   * @throws ProjectionLagError (code `UNAVAILABLE`) naming the projections still behind after `timeoutMs`.
   */
  waitFor(position: bigint, timeoutMs: number, eventIds: readonly string[] = []): Promise<UnappliedEvent[]> {
    if (!tracingOn()) return this.progress.waitFor(position, timeoutMs, eventIds);
    return inSpan('read-your-writes wait', { 'ledger.projections': this.options.projections.length }, () => this.progress.waitFor(position, timeoutMs, eventIds));
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

  /**
   * Resolves when no batch transaction of this runner is open. A batch locks its checkpoint row,
   * which gives its transaction an id, and a read of the log only returns events of transactions
   * older than every one still running (docs/architecture.md, "Global order without skipped
   * events"): a projection reading while another one's batch is open cannot see anything
   * committed after that batch began. Projections that read only between batches read everything
   * committed so far, share that read (SharedTail), apply side by side and read again together,
   * instead of each holding the other's reads back by a batch.
   */
  private untilNoBatchOpen(): Promise<void> {
    if (this.openBatches === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenNoBatchOpen.add(resolve));
  }

  private batchClosed(): void {
    this.openBatches--;
    if (this.openBatches > 0) return;
    const waiting = [...this.whenNoBatchOpen];
    this.whenNoBatchOpen.clear();
    for (const resume of waiting) resume();
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
    this.progress.noteCheckpoint(projection.name, checkpoint);
    const subscription = this.options.eventStore.subscribeToAll({ fromPosition: checkpoint, batchSize: this.options.batchSize ?? 1_000 });
    onSubscribe(subscription);
    const batches = subscription[Symbol.asyncIterator]();
    try {
      for (;;) {
        await this.untilNoBatchOpen();
        const next = await batches.next();
        if (next.done || !this.running) break;
        const batch = next.value;
        const last = batch[batch.length - 1]!.position;
        const { pool } = this.options;
        const applying = projectionSpans(projection.name, batch);
        let parked;
        this.openBatches++;
        try {
          parked = await applyOrPark(pool, projection, batch, checkpoint, (events, from, to) => applyBatch(pool, projection, events, from, to));
        } finally {
          this.batchClosed();
        }
        applying?.end(parked.length);
        checkpoint = last;
        const parkedIds = parked.map((e) => e.id);
        for (const event of parked) {
          this.log('error', `projection ${projection.name} parked event ${event.position} (${event.type} on ${event.stream}) it could not apply; see 'ledger projections parked'`, {
            position: event.position.toString(),
            eventId: event.id,
          });
        }
        this.progress.noteCheckpoint(projection.name, last, parkedIds);
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

function sleep(ms: number, cancelled: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => (cancelled() || Date.now() - started >= ms ? resolve() : setTimeout(tick, 50));
    tick();
  });
}
