import type pg from 'pg';
import type { AcceptedItem, IntegrationLedger, StreamWrite } from '#libs/application';
import { IdempotencyRaceError } from '#libs/application';
import type { AppendResult, EventStore, StoredEvent } from '#libs/event-store';

/**
 * ERP batches on an event store other than PostgreSQL (KurrentDB): the store cannot share a
 * transaction with the idempotency records, so each stream is appended at its exact expected
 * revision (KurrentDB then deduplicates a retry by event id) and the records follow. A crash
 * between the two is repaired by the retry: the stored events make its decisions no-ops or
 * INVALID_STATE, never duplicates.
 */
export class SequentialIntegrationLedger implements IntegrationLedger {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
  ) {}

  async loadStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const entries = await Promise.all(streams.map(async (s) => [s, await this.store.readStream(s)] as const));
    return new Map(entries);
  }

  async findAccepted(source: string, externalIds: readonly string[]): Promise<Map<string, AcceptedItem>> {
    const { rows } = await this.pool.query<{ external_id: string; content_hash: string }>(
      'select external_id, content_hash from erp_ingestion where source = $1 and external_id = any($2::text[])',
      [source, externalIds],
    );
    return new Map(rows.map((r) => [r.external_id, { externalId: r.external_id, contentHash: r.content_hash }]));
  }

  async commit(source: string, writes: readonly StreamWrite[], accepted: readonly AcceptedItem[]): Promise<AppendResult | undefined> {
    let last: AppendResult | undefined;
    for (const write of writes) {
      const result = await this.store.appendToStream(write.stream, write.events, { expectedRevision: write.expectedRevision });
      if (!last || result.position > last.position) last = result;
    }
    if (accepted.length > 0) {
      try {
        await this.pool.query(
          `insert into erp_ingestion (source, external_id, content_hash)
           select $1, e, h from unnest($2::text[], $3::text[]) as t(e, h)`,
          [source, accepted.map((a) => a.externalId), accepted.map((a) => a.contentHash)],
        );
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new IdempotencyRaceError();
        throw error;
      }
    }
    return last;
  }
}
