import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ANY,
  EventStoreError,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedRevisionError,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type StoredEvent,
} from '../src/index.js';

/** An append whose transaction is open and not yet committed (adapters with transactions only). */
export interface HeldAppend {
  commit(): Promise<void>;
}

export interface ContractTarget {
  store: EventStore;
  /** Starts an append and holds its commit, for the out-of-order commit test. */
  holdAppend?: (stream: string, events: NewEvent[]) => Promise<HeldAppend>;
  cleanup(): Promise<void>;
}

const event = (type = 'Tested', data: unknown = { n: 1 }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { correlationId: randomUUID(), actor: 'contract-suite', source: 'test' },
});

const events = (count: number, type = 'Tested'): NewEvent[] =>
  Array.from({ length: count }, (_, n) => event(type, { n }));

/** Each test uses its own streams, so tests never see each other's events. */
const prefix = () => `ct${randomUUID().slice(0, 8)}-`;

async function collect(
  store: EventStore,
  streamPrefix: string,
  count: number,
  fromPosition?: GlobalPosition,
  timeoutMs = 10_000,
): Promise<StoredEvent[]> {
  const subscription = store.subscribeToAll({ fromPosition, filter: { streamPrefixes: [streamPrefix] } });
  const seen: StoredEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  for await (const batch of subscription) {
    seen.push(...batch);
    if (seen.length >= count) break;
  }
  clearTimeout(timer);
  await subscription.close();
  return seen;
}

/** The behaviour every EventStore adapter must have. */
export interface ContractOptions {
  /** The adapter can hold a commit open (holdAppend), so commits can happen out of order. */
  transactional: boolean;
}

export function runEventStoreContract(
  name: string,
  connect: () => Promise<ContractTarget>,
  options: ContractOptions,
): void {
  // Without multi-step transactions a log cannot commit out of order: that test does not apply.
  const itTransactional = options.transactional ? it : it.skip;
  describe(`event store contract: ${name}`, () => {
    let target: ContractTarget;
    let store: EventStore;

    beforeAll(async () => {
      target = await connect();
      store = target.store;
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    describe('appendToStream', () => {
      it('starts a stream at revision 0 and stores what was appended', async () => {
        const stream = `${prefix()}a`;
        const batch = events(3);
        const result = await store.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
        expect(result.nextExpectedRevision).toBe(2n);

        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(stored.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(stored[2]!.position).toBe(result.position);
        expect(stored[0]!.position < stored[1]!.position).toBe(true);
        expect(stored[1]).toMatchObject({ stream, type: 'Tested', data: { n: 1 } });
        expect(stored[0]!.metadata).toMatchObject({ actor: 'contract-suite', source: 'test' });
        expect(stored[0]!.recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(stored[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
      });

      it('appends at an exact expected revision and refuses a stale one with both revisions', async () => {
        const stream = `${prefix()}a`;
        await store.appendToStream(stream, events(2), { expectedRevision: NO_STREAM });
        const next = await store.appendToStream(stream, events(1), { expectedRevision: 1n });
        expect(next.nextExpectedRevision).toBe(2n);

        const refusal = await store.appendToStream(stream, events(1), { expectedRevision: 1n }).catch((e) => e);
        expect(refusal).toBeInstanceOf(WrongExpectedRevisionError);
        expect(refusal).toBeInstanceOf(EventStoreError);
        expect(refusal).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', stream, expected: 1n, actual: 2n });
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('honours NO_STREAM, STREAM_EXISTS and ANY', async () => {
        const stream = `${prefix()}a`;
        const missing = await store.appendToStream(stream, events(1), { expectedRevision: STREAM_EXISTS }).catch((e) => e);
        expect(missing).toBeInstanceOf(WrongExpectedRevisionError);
        expect((missing as WrongExpectedRevisionError).actual).toBeUndefined();

        await store.appendToStream(stream, events(1), { expectedRevision: ANY });
        const exists = await store.appendToStream(stream, events(1), { expectedRevision: NO_STREAM }).catch((e) => e);
        expect(exists).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 0n });

        expect((await store.appendToStream(stream, events(1), { expectedRevision: STREAM_EXISTS })).nextExpectedRevision).toBe(1n);
        expect((await store.appendToStream(stream, events(2), { expectedRevision: ANY })).nextExpectedRevision).toBe(3n);
      });

      it('lets exactly one of 50 concurrent appends with the same expected revision win', async () => {
        const stream = `${prefix()}a`;
        await store.appendToStream(stream, events(1), { expectedRevision: NO_STREAM });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, () => store.appendToStream(stream, events(1), { expectedRevision: 0n })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('stores a retried append once and reports the original positions', async () => {
        const stream = `${prefix()}a`;
        const batch = events(3);
        const first = await store.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
        const again = await store.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
        expect(again).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('stores identical appends racing each other once, and both succeed', async () => {
        const stream = `${prefix()}a`;
        const batch = events(2);
        const results = await Promise.all(
          Array.from({ length: 5 }, () => store.appendToStream(stream, batch, { expectedRevision: NO_STREAM })),
        );
        for (const r of results) expect(r).toEqual(results[0]);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('stores identical appends racing each other at an exact revision once, and all succeed', async () => {
        // KurrentDB drops an identical append arriving before the first is indexed and answers it
        // with a timeout: the adapter must find the events, not report a failure.
        const stream = `${prefix()}a`;
        await store.appendToStream(stream, events(1), { expectedRevision: NO_STREAM });
        const batch = events(2);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.appendToStream(stream, batch, { expectedRevision: 0n })),
        );
        for (const r of results) expect(r).toEqual(results[0]);
        expect(results[0]!.nextExpectedRevision).toBe(2n);
        expect((await store.readStream(stream)).map((e) => e.id).slice(1)).toEqual(batch.map((e) => e.id));
      });

      it('stores nothing when stored events are re-appended at the stream\'s current revision, and reports the original positions', async () => {
        const stream = `${prefix()}a`;
        const batch = events(2);
        const first = await store.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
        expect(await store.appendToStream(stream, batch, { expectedRevision: 1n })).toEqual(first);
        expect(await store.appendToStream(stream, batch, { expectedRevision: ANY })).toEqual(first);
        expect(await store.appendToStream(stream, batch, { expectedRevision: STREAM_EXISTS })).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses an event id reused with different content at the stream\'s current revision as a CONFLICT', async () => {
        const stream = `${prefix()}a`;
        const original = event('Tested', { n: 1 });
        await store.appendToStream(stream, [original, event()], { expectedRevision: NO_STREAM });
        const changed = await store
          .appendToStream(stream, [{ ...original, data: { n: 2 } }], { expectedRevision: 1n })
          .catch((e) => e);
        expect(changed).toMatchObject({ code: 'CONFLICT' });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses a retry whose first events are stored but not the rest as a CONFLICT (an append is atomic)', async () => {
        const stream = `${prefix()}a`;
        const [a, b, c] = events(3);
        await store.appendToStream(stream, [a!, b!], { expectedRevision: NO_STREAM });
        for (const expectedRevision of [NO_STREAM, 1n] as const) {
          const refused = await store.appendToStream(stream, [a!, b!, c!], { expectedRevision }).catch((e) => e);
          expect(refused).toBeInstanceOf(EventStoreError);
          expect(refused).toMatchObject({ code: 'CONFLICT' });
        }
        expect((await store.readStream(stream)).map((e) => e.id)).toEqual([a!.id, b!.id]);
      });

      it('refuses an event id reused with different content as a CONFLICT', async () => {
        const stream = `${prefix()}a`;
        const original = event('Tested', { n: 1 });
        await store.appendToStream(stream, [original], { expectedRevision: NO_STREAM });
        const changed = await store
          .appendToStream(stream, [{ ...original, data: { n: 2 } }], { expectedRevision: ANY })
          .catch((e) => e);
        expect(changed).toBeInstanceOf(EventStoreError);
        expect(changed).toMatchObject({ code: 'CONFLICT' });
        expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ n: 1 }]);
      });

      it('appends a batch of 10,000 events atomically', async () => {
        const stream = `${prefix()}big`;
        const result = await store.appendToStream(stream, events(10_000), { expectedRevision: NO_STREAM });
        expect(result.nextExpectedRevision).toBe(9_999n);
        const stored = await store.readStream(stream, { fromRevision: 9_990n });
        expect(stored).toHaveLength(10);
        expect(stored.at(-1)!.position).toBe(result.position);
      });
    });

    describe('readStream', () => {
      it('reads a missing stream as empty', async () => {
        expect(await store.readStream(`${prefix()}missing`)).toEqual([]);
      });

      it('reads from a revision, backwards, and up to a count', async () => {
        const stream = `${prefix()}r`;
        await store.appendToStream(stream, events(5), { expectedRevision: NO_STREAM });
        expect((await store.readStream(stream, { fromRevision: 3n })).map((e) => e.revision)).toEqual([3n, 4n]);
        expect((await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([4n, 3n]);
        expect((await store.readStream(stream, { fromRevision: 1n, direction: 'backwards' })).map((e) => e.revision)).toEqual([1n, 0n]);
        expect((await store.readStream(stream, { maxCount: 1 })).map((e) => e.revision)).toEqual([0n]);
      });
    });

    describe('readAll', () => {
      it('pages through the log in position order from a position', async () => {
        const p = prefix();
        for (let i = 0; i < 5; i++) await store.appendToStream(`${p}${i}`, events(3), { expectedRevision: NO_STREAM });
        const all: StoredEvent[] = [];
        let from: GlobalPosition | undefined;
        for (;;) {
          const page = await store.readAll({ fromPosition: from, maxCount: 4, streamPrefixes: [p] });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(4);
          all.push(...page);
          from = page.at(-1)!.position;
        }
        expect(all).toHaveLength(15);
        const positions = all.map((e) => e.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
        expect(new Set(positions).size).toBe(15);
      });

      it('filters by event type and stream prefix', async () => {
        const p = prefix();
        await store.appendToStream(`${p}x`, [event('Alpha'), event('Beta'), event('Alpha')], { expectedRevision: NO_STREAM });
        await store.appendToStream(`other-${p}`, [event('Alpha')], { expectedRevision: NO_STREAM });
        const alphas = await store.readAll({ streamPrefixes: [p], eventTypes: ['Alpha'] });
        expect(alphas.map((e) => e.type)).toEqual(['Alpha', 'Alpha']);
        expect(alphas.every((e) => e.stream === `${p}x`)).toBe(true);
        expect(await store.readAll({ streamPrefixes: [p], eventTypes: ['Nothing'] })).toEqual([]);
      });

      it('finds a rare type among many events of the prefixed streams', async () => {
        const p = prefix();
        for (let i = 0; i < 3; i++) await store.appendToStream(`${p}${i}`, events(100, 'Common'), { expectedRevision: NO_STREAM });
        await store.appendToStream(`${p}x`, [event('Rare'), ...events(10, 'Common'), event('Rare')], { expectedRevision: NO_STREAM });
        const rare = await store.readAll({ streamPrefixes: [p], eventTypes: ['Rare'], maxCount: 5 });
        expect(rare.map((e) => `${e.stream}@${e.revision}`)).toEqual([`${p}x@0`, `${p}x@11`]);
      });

      it('treats LIKE wildcards in a stream prefix literally', async () => {
        const p = prefix();
        await store.appendToStream(`${p}a_b`, events(1), { expectedRevision: NO_STREAM });
        await store.appendToStream(`${p}axb`, events(1), { expectedRevision: NO_STREAM });
        expect((await store.readAll({ streamPrefixes: [`${p}a_`] })).map((e) => e.stream)).toEqual([`${p}a_b`]);
      });

      it('reports the head position', async () => {
        const result = await store.appendToStream(`${prefix()}h`, events(1), { expectedRevision: NO_STREAM });
        expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then delivers live events, in order, each once', async () => {
        const p = prefix();
        await store.appendToStream(`${p}1`, events(3), { expectedRevision: NO_STREAM });
        const seen = collect(store, p, 6);
        await new Promise((r) => setTimeout(r, 100));
        await store.appendToStream(`${p}2`, events(2), { expectedRevision: NO_STREAM });
        await store.appendToStream(`${p}1`, events(1), { expectedRevision: 2n });
        const got = await seen;
        expect(got).toHaveLength(6);
        expect(got.map((e) => `${e.stream}@${e.revision}`)).toEqual([
          `${p}1@0`, `${p}1@1`, `${p}1@2`, `${p}2@0`, `${p}2@1`, `${p}1@3`,
        ]);
      });

      it('resumes after a checkpoint without repeating it', async () => {
        const p = prefix();
        await store.appendToStream(`${p}1`, events(4), { expectedRevision: NO_STREAM });
        const [first, second] = await store.readAll({ streamPrefixes: [p], maxCount: 2 });
        const rest = await collect(store, p, 2, second!.position);
        expect(rest.map((e) => e.revision)).toEqual([2n, 3n]);
        expect(first!.position < second!.position).toBe(true);
      });

      it('ends its iteration when closed', async () => {
        const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix()] } });
        const loop = (async () => {
          let batches = 0;
          for await (const _ of subscription) batches++;
          return batches;
        })();
        await new Promise((r) => setTimeout(r, 50));
        await subscription.close();
        expect(await loop).toBe(0);
      });

      itTransactional('never loses an event whose transaction commits after a newer one', async () => {
        if (!target.holdAppend) throw new Error('a transactional adapter must provide holdAppend');
        const p = prefix();
        const subscriber = collect(store, p, 2);
        const a = await target.holdAppend(`${p}a`, [event('A')]); // older position, commit held
        const b = await store.appendToStream(`${p}b`, [event('B')], { expectedRevision: NO_STREAM });

        // While A is open, no reader may pass it: not readAll, not the head position.
        const whileOpen = await store.readAll({ streamPrefixes: [p] });
        expect(whileOpen).toEqual([]);
        expect(await store.headPosition()).toBeLessThan(b.position);
        const checkpoint = await store.headPosition();

        await a.commit();
        const got = await subscriber;
        expect(got.map((e) => e.type)).toEqual(['A', 'B']);
        expect(got[0]!.position < got[1]!.position).toBe(true);
        // A reader that checkpointed while A was open resumes and still sees A.
        const resumed = await store.readAll({ fromPosition: checkpoint, streamPrefixes: [p] });
        expect(resumed.map((e) => e.type)).toEqual(['A', 'B']);
      });
    });
  });
}
