import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type {
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamRevision,
  SubscribeOptions,
} from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { KurrentDbAllSubscription } from './kurrentdb-all.subscription.js';
import { redactConnectionString, redactPassword, withTimeout } from './kurrentdb-connection.js';
import {
  isMissingStream,
  isWrongExpectedVersion,
  translateAppendError,
  translateError,
} from './kurrentdb-error.mapping.js';
import { decodeRecordedEvent, encodeEvent, isSystemEventType } from './kurrentdb-event.mapping.js';
import { matchesFilter, toServerFilter } from './kurrentdb-filter.mapping.js';
import { exclusiveStart, toGlobalPosition, toReadPosition } from './kurrentdb-position.mapping.js';
import { firstRevisionOf, toActualRevision, toStreamState } from './kurrentdb-revision.mapping.js';
import { checkStoredAppend } from './kurrentdb-stored-append.check.js';

const DEFAULT_READ_COUNT = 1_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// After a conflict, how long to wait for a concurrent identical append to become readable.
const VISIBILITY_RETRY_MS = [10, 25, 50, 100, 200, 400];

export interface KurrentDbConnectOptions {
  /** How long `connect` waits for the server to answer before failing. Default 10 s. */
  timeoutMs?: number;
}

/**
 * The event store on KurrentDB (formerly EventStoreDB), through the official gRPC client.
 *
 * Streams map one to one; our event ids are KurrentDB's event ids; positions are KurrentDB commit
 * positions. Idempotency: KurrentDB recognises a re-sent event id as a retry only when the append
 * names an exact expected revision (or no stream); with ANY or STREAM_EXISTS it does so on a best
 * effort basis (recent ids only), so retries should always pin a revision. Either way the server
 * compares ids only, so each append reads its events back to catch an id reused with other content
 * and to report the stored positions: one extra read per append.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<AllSubscription>();

  constructor(private readonly client: KurrentDBClient) {}

  /**
   * Connects and checks the server answers, failing within `timeoutMs` with a message naming the
   * server (never its password) when it does not.
   * @param connectionString e.g. `kurrentdb://127.0.0.1:2113?tls=false`
   */
  static async connect(connectionString: string, options: KurrentDbConnectOptions = {}): Promise<KurrentDbEventStore> {
    const target = redactConnectionString(connectionString);
    let client: KurrentDBClient;
    try {
      client = KurrentDBClient.connectionString(connectionString);
    } catch (error) {
      throw new RangeError(
        `not a KurrentDB connection string: ${target} (${redactPassword((error as Error).message, connectionString)}); ` +
          'expected e.g. kurrentdb://127.0.0.1:2113?tls=false or kurrentdb+discover://admin:changeit@cluster.example:2113',
        { cause: error },
      );
    }
    const store = new KurrentDbEventStore(client);
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const unreachable = (reason: string, cause?: unknown) => {
      const error = new EventStoreError(
        'UNAVAILABLE',
        `cannot reach KurrentDB (KURRENTDB_CONNECTION_STRING) at ${target}: ${redactPassword(reason, connectionString)}. ` +
          'Is the server running and reachable, and does tls= match its TLS setting?',
      );
      if (cause !== undefined) error.cause = cause;
      return error;
    };
    const noAnswer = unreachable(`no answer within ${timeoutMs / 1000} s`);
    try {
      await withTimeout(store.headPosition(), timeoutMs, () => noAnswer);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      if (error === noAnswer) throw error;
      // The client reports a refused, unresolvable or unreachable server with no further detail.
      const reason =
        error instanceof EventStoreError && error.code === 'UNAVAILABLE'
          ? 'no connection (refused, unknown host or unreachable)'
          : error instanceof Error
            ? error.message
            : String(error);
      throw unreachable(reason, error);
    }
    return store;
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`append to ${stream} has no events`);
    const expected = options.expectedRevision;
    const encoded = events.map(encodeEvent);
    let nextExpectedRevision: StreamRevision;
    let reportedPosition: GlobalPosition | undefined;
    try {
      const result = await this.client.appendToStream(stream, encoded, { streamState: toStreamState(expected) });
      nextExpectedRevision = result.nextExpectedRevision;
      reportedPosition = result.position && result.position.commit >= 0n ? result.position.commit : undefined;
    } catch (error) {
      if (!isWrongExpectedVersion(error)) throw translateAppendError(error, stream, expected);
      return this.resolveConflict(stream, events, expected, toActualRevision(error.actualState));
    }

    // Success may also be KurrentDB recognising our ids as a retry, whatever their content.
    const firstRevision = nextExpectedRevision - BigInt(events.length) + 1n;
    const stored = checkStoredAppend(events, await this.readRange(stream, firstRevision, events.length));
    switch (stored.kind) {
      case 'ours':
        return { nextExpectedRevision, position: stored.lastPosition };
      case 'conflict':
        throw idReused(stream, stored.eventId);
      default:
        if (reportedPosition === undefined) throw new Error(`append to ${stream} succeeded but its events cannot be read back`);
        return { nextExpectedRevision, position: reportedPosition };
    }
  }

  /**
   * A wrong expected revision may be our own earlier try (a retry after a lost answer, or an
   * identical append racing this one): then the events are there and the append succeeded.
   */
  private async resolveConflict(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    actual: StreamRevision | undefined,
  ): Promise<AppendResult> {
    const firstRevision = firstRevisionOf(expected);
    const refused = new WrongExpectedRevisionError(stream, expected, actual);
    if (firstRevision === undefined || actual === undefined || actual < firstRevision) throw refused;
    for (const delayMs of [0, ...VISIBILITY_RETRY_MS]) {
      if (delayMs) await sleep(delayMs);
      const stored = checkStoredAppend(events, await this.readRange(stream, firstRevision, events.length));
      switch (stored.kind) {
        case 'ours':
          return { nextExpectedRevision: stored.lastRevision, position: stored.lastPosition };
        case 'conflict':
          throw idReused(stream, stored.eventId);
        case 'theirs':
          throw refused;
        case 'not-visible':
          continue;
      }
    }
    throw refused;
  }

  private async readRange(stream: string, fromRevision: StreamRevision, count: number): Promise<StoredEvent[]> {
    return this.readStreamEvents(stream, { fromRevision, direction: FORWARDS, maxCount: count, requiresLeader: true });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    return this.readStreamEvents(stream, {
      fromRevision: options.fromRevision ?? (backwards ? END : START),
      direction: backwards ? BACKWARDS : FORWARDS,
      maxCount: options.maxCount,
    });
  }

  private async readStreamEvents(
    stream: string,
    options: Parameters<KurrentDBClient['readStream']>[1],
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, options)) {
        const event = fromResolved(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (isMissingStream(error)) return [];
      throw translateError(error);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const wanted = options.maxCount ?? DEFAULT_READ_COUNT;
    if (wanted <= 0) return [];
    const filter: EventFilter = { eventTypes: options.eventTypes, streamPrefixes: options.streamPrefixes };
    const found: StoredEvent[] = [];
    let after = exclusiveStart(options.fromPosition);
    try {
      // Pages until enough events pass the filters checked here; a short page means the end of $all.
      for (;;) {
        const pageSize = Math.max(wanted - found.length, 2);
        let scanned = 0;
        let last: GlobalPosition | undefined;
        for await (const resolved of this.client.readAll({
          fromPosition: toReadPosition(after),
          maxCount: pageSize,
          filter: toServerFilter(filter),
        })) {
          scanned++;
          if (!resolved.event) continue;
          last = toGlobalPosition(resolved.event.position);
          const event = selectAfter(resolved, after, filter);
          if (event) found.push(event);
          if (found.length >= wanted) return found;
        }
        if (scanned < pageSize || last === undefined || (after !== undefined && last <= after)) return found;
        after = last;
      }
    } catch (error) {
      throw translateError(error);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const after = exclusiveStart(options.fromPosition);
    const filter = options.filter ?? {};
    const source = this.client.subscribeToAll({ fromPosition: toReadPosition(after), filter: toServerFilter(filter) });
    const subscription: AllSubscription = new KurrentDbAllSubscription<AllStreamResolvedEvent>(source, {
      // The server starts after the checkpoint; checking again costs nothing and keeps `fromPosition` exclusive.
      select: (resolved) => selectAfter(resolved, after, filter),
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      translateError,
      onClosed: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<GlobalPosition> {
    // The newest event subscribers can see: KurrentDB's own events after it are never delivered to them.
    try {
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
        filter: excludeSystemEvents(),
      })) {
        if (resolved.event) return toGlobalPosition(resolved.event.position);
      }
    } catch (error) {
      throw translateError(error);
    }
    return 0n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }
}

const idReused = (stream: string, eventId: string) =>
  new EventStoreError('CONFLICT', `event id ${eventId} is already stored in ${stream} with other content`);

function fromResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const recorded = resolved.event;
  if (!recorded || isSystemEventType(recorded.type)) return undefined;
  return decodeRecordedEvent(recorded);
}

function selectAfter(
  resolved: AllStreamResolvedEvent,
  after: GlobalPosition | undefined,
  filter: EventFilter,
): StoredEvent | undefined {
  const event = fromResolved(resolved);
  if (!event || (after !== undefined && event.position <= after)) return undefined;
  return matchesFilter(event, filter) ? event : undefined;
}
