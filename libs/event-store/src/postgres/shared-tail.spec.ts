import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../event-store.port.js';
import { SharedTail } from './shared-tail.js';

const event = (position: number): StoredEvent => ({
  position: BigInt(position),
  stream: 's',
  revision: BigInt(position),
  id: `e${position}`,
  type: 'T',
  data: {},
  metadata: {},
  recordedAt: new Date(0),
});

/** A log of events at the given positions; counts the reads it answers. */
function log(positions: number[]) {
  const reads: string[] = [];
  let fail = false;
  const read = async (from: bigint, maxCount: number) => {
    reads.push(`${from}:${maxCount}`);
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error('connection lost');
    return positions.filter((p) => BigInt(p) > from).slice(0, maxCount).map(event);
  };
  return { reads, read, failNext: (v: boolean) => (fail = v) };
}

const positions = (events: readonly StoredEvent[]) => events.map((e) => Number(e.position));

describe('SharedTail', () => {
  it('answers followers asking from the same position at once with one read', async () => {
    const l = log([1, 2, 3, 5, 8]);
    const tail = new SharedTail(l.read);
    const [a, b] = await Promise.all([tail.after(0n, 10), tail.after(0n, 10)]);
    expect(positions(a)).toEqual([1, 2, 3, 5, 8]);
    expect(b).toBe(a);
    expect(l.reads).toEqual(['0:10']);
  });

  it('answers a follower a little behind from the kept range, up to its end and batch size', async () => {
    const l = log([1, 2, 3, 5, 8, 13]);
    const tail = new SharedTail(l.read);
    await tail.after(0n, 5); // 1..8
    expect(positions(await tail.after(2n, 10))).toEqual([3, 5, 8]);
    expect(positions(await tail.after(4n, 1))).toEqual([5]);
    expect(l.reads).toEqual(['0:5']);
    // At the range's end (or before its start) it reads the log.
    expect(positions(await tail.after(8n, 10))).toEqual([13]);
    expect(l.reads).toEqual(['0:5', '8:10']);
  });

  it('does not keep what a read did not return: an empty or failed read is asked again', async () => {
    const l = log([]);
    const tail = new SharedTail(l.read);
    expect(await tail.after(0n, 10)).toEqual([]);
    l.failNext(true);
    await expect(tail.after(0n, 10)).rejects.toThrow('connection lost');
    l.failNext(false);
    expect(await tail.after(0n, 10)).toEqual([]);
    expect(l.reads).toHaveLength(3);
  });
});
