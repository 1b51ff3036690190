/**
 * A position in the global event log. Totally ordered across all streams; safe to persist as a
 * checkpoint. PostgreSQL uses its bigserial; KurrentDB encodes its commit position.
 */
export type GlobalPosition = bigint;

/** Stream revisions start at 0 for a stream's first event. */
export type StreamRevision = bigint;

/** What the caller expects the stream to look like before an append. */
export type ExpectedRevision = StreamRevision | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY;

export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;

/** Who and what caused an event: stored beside it, never part of the business facts. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  source?: string;
  [key: string]: unknown;
}

/** An event as the caller hands it to the store. `id` is a caller-chosen UUID (idempotency key). */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/** An event as the store recorded it. */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  id: string;
  stream: string;
  revision: StreamRevision;
  position: GlobalPosition;
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** When the store recorded it, by the store's clock. */
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** The stream's revision after the append: the revision of its last event. */
  nextExpectedRevision: StreamRevision;
  /** The global position of the last event of this append. */
  position: GlobalPosition;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  fromRevision?: StreamRevision;
  direction?: Direction;
  maxCount?: number;
}

export interface EventFilter {
  /** Only events of these types. */
  eventTypes?: readonly string[];
  /** Only events of streams whose name starts with one of these prefixes. */
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions extends EventFilter {
  /** Exclusive: events strictly after this position. Omitted: from the start. */
  fromPosition?: GlobalPosition;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive, like ReadAllOptions.fromPosition: a checkpoint can be passed back as it is. */
  fromPosition?: GlobalPosition;
  filter?: EventFilter;
  /** Upper bound of events per delivered batch. */
  batchSize?: number;
}

/**
 * A catch-up subscription to the whole log: first every stored event after `fromPosition`, then
 * live ones, in global order, as batches. Delivery is at-least-once: a consumer checkpoints the
 * position of the last event it handled and resumes from there.
 */
export interface AllSubscription extends AsyncIterable<readonly StoredEvent[]> {
  /** Stops the subscription; the iterator then ends. */
  close(): Promise<void>;
}

/** The port every event-store adapter implements. */
export interface EventStore {
  /**
   * Appends events to one stream, atomically. Re-appending events whose ids are already stored in
   * that stream, with the same content, appends nothing and returns the original positions.
   * @throws WrongExpectedRevisionError when the stream is not where `expectedRevision` says.
   * @throws EventStoreError with code CONFLICT when an event id is reused with other content.
   */
  appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;

  /** Reads one stream; a missing stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /** Reads the global log in order, after `fromPosition`. Never returns an event that could still be preceded by one not yet committed. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;

  subscribeToAll(options?: SubscribeOptions): AllSubscription;

  /** Position of the newest event a catch-up reader can see now (0n when empty). */
  headPosition(): Promise<GlobalPosition>;

  /** Releases connections the adapter owns. */
  close(): Promise<void>;
}
