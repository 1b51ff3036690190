import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM as KURRENT_NO_STREAM,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type EventData,
  type ReadPosition,
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
import { ANY, NO_STREAM, STREAM_EXISTS } from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { KurrentDbAllSubscription } from './kurrentdb-all.subscription.js';
import { redactConnectionString, redactPassword, withTimeout } from './kurrentdb-connection.js';
import {
  isMissingStream,
  isUnknownOutcome,
  isWrongExpectedVersion,
  translateAppendError,
  translateError,
} from './kurrentdb-error.mapping.js';
import { decodeRecordedEvent, encodeEvent, isSystemEvent, isSystemStream } from './kurrentdb-event.mapping.js';
import { OUR_STREAMS, matchesFilter, toServerFilter } from './kurrentdb-filter.mapping.js';
import { exclusiveStart, toGlobalPosition, toReadPosition } from './kurrentdb-position.mapping.js';
import { toActualRevision, toStreamState } from './kurrentdb-revision.mapping.js';
import { checkStoredAppend, checkStoredIds, type StoredAppend } from './kurrentdb-stored-append.check.js';

const DEFAULT_READ_COUNT = 1_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// readAll's page: fixed, so a rare type checked here costs a page per round trip, not one per event.
const MIN_PAGE = 100;
const MAX_PAGE = 1_000;
// How long to wait for a revision the server reported to become readable.
const VISIBILITY_RETRY_MS = [10, 25, 50, 100, 200, 400];
// After a timed-out append, when to look for its events: about 3 s in all.
const LANDED_CHECK_MS = [0, 50, 100, 200, 400, 800, 1_500];
// ANY and STREAM_EXISTS go out at the revision seen; a stream that keeps moving gets this many tries.
const MAX_ATTEMPTS = 100;

export interface KurrentDbConnectOptions {
  /** How long `connect` waits for the server to answer before failing. Default 10 s. */
  timeoutMs?: number;
}

export interface KurrentDbEventStoreOptions {
  /** Delays (ms) between looks for a timed-out append's events before answering UNAVAILABLE. About 3 s by default. */
  landedCheckDelaysMs?: readonly number[];
}

/** What a stream held when last read: its revision (undefined: no stream) and our events in it. */
interface StreamHistory {
  revision: StreamRevision | undefined;
  events: StoredEvent[];
}

type AppendOutcome =
  | { kind: 'appended'; result: AppendResult }
  /** The stream is not at the revision tried; `actual` when the server said where it is. */
  | { kind: 'moved'; actual: StreamRevision | undefined };

/**
 * The event store on KurrentDB (formerly EventStoreDB), through the official gRPC client.
 *
 * Streams map one to one; our event ids are KurrentDB's event ids; positions are KurrentDB commit
 * positions. Idempotency as on PostgreSQL: ids already in the stream make an append a retry (same
 * content) or a CONFLICT. The server checks ids only in some cases and never content, so an append
 * other than NO_STREAM reads its stream first, and every append reads its events back: up to two
 * extra reads per append, the first growing with the stream.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<AllSubscription>();
  private readonly landedCheckDelaysMs: readonly number[];

  constructor(
    private readonly client: KurrentDBClient,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.landedCheckDelaysMs = options.landedCheckDelaysMs ?? LANDED_CHECK_MS;
  }

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
    if (isSystemStream(stream)) throw new RangeError(`stream ${stream} is reserved: streams starting with $ belong to KurrentDB`);
    const expected = options.expectedRevision;
    toStreamState(expected);
    const encoded = events.map(encodeEvent);
    const ids = new Set(encoded.map((e) => e.id));
    if (ids.size < events.length) throw new RangeError(`append to ${stream} carries the same event id twice`);

    // The server compares ids only when the expected revision is behind the stream (from there
    // on), or, for ANY / STREAM_EXISTS, against a cache of recent ids that a restart empties; it
    // never compares content. So the stream's ids are checked here first, and every append goes
    // out at the exact revision seen: the server then catches an identical append racing this one.
    // NO_STREAM needs no look first: an existing stream is behind the expectation, checked from 0.
    let history = expected === NO_STREAM ? undefined : await this.readHistory(stream);
    for (let attempt = 1; ; attempt++) {
      if (history) {
        const stored = checkStoredIds(events, history.events);
        if (stored.kind === 'ours') return { nextExpectedRevision: stored.lastRevision, position: stored.lastPosition };
        if (stored.kind === 'conflict') throw idReused(stream, stored.eventId, stored.partial);
        if (!expectationHolds(expected, history.revision)) throw new WrongExpectedRevisionError(stream, expected, history.revision);
      }
      const outcome = await this.appendAt(stream, events, encoded, history?.revision, expected);
      if (outcome.kind === 'appended') return outcome.result;
      if (attempt >= MAX_ATTEMPTS) {
        throw new EventStoreError('UNAVAILABLE', `append to ${stream}: the stream moved under each of ${MAX_ATTEMPTS} tries; try again`);
      }
      history = await this.readHistory(stream, history, outcome.actual);
    }
  }

  /**
   * One try at the exact revision `current` (undefined: no stream). Answers whether the events
   * are stored, or that the stream is elsewhere (then the caller looks at it again).
   */
  private async appendAt(
    stream: string,
    events: readonly NewEvent[],
    encoded: readonly EventData[],
    current: StreamRevision | undefined,
    expected: ExpectedRevision,
  ): Promise<AppendOutcome> {
    const firstRevision = current === undefined ? 0n : current + 1n;
    let nextExpectedRevision: StreamRevision;
    let reportedPosition: GlobalPosition | undefined;
    try {
      const result = await this.client.appendToStream(stream, [...encoded], { streamState: current ?? KURRENT_NO_STREAM });
      // With throwOnAppendFailure=false in the connection string, a conflict is an answer, not an error.
      if (!result.success) return { kind: 'moved', actual: result.nextExpectedRevision < 0n ? undefined : result.nextExpectedRevision };
      nextExpectedRevision = result.nextExpectedRevision;
      reportedPosition = result.position && result.position.commit >= 0n ? result.position.commit : undefined;
    } catch (error) {
      if (isWrongExpectedVersion(error)) return { kind: 'moved', actual: toActualRevision(error.actualState) };
      if (isUnknownOutcome(error)) return this.findLanded(stream, events, firstRevision, error);
      throw translateAppendError(error, stream, expected);
    }

    // Success may also be KurrentDB recognising our ids as a retry, whatever their content.
    const stored = checkStoredAppend(events, await this.readRange(stream, nextExpectedRevision - BigInt(events.length) + 1n, events.length));
    switch (stored.kind) {
      case 'ours':
        return { kind: 'appended', result: { nextExpectedRevision, position: stored.lastPosition } };
      case 'conflict':
        throw idReused(stream, stored.eventId, false);
      default:
        if (reportedPosition === undefined) throw new Error(`append to ${stream} succeeded but its events cannot be read back`);
        return { kind: 'appended', result: { nextExpectedRevision, position: reportedPosition } };
    }
  }

  /**
   * An append timed out: it may be stored (a commit slower than the server's timeout, or an
   * identical append the server dropped because the first was not indexed yet). Its revisions
   * are looked at for a few seconds before answering.
   */
  private async findLanded(stream: string, events: readonly NewEvent[], firstRevision: StreamRevision, cause: unknown): Promise<AppendOutcome> {
    for (const delayMs of this.landedCheckDelaysMs) {
      if (delayMs) await sleep(delayMs);
      let stored: StoredAppend;
      try {
        stored = checkStoredAppend(events, await this.readRange(stream, firstRevision, events.length));
      } catch {
        continue;
      }
      switch (stored.kind) {
        case 'ours':
          return { kind: 'appended', result: { nextExpectedRevision: stored.lastRevision, position: stored.lastPosition } };
        case 'conflict':
          throw idReused(stream, stored.eventId, false);
        case 'theirs':
          return { kind: 'moved', actual: undefined };
        case 'not-visible':
          continue;
      }
    }
    const waited = this.landedCheckDelaysMs.reduce((sum, ms) => sum + ms, 0);
    const error = new EventStoreError(
      'UNAVAILABLE',
      `append to ${stream}: KurrentDB did not answer in time and its events were not readable within ${waited} ms; ` +
        'they may still be stored. Retrying with the same event ids and expected revision is safe.',
    );
    error.cause = cause;
    throw error;
  }

  /**
   * The stream's events and revision, read on the leader; with `known`, only what follows it is
   * read. `atLeast` is a revision the server reported: waited for briefly, since an acknowledged
   * commit may take a moment to become readable, then taken as the stream's revision.
   */
  private async readHistory(stream: string, known?: StreamHistory, atLeast?: StreamRevision): Promise<StreamHistory> {
    const history: StreamHistory = { revision: known?.revision, events: [...(known?.events ?? [])] };
    for (const delayMs of [0, ...VISIBILITY_RETRY_MS]) {
      if (delayMs) await sleep(delayMs);
      try {
        for await (const resolved of this.client.readStream(stream, {
          fromRevision: history.revision === undefined ? START : history.revision + 1n,
          direction: FORWARDS,
          requiresLeader: true,
        })) {
          if (!resolved.event) continue;
          history.revision = resolved.event.revision;
          const event = fromResolved(resolved);
          if (event) history.events.push(event);
        }
      } catch (error) {
        if (!isMissingStream(error)) throw translateError(error);
      }
      if (atLeast === undefined || (history.revision !== undefined && history.revision >= atLeast)) return history;
    }
    // Still behind the server's word: events gone from reads (a truncated or soft-deleted stream).
    history.revision = atLeast;
    return history;
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
    const pageSize = Math.min(Math.max(wanted, MIN_PAGE), MAX_PAGE);
    try {
      // Pages until enough events pass the filters checked here; a short page means the end of $all.
      for (;;) {
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
    // The newest event subscribers can see: KurrentDB's own events after it are never delivered to
    // them. The server drops its `$` streams; the rare `$` type elsewhere (a tombstone) is skipped here.
    let before: ReadPosition = END;
    let newestSeen: GlobalPosition | undefined;
    try {
      for (;;) {
        let scanned = 0;
        for await (const resolved of this.client.readAll({
          direction: BACKWARDS,
          fromPosition: before,
          maxCount: HEAD_PAGE,
          filter: streamNameFilter({ regex: OUR_STREAMS }),
        })) {
          if (!resolved.event) continue;
          scanned++;
          const position = toGlobalPosition(resolved.event.position);
          if (newestSeen !== undefined && position >= newestSeen) continue;
          newestSeen = position;
          if (fromResolved(resolved)) return position;
        }
        if (scanned < HEAD_PAGE || newestSeen === undefined) return 0n;
        before = toReadPosition(newestSeen);
      }
    } catch (error) {
      throw translateError(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }
}

const HEAD_PAGE = 32;

const idReused = (stream: string, eventId: string, partial: boolean) =>
  new EventStoreError(
    'CONFLICT',
    partial
      ? `event id ${eventId} is already stored in ${stream}, but not the rest of this append: an append is atomic, so this one can never be stored`
      : `event id ${eventId} is already stored in ${stream} with other content`,
  );

/** Whether a stream at `current` (undefined: no stream) is where the caller expects it. */
function expectationHolds(expected: ExpectedRevision, current: StreamRevision | undefined): boolean {
  switch (expected) {
    case ANY:
      return true;
    case NO_STREAM:
      return current === undefined;
    case STREAM_EXISTS:
      return current !== undefined;
    default:
      return current === expected;
  }
}

function fromResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const recorded = resolved.event;
  if (!recorded || isSystemEvent(recorded)) return undefined;
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
