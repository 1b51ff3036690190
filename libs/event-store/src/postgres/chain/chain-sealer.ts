import type pg from 'pg';
import { CHAIN_LOCK_KEY } from './ledger-chain.migrations.js';
import { AS_TEXT, CHAINED_COLUMNS_SQL, GENESIS_HASH, canonicalEvent, chainHash, fieldsOf } from './event-hash.js';


// Only events of transactions older than every running one: none can still appear before them,
// so the chain never has to make room for a late event (the readers' rule, docs/architecture.md).
const COMMITTED_PREFIX = 'e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

export interface ChainSealerOptions {
  /** Events chained per transaction (default 5,000). */
  batchSize?: number;
  /** Pause when nothing is left to chain (default 500 ms: larger batches, fewer commits). */
  idleMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Chains the log's events in position order into es_chain, outside es_append: each batch is one
 * transaction that takes the chain's advisory lock (another process sealing, or a rewrite holding
 * the chain, makes it wait its turn), reads the chain's head, hashes the committed events after
 * it and inserts their rows. Its state is the table, so it resumes after a crash where it stopped,
 * and any number of processes may run one.
 */
export class LedgerChainSealer {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: ChainSealerOptions = {},
  ) {}

  /** Chains one batch. @returns how many events it chained (0: nothing to do, or another process is sealing). */
  async sealBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows: [lock] } = await client.query<{ locked: boolean }>('select pg_try_advisory_xact_lock($1) as locked', [CHAIN_LOCK_KEY]);
      if (!lock!.locked) {
        await client.query('rollback');
        return 0;
      }
      // The chain is derived from the log: rows lost to a crash before their flush are chained
      // again, to the same hashes. So its commits need not wait for a WAL flush of their own,
      // where they would queue with the appends'.
      await client.query('set local synchronous_commit = off');
      const { rows: [tail] } = await client.query<{ position: string | null; hash: Buffer | null; hold: string | null }>(
        `select c.position::text as position, c.hash, (select min(h.position)::text from es_chain_holds h) as hold
           from (select 1) one left join lateral (select position, hash from es_chain order by position desc limit 1) c on true`,
      );
      const from = tail!.position ?? '0';
      const { rows } = await client.query<string[]>({
        text: `select ${CHAINED_COLUMNS_SQL} from es_events e
                where e.position > $1 and ($2::bigint is null or e.position <= $2) and ${COMMITTED_PREFIX}
                order by e.position limit $3`,
        values: [from, tail!.hold, this.options.batchSize ?? 5_000],
        rowMode: 'array',
        types: AS_TEXT,
      });
      if (rows.length === 0) {
        await client.query('rollback');
        return 0;
      }
      let previous = tail!.hash ?? GENESIS_HASH;
      const positions: string[] = [];
      const ids: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        const event = fieldsOf(row, 0);
        previous = chainHash(previous, canonicalEvent(event));
        positions.push(event.position);
        ids.push(event.eventId);
        hashes.push(previous.toString('hex'));
      }
      await client.query(
        `insert into es_chain (position, event_id, hash)
         select p, i, decode(h, 'hex') from unnest($1::bigint[], $2::uuid[], $3::text[]) as x(p, i, h)`,
        [positions, ids, hashes],
      );
      await client.query('commit');
      return rows.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Chains every committed event not chained yet (stops early if another process is sealing). @returns how many it chained. */
  async sealPending(): Promise<number> {
    let total = 0;
    for (let n = await this.sealBatch(); n > 0; n = await this.sealBatch()) total += n;
    return total;
  }

  /** Follows the log in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        let sealed: number;
        try {
          sealed = await this.sealBatch();
        } catch (error) {
          this.options.log?.('error', 'the ledger chain sealer failed; retrying', { error: String(error) });
          await this.pause(1_000);
          continue;
        }
        if (sealed === 0) await this.pause(this.options.idleMs ?? 500);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
