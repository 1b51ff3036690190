import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import {
  KurrentDBClient,
  TimeoutError,
  UnknownError,
  WrongExpectedVersionError,
  type AppendResult as ClientAppendResult,
  type EventData,
  type Filter,
  type Position,
} from '@kurrent/kurrentdb-client';
import { ANY, NO_STREAM, STREAM_EXISTS, type NewEvent } from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { KurrentDbEventStore } from './kurrentdb.event-store.js';

// What needs no server: refusals before any request, and failing fast when nothing listens.

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('KurrentDbEventStore without a server', () => {
  it('fails fast, naming the server but not its password, when nothing listens', async () => {
    const port = await closedPort();
    const started = Date.now();
    const failure = await KurrentDbEventStore.connect(`kurrentdb://admin:s3cret@127.0.0.1:${port}?tls=false`, { timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'UNAVAILABLE' });
    const message = (failure as Error).message;
    expect(message).toMatch(/cannot reach KurrentDB \(KURRENTDB_CONNECTION_STRING\).*: no connection/);
    expect(message).toContain(`admin:***@127.0.0.1:${port}`);
    expect(message).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a connection string that is not KurrentDB\'s, with an example', async () => {
    await expect(KurrentDbEventStore.connect('postgres://ledger:pw@localhost/ledger')).rejects.toThrow(
      /not a KurrentDB connection string: postgres:\/\/ledger:\*\*\*@localhost\/ledger.*kurrentdb:\/\/127\.0\.0\.1:2113\?tls=false/,
    );
  });

  it('refuses an empty append and an id KurrentDB cannot store before sending anything', async () => {
    const store = new KurrentDbEventStore(KurrentDBClient.connectionString(`kurrentdb://127.0.0.1:${await closedPort()}?tls=false`));
    try {
      await expect(store.appendToStream('s', [], { expectedRevision: NO_STREAM })).rejects.toThrow(/has no events/);
      await expect(
        store.appendToStream('s', [{ id: 'not-a-uuid', type: 'T', data: {} }], { expectedRevision: NO_STREAM }),
      ).rejects.toThrow(/must be a UUID/);
      await expect(
        store.appendToStream('s', [{ id: randomUUID(), type: 'T', data: {} }], { expectedRevision: -2n }),
      ).rejects.toThrow(RangeError);
    } finally {
      await store.close();
    }
  });
});

// A KurrentDB server in memory, answering appends as KurrentDB's IndexWriter.CheckCommit does:
// ids compared only when the expectation is behind the stream (from expected + 1 on), or for
// ANY / STREAM_EXISTS against a cache of recent ids that a restart empties; never content.
interface FakeRecorded {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: true;
  created: Date;
  position: Position;
}

type Commit = () => ClientAppendResult;

class FakeKurrentDb {
  readonly log: FakeRecorded[] = [];
  readonly readAllPageSizes: number[] = [];
  throwOnAppendFailure = true;
  /** Takes over the next append: it may commit it (or not) and answer as it likes. */
  nextAppend: ((commit: Commit) => Promise<ClientAppendResult>) | undefined;
  private recentIds = new Map<string, FakeRecorded>();
  private nextPosition = 1_000n;

  store(options: { landedCheckDelaysMs?: number[] } = {}): KurrentDbEventStore {
    return new KurrentDbEventStore(this as unknown as KurrentDBClient, { landedCheckDelaysMs: options.landedCheckDelaysMs ?? [0, 1, 1] });
  }

  restart(): void {
    this.recentIds = new Map();
  }

  stream(name: string): FakeRecorded[] {
    return this.log.filter((e) => e.streamId === name);
  }

  /** Writes events as another writer would, bypassing the adapter. */
  write(stream: string, events: { id?: string; type: string; data?: unknown }[], position?: (commit: bigint) => Position): void {
    let revision = BigInt(this.stream(stream).length);
    for (const e of events) {
      const commit = (this.nextPosition += 100n);
      const recorded: FakeRecorded = {
        id: e.id ?? randomUUID(),
        streamId: stream,
        revision: revision++,
        type: e.type,
        data: e.data ?? {},
        metadata: {},
        isJson: true,
        created: new Date(),
        position: position?.(commit) ?? { commit, prepare: commit },
      };
      this.log.push(recorded);
      this.recentIds.set(recorded.id, recorded);
    }
  }

  async appendToStream(stream: string, events: EventData[], options: { streamState: bigint | 'no_stream' | 'any' | 'stream_exists' }): Promise<ClientAppendResult> {
    const commit = () => this.commit(stream, events, options.streamState);
    const takeOver = this.nextAppend;
    this.nextAppend = undefined;
    return takeOver ? takeOver(commit) : commit();
  }

  private commit(stream: string, events: EventData[], state: bigint | 'no_stream' | 'any' | 'stream_exists'): ClientAppendResult {
    const existing = this.stream(stream);
    const current = BigInt(existing.length) - 1n;
    const idempotent = (last: FakeRecorded) => ({ success: true, nextExpectedRevision: last.revision, position: last.position });
    const refuse = (): ClientAppendResult => {
      if (!this.throwOnAppendFailure) return { success: false, nextExpectedRevision: current, position: undefined };
      throw new WrongExpectedVersionError(undefined, { streamName: stream, current: current < 0n ? 'no_stream' : current, expected: state });
    };
    if (state === 'any' || state === 'stream_exists') {
      if (state === 'stream_exists' && current < 0n) return refuse();
      const cached = events.map((e) => this.recentIds.get(e.id)).filter((e) => e?.streamId === stream);
      if (cached.length === events.length) return idempotent(cached.at(-1)!);
      if (cached.length > 0) return refuse();
    } else {
      const expected = state === 'no_stream' ? -1n : state;
      if (expected > current) return refuse();
      if (expected < current) {
        for (const [i, e] of events.entries()) {
          if (existing[Number(expected) + 1 + i]?.id !== e.id) return refuse();
        }
        return idempotent(existing[Number(expected) + events.length]!);
      }
    }
    this.write(stream, events.map((e) => ({ id: e.id, type: e.type, data: e.data })));
    const last = this.log.at(-1)!;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  /** Streams whose events reads no longer return (truncated, or soft-deleted and then written to). */
  readonly unreadable = new Set<string>();

  async *readStream(stream: string, options: { fromRevision?: bigint | 'start' | 'end'; maxCount?: number | bigint } = {}) {
    if (this.unreadable.has(stream)) return;
    const from = typeof options.fromRevision === 'bigint' ? options.fromRevision : 0n;
    const events = this.stream(stream).filter((e) => e.revision >= from);
    yield* events.slice(0, options.maxCount === undefined ? undefined : Number(options.maxCount)).map((event) => ({ event }));
  }

  async *readAll(options: { fromPosition?: Position | 'start' | 'end'; maxCount?: number | bigint; direction?: string; filter?: Filter } = {}) {
    const maxCount = Number(options.maxCount ?? Infinity);
    this.readAllPageSizes.push(maxCount);
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    let events = this.log.filter((e) => passes(e, options.filter));
    if (typeof from === 'object') events = events.filter((e) => (backwards ? e.position.commit < from.commit : e.position.commit >= from.commit));
    if (backwards) events = [...events].reverse();
    yield* events.slice(0, maxCount).map((event) => ({ event }));
  }

  async dispose(): Promise<void> {}
}

function passes(event: FakeRecorded, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const value = filter.filterOn === 'streamName' ? event.streamId : event.type;
  if ('prefixes' in filter && filter.prefixes) return filter.prefixes.some((p) => value.startsWith(p));
  return 'regex' in filter && filter.regex ? new RegExp(filter.regex).test(value) : true;
}

const newEvent = (data: unknown = { n: 1 }, type = 'Tested'): NewEvent => ({ id: randomUUID(), type, data });

describe('KurrentDbEventStore appends, against a simulated server', () => {
  describe('an append whose answer is a timeout (its outcome unknown)', () => {
    it('answers success when the events landed, as the server does to an identical append it drops', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      const events = [newEvent(), newEvent()];
      server.nextAppend = async (commit) => {
        commit();
        throw new TimeoutError();
      };
      const result = await store.appendToStream('promise-1', events, { expectedRevision: NO_STREAM });
      expect(result).toEqual({ nextExpectedRevision: 1n, position: server.log[1]!.position.commit });
      expect(server.stream('promise-1')).toHaveLength(2);
    });

    it('keeps looking while the events are not readable yet', async () => {
      const server = new FakeKurrentDb();
      const store = server.store({ landedCheckDelaysMs: [0, 20, 20, 20] });
      await store.appendToStream('promise-2', [newEvent()], { expectedRevision: NO_STREAM });
      server.nextAppend = async (commit) => {
        setTimeout(commit, 30);
        throw new TimeoutError();
      };
      const result = await store.appendToStream('promise-2', [newEvent()], { expectedRevision: 0n });
      expect(result.nextExpectedRevision).toBe(1n);
      expect(server.stream('promise-2')).toHaveLength(2);
    });

    it('answers the conflict when someone else\'s events took the revision', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      await store.appendToStream('promise-3', [newEvent()], { expectedRevision: NO_STREAM });
      server.nextAppend = async () => {
        server.write('promise-3', [{ type: 'Theirs' }]);
        throw new TimeoutError();
      };
      const refused = await store.appendToStream('promise-3', [newEvent()], { expectedRevision: 0n }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WrongExpectedRevisionError);
      expect(refused).toMatchObject({ expected: 0n, actual: 1n });
    });

    it('says the outcome is unknown, and that a retry is safe, when nothing can be seen', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      server.nextAppend = async () => {
        throw new TimeoutError();
      };
      const failure = await store.appendToStream('promise-4', [newEvent()], { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EventStoreError);
      expect(failure).toMatchObject({ code: 'UNAVAILABLE' });
      expect((failure as Error).message).toMatch(/may still be stored.*same event ids and expected revision is safe/);
    });
  });

  describe('event ids already in the stream', () => {
    it('re-appended at the current revision: the stored result, no duplicates', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      const events = [newEvent(), newEvent()];
      const first = await store.appendToStream('s-1', events, { expectedRevision: NO_STREAM });
      expect(await store.appendToStream('s-1', events, { expectedRevision: 1n })).toEqual(first);
      expect(server.stream('s-1')).toHaveLength(2);
    });

    it('reused with other content at a new revision: CONFLICT, nothing appended', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      const original = newEvent({ n: 1 });
      await store.appendToStream('s-2', [original, newEvent()], { expectedRevision: NO_STREAM });
      const refused = await store.appendToStream('s-2', [{ ...original, data: { n: 2 } }], { expectedRevision: 1n }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'CONFLICT' });
      expect(server.stream('s-2')).toHaveLength(2);
    });

    it('re-appended with ANY or STREAM_EXISTS after a restart emptied the server\'s id cache: no duplicates', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      const events = [newEvent(), newEvent()];
      const first = await store.appendToStream('s-3', events, { expectedRevision: ANY });
      await store.appendToStream('s-3', [newEvent()], { expectedRevision: ANY });
      server.restart();
      expect(await store.appendToStream('s-3', events, { expectedRevision: ANY })).toEqual(first);
      expect(await store.appendToStream('s-3', events, { expectedRevision: STREAM_EXISTS })).toEqual(first);
      expect(server.stream('s-3')).toHaveLength(3);
    });

    it('a retry whose first events are stored: CONFLICT at once, not a wrong revision after polling', async () => {
      const server = new FakeKurrentDb();
      const store = server.store();
      const [a, b, c] = [newEvent(), newEvent(), newEvent()];
      await store.appendToStream('s-4', [a!, b!], { expectedRevision: NO_STREAM });
      for (const expectedRevision of [NO_STREAM, 1n] as const) {
        const started = Date.now();
        const refused = await store.appendToStream('s-4', [a!, b!, c!], { expectedRevision }).catch((e: unknown) => e);
        expect(refused).toMatchObject({ code: 'CONFLICT' });
        expect((refused as Error).message).toMatch(/not the rest of this append/);
        expect(Date.now() - started).toBeLessThan(300);
      }
      expect(server.stream('s-4')).toHaveLength(2);
    });

    it('refuses one id twice in the same append', async () => {
      const store = new FakeKurrentDb().store();
      const e = newEvent();
      await expect(store.appendToStream('s-5', [e, { ...e }], { expectedRevision: ANY })).rejects.toThrow(/same event id twice/);
    });
  });

  it('maps an event above MaxAppendEventSize to a RangeError naming the setting', async () => {
    const server = new FakeKurrentDb();
    server.nextAppend = async () => {
      throw new UnknownError(
        Object.assign(new Error('3 INVALID_ARGUMENT: Maximum Append Event Size Exceeded'), {
          code: 3,
          metadata: { getMap: () => ({ exception: 'maximum-append-event-size-exceeded' }) },
        }) as never,
      );
    };
    await expect(server.store().appendToStream('big-1', [newEvent()], { expectedRevision: NO_STREAM })).rejects.toThrow(
      /MaxAppendEventSize/,
    );
  });

  describe('with throwOnAppendFailure=false in the connection string', () => {
    it('still refuses a stale expectation, and ANY still lands on a moving stream', async () => {
      const server = new FakeKurrentDb();
      server.throwOnAppendFailure = false;
      const store = server.store();
      await store.appendToStream('t-1', [newEvent()], { expectedRevision: NO_STREAM });
      await store.appendToStream('t-1', [newEvent()], { expectedRevision: 0n });
      const refused = await store.appendToStream('t-1', [newEvent()], { expectedRevision: 0n }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WrongExpectedRevisionError);
      expect(refused).toMatchObject({ expected: 0n, actual: 1n });
      const stale = await store.appendToStream('t-1', [newEvent()], { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
      expect(stale).toMatchObject({ expected: NO_STREAM, actual: 1n });

      // Another writer gets in between the adapter's look at the stream and its append.
      server.nextAppend = async (commit) => {
        server.write('t-1', [{ type: 'Theirs' }]);
        return commit();
      };
      expect((await store.appendToStream('t-1', [newEvent()], { expectedRevision: ANY })).nextExpectedRevision).toBe(3n);
      expect(server.stream('t-1').map((e) => e.type)).toEqual(['Tested', 'Tested', 'Theirs', 'Tested']);
    });
  });

  it('takes the server\'s word for a revision whose events reads do not return, rather than retrying forever', async () => {
    const server = new FakeKurrentDb();
    server.write('gone-1', [{ type: 'Old' }, { type: 'Old' }]);
    server.unreadable.add('gone-1');
    const store = server.store();
    expect((await store.appendToStream('gone-1', [newEvent()], { expectedRevision: ANY })).nextExpectedRevision).toBe(2n);
    const refused = await store.appendToStream('gone-1', [newEvent()], { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 2n });
    expect(server.stream('gone-1')).toHaveLength(3);
  });

  it('refuses a stream of KurrentDB\'s own ($...) before sending anything', async () => {
    await expect(new FakeKurrentDb().store().appendToStream('$projections-x', [newEvent()], { expectedRevision: ANY })).rejects.toThrow(
      /reserved/,
    );
  });
});

describe('KurrentDbEventStore reads, against a simulated server', () => {
  it('leaves out the events of $ streams, whatever their type, in reads and the head position', async () => {
    const server = new FakeKurrentDb();
    const store = server.store();
    const ours = await store.appendToStream('promise-9', [newEvent({}, 'Result')], { expectedRevision: NO_STREAM });
    server.write('$projections-ledger-result', [{ type: 'Result' }, { type: 'ResultRemoved' }]);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['promise-9']);
    expect((await store.readAll({ eventTypes: ['Result', 'ResultRemoved'] })).map((e) => e.stream)).toEqual(['promise-9']);
    expect(await store.headPosition()).toBe(ours.position);
  });

  it('refuses a log with events of a legacy TCP transaction instead of skipping some after a checkpoint', async () => {
    const server = new FakeKurrentDb();
    server.write('legacy-1', [{ type: 'A' }, { type: 'B' }], (commit) => ({ commit: 5_000n, prepare: commit }));
    await expect(server.store().readAll()).rejects.toThrow(/legacy TCP protocol/);
  });

  it('pages $all with a fixed size when types are checked here, not a round trip per missing event', async () => {
    const server = new FakeKurrentDb();
    for (let i = 0; i < 5; i++) server.write(`p-${i}`, Array.from({ length: 100 }, () => ({ type: 'Common' })));
    server.write('p-rare', [{ type: 'Rare' }, { type: 'Rare' }]);
    const found = await server.store().readAll({ streamPrefixes: ['p-'], eventTypes: ['Rare'], maxCount: 5 });
    expect(found.map((e) => e.type)).toEqual(['Rare', 'Rare']);
    expect(server.readAllPageSizes).toEqual([100, 100, 100, 100, 100, 100]);
  });
});
