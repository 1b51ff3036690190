import { describe, expect, it } from '@jest/globals';
import { START } from '@kurrent/kurrentdb-client';
import { exclusiveStart, toGlobalPosition, toReadPosition } from './kurrentdb-position.mapping.js';

describe('KurrentDB position mapping', () => {
  it('keeps the commit position as our global position', () => {
    expect(toGlobalPosition({ commit: 4_711n, prepare: 4_711n })).toBe(4_711n);
  });

  it('refuses an event without a position, naming the server version that has them', () => {
    expect(() => toGlobalPosition(undefined)).toThrow(/22\.6 or later/);
    expect(() => toGlobalPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toThrow(/without its log position/);
  });

  it('refuses an event of a legacy TCP transaction (commit after prepare), naming what it is', () => {
    expect(() => toGlobalPosition({ commit: 9_000n, prepare: 8_800n })).toThrow(
      /legacy TCP protocol \(commit position 9000, prepare position 8800\).*cannot use as a checkpoint/,
    );
  });

  it('resumes a $all read at the checkpointed event, prepare derived from commit', () => {
    expect(toReadPosition(4_711n)).toEqual({ commit: 4_711n, prepare: 4_711n });
  });

  it('reads from the start without a checkpoint or at 0', () => {
    expect(toReadPosition(undefined)).toBe(START);
    expect(toReadPosition(0n)).toBe(START);
    expect(exclusiveStart(undefined)).toBeUndefined();
    expect(exclusiveStart(0n)).toBeUndefined();
    expect(exclusiveStart(12n)).toBe(12n);
  });

  it('round-trips: a checkpoint taken from an event resumes at that same event', () => {
    const event = { commit: 98_304n, prepare: 98_304n };
    expect(toReadPosition(toGlobalPosition(event))).toEqual(event);
  });
});
