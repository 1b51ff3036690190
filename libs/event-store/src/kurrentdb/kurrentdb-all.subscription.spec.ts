import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../event-store.port.js';
import { EventStoreError } from '../event-store.errors.js';
import { KurrentDbAllSubscription, type AllEventsSource } from './kurrentdb-all.subscription.js';

/** Stands in for the client's subscription stream: the test pushes what the server would send. */
class ScriptedSource extends EventEmitter implements AllEventsSource<number> {
  paused = false;
  pauses = 0;
  unsubscribed = 0;
  pause() {
    this.paused = true;
    this.pauses++;
  }
  resume() {
    this.paused = false;
  }
  async unsubscribe() {
    this.unsubscribed++;
  }
  send(...positions: number[]) {
    for (const p of positions) this.emit('data', p);
  }
}

const event = (position: number): StoredEvent => ({
  id: `id-${position}`,
  stream: 's',
  revision: BigInt(position),
  position: BigInt(position),
  type: 'Tested',
  data: {},
  metadata: {},
  recordedAt: new Date(0),
});

function subscribe(batchSize = 500, select: (n: number) => StoredEvent | undefined = event) {
  const source = new ScriptedSource();
  let closedCalls = 0;
  const subscription = new KurrentDbAllSubscription(source, {
    select,
    batchSize,
    translateError: (e) => new EventStoreError('UNAVAILABLE', `translated: ${(e as Error).message}`),
    onClosed: () => closedCalls++,
  });
  return { source, subscription, closedCalls: () => closedCalls, iterator: subscription[Symbol.asyncIterator]() };
}

const positions = (batch: readonly StoredEvent[]) => batch.map((e) => Number(e.position));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('KurrentDB $all subscription batching', () => {
  it('delivers events that are already there in batches bounded by batchSize, in order', async () => {
    const { source, subscription, iterator } = subscribe(500);
    source.send(...range(1, 1_200));
    const sizes = [];
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { value } = await iterator.next();
      sizes.push(value!.length);
      seen.push(...positions(value!));
    }
    expect(sizes).toEqual([500, 500, 200]);
    expect(seen).toEqual(range(1, 1_200));
    await subscription.close();
  });

  it('hands an idle consumer a live event at once, with the rest of its burst', async () => {
    const { source, subscription, iterator } = subscribe(500);
    const next = iterator.next();
    await new Promise((r) => setTimeout(r, 20));
    const sent = Date.now();
    source.send(7, 8, 9);
    const { value } = await next;
    expect(positions(value!)).toEqual([7, 8, 9]);
    expect(Date.now() - sent).toBeLessThan(100);
    await subscription.close();
  });

  it('leaves out what the selection rejects', async () => {
    const { source, subscription, iterator } = subscribe(10, (n) => (n % 2 === 0 ? event(n) : undefined));
    source.send(1, 2, 3, 4);
    expect(positions((await iterator.next()).value!)).toEqual([2, 4]);
    await subscription.close();
  });

  it('ends a waiting iteration when closed, and unsubscribes once', async () => {
    const { source, subscription, iterator, closedCalls } = subscribe();
    const next = iterator.next();
    await subscription.close();
    await subscription.close();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(source.unsubscribed).toBe(1);
    expect(closedCalls()).toBe(1);
  });

  it('unsubscribes when the consumer leaves its loop early', async () => {
    const { source, subscription } = subscribe(2);
    source.send(1, 2, 3, 4, 5);
    for await (const batch of subscription) {
      expect(positions(batch)).toEqual([1, 2]);
      break;
    }
    expect(source.unsubscribed).toBe(1);
  });

  it('delivers what arrived, then fails with the translated error', async () => {
    const { source, subscription, iterator } = subscribe();
    source.send(1, 2);
    source.emit('error', new Error('connection reset'));
    expect(positions((await iterator.next()).value!)).toEqual([1, 2]);
    await expect(iterator.next()).rejects.toThrow('translated: connection reset');
    expect(source.unsubscribed).toBe(1);
    await subscription.close();
  });

  it('fails when the server ends the subscription, so the consumer resubscribes from its checkpoint', async () => {
    const { source, iterator } = subscribe();
    source.emit('end');
    await expect(iterator.next()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('fails when an event cannot be read', async () => {
    const { source, iterator } = subscribe(10, () => {
      throw new Error('no position');
    });
    source.send(1);
    await expect(iterator.next()).rejects.toThrow('translated: no position');
  });

  it('ignores the error its own cancellation raises', async () => {
    const { source, subscription, iterator } = subscribe();
    await subscription.close();
    source.emit('error', new Error('cancelled'));
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('pauses the server while two batches wait, and resumes once the consumer catches up', async () => {
    const { source, subscription, iterator } = subscribe(10);
    source.send(...range(1, 19));
    expect(source.paused).toBe(false);
    source.send(20);
    expect(source.paused).toBe(true);
    await iterator.next();
    expect(source.paused).toBe(true);
    await iterator.next();
    expect(source.paused).toBe(false);
    expect(source.pauses).toBe(1);
    await subscription.close();
  });

  it('refuses a batch size below one', () => {
    expect(() => subscribe(0)).toThrow(RangeError);
  });
});
