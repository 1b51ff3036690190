import type pg from 'pg';
import { EVENT_SCHEMA_VERSION } from '#libs/domain';
import { holdLedgerChain, releaseLedgerChain, type NewEvent } from '#libs/event-store';
import type { Migration } from '#libs/postgres';
import type { PersonalDataCodec } from './personal-data.codec.js';

export const eventMigrationMigrations: Migration[] = [
  {
    // How far a one-off rewrite of the log has come, so it resumes where it stopped.
    id: '0401_event_migrations',
    sql: `
create table ledger_event_migrations (
  name text primary key,
  position bigint not null,
  rewritten bigint not null default 0,
  updated_at timestamptz not null default now()
);
-- A log with events from before encryption is held from the start: the hash chain covers events
-- as stored, so it waits for 'ledger migrate' to rewrite them once (docs/deploy.md).
select es_chain_hold('seal-personal-data', 0)
 where exists (select 1 from es_events where coalesce((metadata->>'schemaVersion')::int, 1) < ${EVENT_SCHEMA_VERSION});
`,
  },
];

const NAME = 'seal-personal-data';
const OLDER = `coalesce((metadata->>'schemaVersion')::int, 1) < ${EVENT_SCHEMA_VERSION}`;
// Only events of finished transactions: none can still appear behind the cursor.
const COMMITTED_PREFIX = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

interface Row {
  position: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export interface SealProgress {
  /** The last position looked at. */
  position: bigint;
  /** The log's head when this step was taken. */
  head: bigint;
  /** Events rewritten so far, over every run. */
  rewritten: number;
}

/**
 * The one-off migration that seals the personal data of events written before it was encrypted.
 * es_events is otherwise append-only (nothing in the application updates or deletes its rows);
 * this is the one sanctioned rewrite of stored events, and it changes only the personal fields
 * and the schema version: ids, types, streams, revisions, positions and recorded times stay.
 * Each chunk commits its rows with the cursor, so it can be stopped at any moment and run again.
 */
export class LegacyEventSealer {
  constructor(
    private readonly pool: pg.Pool,
    private readonly codec: PersonalDataCodec,
  ) {}

  /** Seals the whole log up to its head, reporting after each chunk. */
  async run(options: { chunk?: number; maxChunks?: number; onProgress?: (progress: SealProgress) => void } = {}): Promise<SealProgress> {
    const chunk = options.chunk ?? 1_000;
    await this.pool.query(`insert into ledger_event_migrations (name, position) values ($1, 0) on conflict do nothing`, [NAME]);
    for (let step = 1; ; step++) {
      const progress = await this.step(chunk);
      options.onProgress?.(progress);
      if (progress.position >= progress.head || (options.maxChunks !== undefined && step >= options.maxChunks)) return progress;
    }
  }

  /** How far the migration has come, without changing anything. */
  async progress(): Promise<SealProgress> {
    const { rows } = await this.pool.query<{ position: string | null; rewritten: string | null; head: string | null }>(
      `select m.position, m.rewritten, (select max(position) from es_events) as head
         from (select 1) one left join ledger_event_migrations m on m.name = $1`,
      [NAME],
    );
    return { position: BigInt(rows[0]?.position ?? 0), head: BigInt(rows[0]?.head ?? 0), rewritten: Number(rows[0]?.rewritten ?? 0) };
  }

  private async step(chunk: number): Promise<SealProgress> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // The cursor row, locked: two migrations running side by side take turns.
      const { rows: [cursor] } = await client.query<{ position: string; rewritten: string }>(
        'select position, rewritten from ledger_event_migrations where name = $1 for update',
        [NAME],
      );
      const from = BigInt(cursor!.position);
      // The chain covers events as stored: it waits below the cursor while this rewrite runs.
      await holdLedgerChain(client, NAME, from);
      const { rows } = await client.query<Row>(
        `select position, event_id, event_type, data, metadata from es_events
          where position > $1 and ${COMMITTED_PREFIX} order by position limit $2`,
        [String(from), chunk],
      );
      const { rows: [head] } = await client.query<{ head: string | null }>(`select max(position) as head from es_events where ${COMMITTED_PREFIX}`);
      const older = rows.filter((r) => (Number(r.metadata?.schemaVersion) || 1) < EVENT_SCHEMA_VERSION);
      const rewritten = await this.rewrite(client, older);
      const position = rows.length > 0 ? BigInt(rows.at(-1)!.position) : from;
      const total = Number(cursor!.rewritten) + rewritten;
      await client.query('update ledger_event_migrations set position = $2, rewritten = $3, updated_at = now() where name = $1', [NAME, String(position), total]);
      const done = position >= BigInt(head?.head ?? 0);
      if (done) await releaseLedgerChain(client, NAME);
      else await holdLedgerChain(client, NAME, position);
      await client.query('commit');
      return { position, head: BigInt(head?.head ?? 0), rewritten: total };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Seals one customer's events the migration has not reached yet (an erasure does this before it
   * destroys the key, so no clear copy outlives it). Returns how many were rewritten.
   */
  async sealCustomer(customerId: string): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<Row>(
        `select position, event_id, event_type, data, metadata from es_events
          where position > coalesce((select position from ledger_event_migrations where name = $2), 0)
            and data->>'customerId' = $1 and ${OLDER}
          order by position`,
        [customerId, NAME],
      );
      const rewritten = await this.rewrite(client, rows);
      if (rewritten > 0) {
        // Events the migration had not reached may be chained already: the chain is cut just
        // before the first one rewritten and made again over the sealed bytes.
        const name = `seal-customer-${customerId}`;
        await holdLedgerChain(client, name, BigInt(rows[0]!.position) - 1n);
        await releaseLedgerChain(client, name);
      }
      await client.query('commit');
      return rewritten;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async rewrite(client: pg.PoolClient, rows: readonly Row[]): Promise<number> {
    if (rows.length === 0) return 0;
    const events: NewEvent[] = rows.map((r) => ({ id: r.event_id, type: r.event_type, data: r.data, metadata: r.metadata }));
    const encoded = await this.codec.encode(events);
    const changed = rows.flatMap((r, i) => (encoded[i] === events[i] ? [] : [{ position: r.position, data: encoded[i]!.data, metadata: encoded[i]!.metadata }]));
    if (changed.length === 0) return 0;
    const { rowCount } = await client.query(
      `update es_events e set data = x.data, metadata = x.metadata
         from jsonb_to_recordset($1::jsonb) as x(position bigint, data jsonb, metadata jsonb)
        where e.position = x.position and coalesce((e.metadata->>'schemaVersion')::int, 1) < ${EVENT_SCHEMA_VERSION}`,
      [JSON.stringify(changed)],
    );
    return rowCount ?? 0;
  }
}
