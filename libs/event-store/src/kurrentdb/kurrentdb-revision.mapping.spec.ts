import { describe, expect, it } from '@jest/globals';
import { ANY as KURRENT_ANY, NO_STREAM as KURRENT_NO_STREAM, STREAM_EXISTS as KURRENT_STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import { ANY, NO_STREAM, STREAM_EXISTS } from '../event-store.port.js';
import { toActualRevision, toStreamState } from './kurrentdb-revision.mapping.js';

describe('KurrentDB revision mapping', () => {
  it('maps every expected revision to the client stream state', () => {
    expect(toStreamState(NO_STREAM)).toBe(KURRENT_NO_STREAM);
    expect(toStreamState(STREAM_EXISTS)).toBe(KURRENT_STREAM_EXISTS);
    expect(toStreamState(ANY)).toBe(KURRENT_ANY);
    expect(toStreamState(0n)).toBe(0n);
    expect(toStreamState(41n)).toBe(41n);
  });

  it('refuses a negative exact revision', () => {
    expect(() => toStreamState(-1n)).toThrow(RangeError);
  });

  it('reads the actual revision of a conflict: none when there is no stream', () => {
    expect(toActualRevision(5n)).toBe(5n);
    expect(toActualRevision(0n)).toBe(0n);
    expect(toActualRevision(KURRENT_NO_STREAM)).toBeUndefined();
    expect(toActualRevision(undefined)).toBeUndefined();
    // deleted (-5) and tombstoned (-6) streams
    expect(toActualRevision(-5n)).toBeUndefined();
  });
});
