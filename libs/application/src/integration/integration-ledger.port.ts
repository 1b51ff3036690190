import type { AppendResult, ExpectedRevision, NewEvent, StoredEvent } from '#libs/event-store';

/** An ERP item accepted earlier: its (source, externalId) and a hash of its content. */
export interface AcceptedItem {
  externalId: string;
  contentHash: string;
}

export interface StreamWrite {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
}

/**
 * Where ERP batches land: the streams' events and the (source, externalId) idempotency records
 * commit together, so a crash between them can neither lose nor duplicate anything.
 */
export interface IntegrationLedger {
  loadStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  findAccepted(source: string, externalIds: readonly string[]): Promise<Map<string, AcceptedItem>>;
  /**
   * Appends every write and records every accepted item atomically.
   * @throws WrongExpectedRevisionError when a stream moved since it was loaded.
   * @throws IdempotencyRaceError when another request recorded one of the items meanwhile.
   * @throws BatchCollisionError when the store broke a lock cycle with a concurrent batch.
   */
  commit(source: string, writes: readonly StreamWrite[], accepted: readonly AcceptedItem[]): Promise<AppendResult | undefined>;
}

export class IdempotencyRaceError extends Error {
  constructor() {
    super('another request recorded one of these items concurrently');
    this.name = 'IdempotencyRaceError';
  }
}

/** The store gave up this batch's transaction to let a concurrent one through (a deadlock it broke): send it again. */
export class BatchCollisionError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the batch collided with a concurrent one', options);
    this.name = 'BatchCollisionError';
  }
}
