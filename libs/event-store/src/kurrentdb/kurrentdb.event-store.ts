import {
  END,
  FORWARDS,
  BACKWARDS,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type Filter,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import type {
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from '../event-store.port.js';
import { EventStoreError } from '../event-store.errors.js';
import { decodePosition, encodeMetadata, toStoredEvent, toStreamState, translateWrongExpectedVersion, type RecordedLike } from './kurrentdb.mapping.js';

function serverFilter(filter: EventFilter): Filter {
  if (filter.eventTypes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  if (filter.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  return excludeSystemEvents();
}

// A type filter is a prefix filter on the server: keep exact matches only (and both filters when both are given).
const matches = (filter: EventFilter, e: StoredEvent) =>
  (!filter.eventTypes?.length || filter.eventTypes.includes(e.type)) &&
  (!filter.streamPrefixes?.length || filter.streamPrefixes.some((p) => e.stream.startsWith(p)));

/**
 * The event log on KurrentDB (formerly EventStoreDB), through the official client. Read models and
 * checkpoints stay in PostgreSQL. KurrentDB deduplicates a retried append by event id only when the
 * expected revision is exact; our command handlers always append with one.
 */
export class KurrentDbEventStore implements EventStore {
  private constructor(private readonly client: KurrentDBClient) {}

  /** Connects and checks the server answers within `timeoutMs`. */
  static async connect(connectionString: string, timeoutMs = 10_000): Promise<KurrentDbEventStore> {
    const client = KurrentDBClient.connectionString(connectionString);
    const store = new KurrentDbEventStore(client);
    const check = store.headPosition();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`KurrentDB at ${connectionString} did not answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    try {
      await Promise.race([check, timeout]);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw new Error(`cannot reach KurrentDB (KURRENTDB_CONNECTION_STRING): ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const data = events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data as never, metadata: encodeMetadata(e.metadata) as never }));
    try {
      const result = await this.client.appendToStream(stream, data, { streamState: toStreamState(options.expectedRevision) });
      if (!result.position) throw new EventStoreError('UNAVAILABLE', 'KurrentDB returned no position for an append');
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position.commit };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // A retry whose events are already stored reports their positions; other content under those ids is a conflict.
      const stored = await this.findStored(stream, events);
      if (stored) return stored;
      throw translateWrongExpectedVersion(error);
    }
  }

  private async findStored(stream: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    const ids = new Set(events.map((e) => e.id));
    const found = (await this.readStream(stream)).filter((e) => ids.has(e.id));
    if (found.length === 0) return undefined;
    const same =
      found.length === events.length &&
      found.every((f) => {
        const e = events.find((n) => n.id === f.id)!;
        return e.type === f.type && JSON.stringify(e.data) === JSON.stringify(f.data);
      });
    if (!same) throw new EventStoreError('CONFLICT', 'an event id was reused with different content');
    const last = found[found.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        direction: backwards ? BACKWARDS : FORWARDS,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      })) {
        if (resolved.event) events.push(toStoredEvent(resolved.event as RecordedLike, resolved.commitPosition));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const from: ReadPosition = options.fromPosition ? decodePosition(options.fromPosition) : START;
    const max = options.maxCount ?? 1_000;
    const events: StoredEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: max + 1, filter: serverFilter(options) })) {
      if (!resolved.event) continue;
      const event = toStoredEvent(resolved.event as RecordedLike, resolved.commitPosition);
      // fromPosition is inclusive on the server and exclusive in our port.
      if (options.fromPosition !== undefined && event.position <= options.fromPosition) continue;
      if (!matches(options, event)) continue;
      events.push(event);
      if (events.length >= max) break;
    }
    return events;
  }

  async headPosition(): Promise<GlobalPosition> {
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: excludeSystemEvents() })) {
      if (resolved.event) return toStoredEvent(resolved.event as RecordedLike, resolved.commitPosition).position;
    }
    return 0n;
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const filter = options.filter ?? {};
    const subscription = this.client.subscribeToAll({
      fromPosition: options.fromPosition ? decodePosition(options.fromPosition) : START,
      filter: serverFilter(filter),
    });
    async function* batches(): AsyncGenerator<readonly StoredEvent[]> {
      for await (const resolved of subscription) {
        if (!resolved.event) continue;
        const event = toStoredEvent(resolved.event as RecordedLike, resolved.commitPosition);
        if (options.fromPosition !== undefined && event.position <= options.fromPosition) continue;
        if (matches(filter, event)) yield [event];
      }
    }
    const iterator = batches();
    return {
      [Symbol.asyncIterator]: () => iterator,
      async close() {
        await subscription.unsubscribe();
        await iterator.return(undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
