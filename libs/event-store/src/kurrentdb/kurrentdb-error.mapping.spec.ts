import { describe, expect, it } from '@jest/globals';
import {
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { NO_STREAM, STREAM_EXISTS } from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { isMissingStream, isUnknownOutcome, isWrongExpectedVersion, translateAppendError, translateError } from './kurrentdb-error.mapping.js';

const wrongExpectedVersion = (expected: bigint | 'no_stream' | 'stream_exists' | 'any', current: bigint | 'no_stream') =>
  new WrongExpectedVersionError(undefined, { streamName: 'promise-1', expected, current });

describe('KurrentDB error mapping', () => {
  it('translates a wrong expected version into ours, with our expectation and the actual revision', () => {
    const error = translateAppendError(wrongExpectedVersion(3n, 5n), 'promise-1', 3n);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', stream: 'promise-1', expected: 3n, actual: 5n });
  });

  it('reports no actual revision when the stream does not exist', () => {
    const error = translateAppendError(wrongExpectedVersion('stream_exists', 'no_stream'), 'promise-1', STREAM_EXISTS);
    expect(error).toMatchObject({ expected: STREAM_EXISTS, actual: undefined });
    expect(translateAppendError(wrongExpectedVersion('no_stream', 0n), 'promise-1', NO_STREAM)).toMatchObject({
      expected: NO_STREAM,
      actual: 0n,
    });
  });

  it('recognises the client conflict error and only that', () => {
    expect(isWrongExpectedVersion(wrongExpectedVersion(1n, 2n))).toBe(true);
    expect(isWrongExpectedVersion(new Error('wrong expected version'))).toBe(false);
    expect(isWrongExpectedVersion(undefined)).toBe(false);
  });

  it('marks an unreachable server as UNAVAILABLE, whether or not the client converted the gRPC error', () => {
    expect(translateError(new UnavailableError())).toMatchObject({ code: 'UNAVAILABLE' });
    const raw = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    const translated = translateError(raw);
    expect(translated).toBeInstanceOf(EventStoreError);
    expect((translated as EventStoreError).message).toMatch(/KurrentDB is unavailable: 14 UNAVAILABLE/);
  });

  it('says what to change when an append is larger than the server allows', () => {
    const error = translateAppendError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), 'import-1', NO_STREAM);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/1048576 bytes.*KURRENTDB_MAX_APPEND_SIZE/);
  });

  it('says what to change when one event is larger than MaxAppendEventSize (an exception client 1.3.1 does not know)', () => {
    // What the client makes of the server's refusal: an unknown error carrying the gRPC metadata.
    const raw = Object.assign(new Error('3 INVALID_ARGUMENT: Maximum Append Event Size Exceeded'), {
      code: 3,
      details: 'Maximum Append Event Size Exceeded',
      metadata: {
        getMap: () => ({ exception: 'maximum-append-event-size-exceeded', 'event-id': 'e1', 'proposed-event-size': '17000000', 'max-append-event-size': '16777216' }),
      },
    });
    const error = translateAppendError(new UnknownError(raw as never), 'import-1', NO_STREAM);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/import-1 is larger than KurrentDB's MaxAppendEventSize \(16777216 bytes\).*KURRENTDB_MAX_APPEND_EVENT_SIZE/);
    const otherUnknown = new UnknownError(Object.assign(new Error('2 UNKNOWN: boom'), { code: 2, metadata: { getMap: () => ({}) } }) as never);
    expect(translateAppendError(otherUnknown, 'import-1', NO_STREAM)).toBe(otherUnknown);
  });

  it('says what to change when the append is above the server\'s gRPC message limit', () => {
    const raw = Object.assign(new Error('8 RESOURCE_EXHAUSTED: Received message larger than max'), { code: 8, metadata: { getMap: () => ({}) } });
    const error = translateAppendError(new UnknownError(raw as never), 'import-1', NO_STREAM);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/import-1 is larger than KurrentDB accepts in one request.*KURRENTDB_MAX_APPEND_SIZE/);
  });

  it('tells an append whose outcome is unknown (timeouts) from one that surely failed', () => {
    expect(isUnknownOutcome(new TimeoutError())).toBe(true);
    expect(isUnknownOutcome(new DeadlineExceededError())).toBe(true);
    expect(isUnknownOutcome(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 }))).toBe(true);
    expect(isUnknownOutcome(new UnavailableError())).toBe(false);
    expect(isUnknownOutcome(wrongExpectedVersion(1n, 2n))).toBe(false);
    expect(isUnknownOutcome(new TypeError('boom'))).toBe(false);
  });

  it('names a deleted stream', () => {
    expect((translateAppendError(StreamDeletedError.fromStreamName('promise-1'), 'promise-1', 0n) as Error).message).toMatch(
      /promise-1 was deleted/,
    );
  });

  it('passes other errors through unchanged', () => {
    const other = new TypeError('boom');
    expect(translateError(other)).toBe(other);
    expect(translateAppendError(other, 's', 0n)).toBe(other);
  });

  it('treats a missing or deleted stream as one that reads empty', () => {
    expect(isMissingStream(new StreamNotFoundError(undefined, 'promise-1'))).toBe(true);
    expect(isMissingStream(StreamDeletedError.fromStreamName('promise-1'))).toBe(true);
    expect(isMissingStream(new UnavailableError())).toBe(false);
  });
});
