import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';

/** A read model fed from the log: applies a batch of events inside the caller's transaction. */
export interface Projection {
  name: string;
  /** Its tables, rebuilt side by side and swapped in by `ledger projections rebuild`. */
  tables: readonly string[];
  apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void>;
}

export type ProjectionLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** Thrown by waitFor when a read model does not catch up in time. */
export class ProjectionLagError extends Error {
  readonly code = 'UNAVAILABLE';
}
