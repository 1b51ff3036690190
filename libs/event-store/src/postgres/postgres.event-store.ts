import pg from 'pg';
import { appendSpan, tracingOn } from '#libs/telemetry';
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
  SubscribeOptions,
} from '../event-store.port.js';
import { ANY, NO_STREAM, STREAM_EXISTS } from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { EXPECTED, SQLSTATE } from './postgres-event-store.migrations.js';
import { PositionNotifier } from './position-notifier.js';
import { SharedTail } from './shared-tail.js';

/** One stream's share of a multi-stream append. */
export interface StreamAppend {
  stream: string;
  events: readonly NewEvent[];
  expectedRevision: ExpectedRevision;
}

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const ES_APPEND_SQL = 'select stream_index, next_revision, last_position from es_append($1::text[], $2::bigint[], $3::jsonb, $4, $5)';
const COLUMNS = 'position, stream_id, revision, event_id, event_type, data, metadata, recorded_at';
// Only events of transactions older than every running one: none can still appear before them.
const COMMITTED_PREFIX = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

const toStored = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  stream: row.stream_id,
  revision: BigInt(row.revision),
  position: BigInt(row.position),
  type: row.event_type,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at,
});

const encodeExpected = (expected: ExpectedRevision): string => {
  switch (expected) {
    case NO_STREAM:
      return String(EXPECTED.noStream);
    case STREAM_EXISTS:
      return String(EXPECTED.streamExists);
    case ANY:
      return String(EXPECTED.any);
    default:
      if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`);
      return String(expected);
  }
};

const decodeExpected = (value: number | string): ExpectedRevision => {
  const n = BigInt(value);
  if (n === EXPECTED.noStream) return NO_STREAM;
  if (n === EXPECTED.streamExists) return STREAM_EXISTS;
  if (n === EXPECTED.any) return ANY;
  return n;
};

/** At most this many gathered calls in flight; the appends arriving meanwhile make the next one. */
const GATHER_LANES = 2;
const GATHER_MAX_EVENTS = 1_000;
/** Whether a failed gathered call failed because of this member. */
function blames(error: unknown, append: StreamAppend): boolean {
  if (error instanceof WrongExpectedRevisionError) return error.stream === append.stream;
  const pgError = error as { code?: string; constraint?: string; detail?: string };
  const id = pgError.code === '23505' && pgError.constraint === 'es_events_event_id_key' ? /\(event_id\)=\(([^)]+)\)/.exec(pgError.detail ?? '')?.[1] : undefined;
  return id !== undefined && append.events.some((e) => e.id === id);
}

interface Gathered {
  append: StreamAppend;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

function translateError(error: unknown): unknown {
  const pgError = error as { code?: string; detail?: string; message?: string };
  if (pgError.code === SQLSTATE.wrongExpectedRevision && pgError.detail) {
    const detail = JSON.parse(pgError.detail) as { stream: string; expected: number | string; actual: number | string | null };
    return new WrongExpectedRevisionError(
      detail.stream,
      decodeExpected(detail.expected),
      detail.actual === null ? undefined : BigInt(detail.actual),
    );
  }
  if (pgError.code === SQLSTATE.eventIdConflict) {
    return new EventStoreError('CONFLICT', 'an event id was reused with different content or in another stream');
  }
  return error;
}

function filterClause(filter: EventFilter, params: unknown[]): string {
  let sql = '';
  if (filter.eventTypes?.length) {
    params.push(filter.eventTypes);
    sql += ` and event_type = any($${params.length}::text[])`;
  }
  if (filter.streamPrefixes?.length) {
    params.push(filter.streamPrefixes.map((p) => p.replace(/[\\%_]/g, (c) => '\\' + c) + '%'));
    sql += ` and stream_id like any($${params.length}::text[])`;
  }
  return sql;
}

export interface PostgresEventStoreOptions {
  /** Fallback poll for live subscriptions, in case a notification is missed. */
  idlePollMs?: number;
}

/** The event store on PostgreSQL: es_events / es_streams and the es_append function. */
export class PostgresEventStore implements EventStore {
  private readonly notifier: PositionNotifier;
  private readonly idlePollMs: number;
  private gathering: Gathered[] = [];
  private gatheredInFlight = 0;
  /** Unfiltered subscriptions' reads, shared (see SharedTail). */
  private readonly tail = new SharedTail((fromPosition, maxCount) => this.readAll({ fromPosition, maxCount }));
  /** es_append calls of this store running now, without a caller's transaction. */
  private appending = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    options: PostgresEventStoreOptions = {},
  ) {
    this.notifier = new PositionNotifier(connectionString);
    this.idlePollMs = options.idlePollMs ?? 1_000;
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const [result] = await this.appendToStreams([{ stream, events, expectedRevision: options.expectedRevision }]);
    return result!;
  }

  /**
   * Appends to several streams atomically (all or nothing), in one round trip. Used by batch
   * ingestion; `appendToStream` is the one-stream case.
   * @param client run inside this client's open transaction (the append must be its first write).
   */
  appendToStreams(appends: readonly StreamAppend[], client?: pg.PoolClient): Promise<AppendResult[]> {
    return tracingOn() ? appendSpan(appends, () => this.appendToStreamsUntraced(appends, client)) : this.appendToStreamsUntraced(appends, client);
  }

  private async appendToStreamsUntraced(appends: readonly StreamAppend[], client?: pg.PoolClient): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    for (const append of appends) {
      if (append.events.length === 0) throw new RangeError(`append to ${append.stream} has no events`);
      encodeExpected(append.expectedRevision);
    }
    if (client || appends.length > 1) return this.appendNow(appends, client);
    return [await this.gather(appends[0]!)];
  }

  /**
   * A one-stream append without a caller's transaction waits, while GATHER_LANES calls are in
   * flight, to go with the others that arrive meanwhile as one multi-stream es_append: one
   * transaction and one commit for all of them, where each alone would pay its own. Alone it runs
   * at once, so a single writer waits for nothing. A group never holds a stream twice (the later
   * append waits for the next call), lists its streams sorted (groups running side by side lock
   * them in one order and cannot deadlock), and if it fails its members are retried alone, so one
   * append's stale revision or reused id never fails another's.
   */
  private gather(append: StreamAppend): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.gathering.push({ append, resolve, reject });
      this.sendGathered();
    });
  }

  private sendGathered(): void {
    while (this.gatheredInFlight < GATHER_LANES && this.gathering.length > 0) {
      const group: Gathered[] = [];
      const waiting: Gathered[] = [];
      const streams = new Set<string>();
      let events = 0;
      for (const member of this.gathering) {
        const size = member.append.events.length;
        if (streams.has(member.append.stream) || (group.length > 0 && events + size > GATHER_MAX_EVENTS)) {
          waiting.push(member);
        } else {
          group.push(member);
          streams.add(member.append.stream);
          events += size;
        }
      }
      this.gathering = waiting;
      this.gatheredInFlight++;
      void this.appendGroup(group).finally(() => {
        this.gatheredInFlight--;
        this.sendGathered();
      });
    }
  }

  private async appendGroup(group: Gathered[]): Promise<void> {
    if (group.length === 1) {
      const [member] = group as [Gathered];
      await this.appendNow([member.append]).then(([result]) => member.resolve(result!), member.reject);
      return;
    }
    const sorted = [...group].sort((a, b) => (a.append.stream < b.append.stream ? -1 : a.append.stream > b.append.stream ? 1 : 0));
    let results: AppendResult[];
    try {
      results = await this.appendNow(sorted.map((m) => m.append), undefined, { retry: false });
    } catch (error) {
      // A stale revision names its stream, a stored event id names itself: that member goes alone
      // (alone, a re-sent append is answered with its stored result), the others are gathered
      // again, first in line. Any other failure (one member's data PostgreSQL refuses, a deadlock,
      // a lost connection) sends every member alone, so each gets its own answer: a group that
      // may have committed before its connection died is answered from the stored events.
      const culprit = group.find((m) => blames(error, m.append));
      const alone = culprit ? [culprit] : group;
      if (culprit) this.gathering.unshift(...group.filter((m) => m !== culprit));
      await Promise.all(alone.map((m) => this.appendNow([m.append]).then(([result]) => m.resolve(result!), m.reject)));
      return;
    }
    sorted.forEach((member, index) => member.resolve(results[index]!));
  }

  private async appendNow(appends: readonly StreamAppend[], client?: pg.PoolClient, options: { retry: boolean } = { retry: true }): Promise<AppendResult[]> {
    const streams: string[] = [];
    const expected: string[] = [];
    const events: unknown[] = [];
    appends.forEach((append, index) => {
      streams.push(append.stream);
      expected.push(encodeExpected(append.expectedRevision));
      for (const event of append.events) {
        events.push({ s: index + 1, id: event.id, type: event.type, data: event.data, metadata: event.metadata ?? {} });
      }
    });
    const json = JSON.stringify(events);
    // Inside a caller's transaction: check ids up front (there is no retry) and notify at its
    // commit (only the caller knows when that is, and a NOTIFY inside is delivered then, not before).
    // Otherwise: no up-front check (a re-sent append fails on the event id or the revision, and the
    // retry checks). The NOTIFY goes inside the transaction when no other append of this store is
    // running: it costs nothing there, where a NOTIFY of its own after the commit costs a single
    // writer ~15% of its appends. Appends running side by side announce after their commits, so
    // they never wait for each other's flush on PostgreSQL's notify lock.
    const notifyInside = client !== undefined || this.appending === 0;
    const run = (verify: boolean) =>
      (client ?? this.pool).query<{ stream_index: number; next_revision: string; last_position: string }>({
        // Named: each session parses and plans the call once, not on every append.
        name: 'es_append',
        text: ES_APPEND_SQL,
        values: [streams, expected, json, verify, notifyInside],
      });
    let rows;
    if (!client) this.appending++;
    try {
      ({ rows } = await run(client !== undefined));
    } catch (error) {
      // A re-sent append (or two identical ones racing): it fails on the event id or on the
      // revision although its events are stored; the checked retry reports the stored positions.
      // Any other conflict stays a conflict.
      const code = (error as { code?: string }).code;
      if (client || !options.retry || (code !== SQLSTATE.wrongExpectedRevision && code !== '23505')) throw translateError(error);
      try {
        ({ rows } = await run(true));
      } catch (retryError) {
        throw translateError(retryError);
      }
    } finally {
      if (!client) this.appending--;
    }
    const byIndex = new Map(rows.map((r) => [r.stream_index, r]));
    const results = appends.map((_, index) => {
      const row = byIndex.get(index + 1)!;
      return { nextExpectedRevision: BigInt(row.next_revision), position: BigInt(row.last_position) };
    });
    if (!client) this.notifier.publish(results.reduce((max, r) => (r.position > max ? r.position : max), 0n), notifyInside);
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [stream];
    let sql = `select ${COLUMNS} from es_events where stream_id = $1`;
    if (options.fromRevision !== undefined) {
      params.push(String(options.fromRevision));
      sql += ` and revision ${backwards ? '<=' : '>='} $2`;
    }
    sql += ` order by revision ${backwards ? 'desc' : 'asc'}`;
    if (options.maxCount !== undefined) {
      params.push(options.maxCount);
      sql += ` limit $${params.length}`;
    }
    const { rows } = await this.pool.query<EventRow>(sql, params);
    return rows.map(toStored);
  }

  /** Reads many whole streams in one round trip (batch ingestion loads a batch's streams at once). */
  async readStreams(streams: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const result = new Map<string, StoredEvent[]>(streams.map((s) => [s, []]));
    if (streams.length === 0) return result;
    const { rows } = await this.pool.query<EventRow>(
      `select ${COLUMNS} from es_events where stream_id = any($1::text[]) order by stream_id, revision`,
      [[...new Set(streams)]],
    );
    for (const row of rows) result.get(row.stream_id)!.push(toStored(row));
    return result;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const params: unknown[] = [String(options.fromPosition ?? 0n), options.maxCount ?? 1_000];
    const sql =
      `select ${COLUMNS} from es_events where position > $1 and ${COMMITTED_PREFIX}` +
      filterClause(options, params) +
      ' order by position limit $2';
    const { rows } = await this.pool.query<EventRow>(sql, params);
    return rows.map(toStored);
  }

  async headPosition(): Promise<GlobalPosition> {
    const { rows } = await this.pool.query<{ head: string | null }>(
      `select max(position) as head from es_events where ${COMMITTED_PREFIX}`,
    );
    return BigInt(rows[0]?.head ?? 0);
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const notifier = this.notifier;
    const idlePollMs = this.idlePollMs;
    const batchSize = options.batchSize ?? 500;
    const filter = options.filter ?? {};
    const filtered = Boolean(filter.eventTypes?.length || filter.streamPrefixes?.length);
    const read = filtered
      ? (fromPosition: GlobalPosition) => this.readAll({ ...filter, fromPosition, maxCount: batchSize })
      : (fromPosition: GlobalPosition) => this.tail.after(fromPosition, batchSize);
    let closed = false;
    const stop = new AbortController();
    const unwatch = notifier.watch();

    async function* batches(): AsyncGenerator<readonly StoredEvent[]> {
      let cursor = options.fromPosition ?? 0n;
      let backoffMs = 2;
      try {
        while (!closed) {
          const notified = notifier.notifications;
          const events = await read(cursor);
          if (events.length > 0) {
            cursor = events[events.length - 1]!.position;
            backoffMs = 2;
            yield events;
            continue;
          }
          if (filtered) {
            // Its cursor stays at the last matching event, so a newer notified position says
            // nothing: wait for a notification after this read began (every commit sends one).
            await notifier.waitForNotification(notified, idlePollMs, stop.signal);
          } else if (notifier.latest > cursor) {
            // A notified position we cannot see yet belongs behind a transaction still running:
            // retry soon rather than wait for the next notification.
            await notifier.sleep(backoffMs, stop.signal);
            backoffMs = Math.min(backoffMs * 2, 20);
          } else {
            await notifier.waitBeyond(cursor, idlePollMs, stop.signal);
          }
        }
      } finally {
        unwatch();
      }
    }

    const iterator = batches();
    return {
      [Symbol.asyncIterator]: () => iterator,
      async close() {
        closed = true;
        stop.abort();
        await iterator.return(undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.notifier.close();
  }
}
