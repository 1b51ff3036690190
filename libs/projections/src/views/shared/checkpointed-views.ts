import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import type { Projection } from '../../projection.js';
import { BatchContext } from './batch-context.js';
import { isLedgerRecord } from './ledger-record.js';
import type { ViewProjection } from './view-projection.js';

/**
 * Views sharing one checkpoint: the runner applies a batch to all of them in one transaction
 * (one checkpoint to wait for, one commit per batch), and a rebuild rebuilds them together.
 * Every view loads what the batch changes before any writes, then each event is folded through
 * every view in log order, then each writes.
 */
export class CheckpointedViews implements Projection {
  readonly tables: readonly string[];

  constructor(
    readonly name: string,
    readonly views: readonly ViewProjection[],
  ) {
    this.tables = views.flatMap((v) => v.tables);
    for (const view of views) {
      const elsewhere = view.reads.filter((table) => !this.tables.includes(table));
      if (elsewhere.length) throw new Error(`view ${view.name} reads ${elsewhere.join(', ')}, which checkpoint ${name} does not feed`);
    }
  }

  async apply(stored: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    // A type written by a newer version is skipped here; the views' switches cover every known one.
    const events = stored.filter(isLedgerRecord);
    if (events.length === 0) return;
    const context = new BatchContext(client, events);
    // One client runs one statement at a time: these are sequential, not parallel.
    const batches = [];
    for (const view of this.views) batches.push(await view.begin(events, context));
    for (const event of events) for (const batch of batches) batch.apply(event);
    for (const batch of batches) await batch.write(client);
  }
}
