import type pg from 'pg';
import type { Migration } from '#libs/postgres';
import type { BatchContext } from './batch-context.js';
import type { LedgerRecord } from './ledger-record.js';

/**
 * A view's projection: its tables, their migrations, and how a batch of events changes them. Its
 * queries live beside it in its folder; it is listed once in `views/registry.ts`.
 */
export interface ViewProjection {
  readonly name: string;
  readonly tables: readonly string[];
  /**
   * Other views' tables it reads while applying a batch. Allowed only from a view under the same
   * checkpoint (same transaction, same position, rebuilt together): a view under another
   * checkpoint may be behind or ahead, and a rebuild would then differ from the live rows.
   */
  readonly reads: readonly string[];
  /** Its migrations (ids never change once released; a new one gets a new id). */
  readonly migrations: readonly Migration[];
  /**
   * Loads the rows the batch changes. Every view of a checkpoint begins before any writes, so
   * each sees its tables as they were before the batch.
   */
  begin(events: readonly LedgerRecord[], context: BatchContext): Promise<ViewBatch>;
}

/** A batch in progress: folded event by event in log order, then written with a few statements. */
export interface ViewBatch {
  apply(event: LedgerRecord): void;
  write(client: pg.ClientBase): Promise<void>;
}
