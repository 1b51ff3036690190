import type pg from 'pg';
import type { AcceptedItem, IntegrationLedger, StreamWrite } from '#libs/application';
import { BatchCollisionError, IdempotencyRaceError } from '#libs/application';
import type { AppendResult, EventCodec, StoredEvent } from '#libs/event-store';
import { PostgresEventStore } from '#libs/event-store';
import type { Migration } from '#libs/postgres';

export const integrationMigrations: Migration[] = [
  {
    id: '0300_erp_ingestion',
    sql: `
create table erp_ingestion (
  source text not null,
  external_id text not null,
  content_hash text not null,
  recorded_at timestamptz not null default now(),
  primary key (source, external_id)
);
`,
  },
];

/** ERP batches on PostgreSQL: es_append (the transaction's first write) and the records in one commit. */
export class PostgresIntegrationLedger implements IntegrationLedger {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly codec: EventCodec,
  ) {}

  async loadStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const loaded = await this.store.readStreams(streams);
    // One decode for the whole batch: one look-up of the customers' keys.
    const decoded = await this.codec.decode([...loaded.values()].flat());
    let next = 0;
    return new Map([...loaded].map(([stream, events]) => [stream, decoded.slice(next, (next += events.length))]));
  }

  async findAccepted(source: string, externalIds: readonly string[]): Promise<Map<string, AcceptedItem>> {
    const { rows } = await this.pool.query<{ external_id: string; content_hash: string }>(
      'select external_id, content_hash from erp_ingestion where source = $1 and external_id = any($2::text[])',
      [source, externalIds],
    );
    return new Map(rows.map((r) => [r.external_id, { externalId: r.external_id, contentHash: r.content_hash }]));
  }

  async commit(source: string, writes: readonly StreamWrite[], accepted: readonly AcceptedItem[]): Promise<AppendResult | undefined> {
    // Before the transaction: es_append must be its first write, and new data keys commit on their own.
    const encoded = await this.codec.encode(writes.flatMap((w) => w.events));
    let next = 0;
    writes = writes.map((w) => ({ ...w, events: encoded.slice(next, (next += w.events.length)) }));
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const results = writes.length > 0 ? await this.store.appendToStreams(writes, client) : [];
      if (accepted.length > 0) {
        // Sorted: two batches recording the same items in opposite orders cannot wait for each other.
        const sorted = [...accepted].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
        await client.query(
          `insert into erp_ingestion (source, external_id, content_hash)
           select $1, e, h from unnest($2::text[], $3::text[]) as t(e, h)`,
          [source, sorted.map((a) => a.externalId), sorted.map((a) => a.contentHash)],
        );
      }
      await client.query('commit');
      return results.reduce<AppendResult | undefined>((last, r) => (!last || r.position > last.position ? r : last), undefined);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      if ((error as { code?: string }).code === '23505' && String((error as { constraint?: string }).constraint).startsWith('erp_ingestion')) {
        throw new IdempotencyRaceError();
      }
      // Two batches changing the same streams in opposite orders can each hold one and wait for the
      // other (es_append must be the transaction's first write, so they cannot be locked in one
      // order beforehand, and a lock per stream would fill the lock table): PostgreSQL breaks the
      // cycle by failing one after deadlock_timeout, and that one is sent again.
      if ((error as { code?: string }).code === '40P01') throw new BatchCollisionError({ cause: error });
      throw error;
    } finally {
      client.release();
    }
  }
}
