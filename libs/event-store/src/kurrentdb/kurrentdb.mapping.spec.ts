import { describe, expect, it } from '@jest/globals';
import { ANY, NO_STREAM, STREAM_EXISTS } from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { decodeMetadata, decodePosition, encodeMetadata, encodePosition, fromStreamState, toStoredEvent, toStreamState, translateWrongExpectedVersion } from './kurrentdb.mapping.js';

describe('KurrentDB mapping', () => {
  it('maps expected revisions both ways', () => {
    expect(toStreamState(NO_STREAM)).toBe('no_stream');
    expect(toStreamState(STREAM_EXISTS)).toBe('stream_exists');
    expect(toStreamState(ANY)).toBe('any');
    expect(toStreamState(41n)).toBe(41n);
    expect(fromStreamState('no_stream')).toBe(NO_STREAM);
    expect(fromStreamState(7n)).toBe(7n);
  });

  it('encodes a $all position as its commit position and resumes from it', () => {
    expect(encodePosition({ commit: 1234n, prepare: 1234n })).toBe(1234n);
    expect(decodePosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
  });

  it('translates the wrong-expected-version error into ours, with both revisions', () => {
    const error = translateWrongExpectedVersion({ streamName: 'promise-1', expectedState: 3n, actualState: 5n });
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', stream: 'promise-1', expected: 3n, actual: 5n });
    expect(translateWrongExpectedVersion({ streamName: 's', expectedState: 'stream_exists', actualState: 'no_stream' })).toMatchObject({
      expected: STREAM_EXISTS,
      actual: undefined,
    });
  });

  it('carries correlation and causation ids as KurrentDB understands them, and back', () => {
    const encoded = encodeMetadata({ correlationId: 'c', causationId: 'k', actor: 'a', source: 'graphql' });
    expect(encoded).toEqual({ correlationId: 'c', causationId: 'k', actor: 'a', source: 'graphql', $correlationId: 'c', $causationId: 'k' });
    expect(decodeMetadata(encoded)).toEqual({ correlationId: 'c', causationId: 'k', actor: 'a', source: 'graphql' });
  });

  it('decodes a recorded event into a stored one', () => {
    const created = new Date('2026-11-23T10:00:00Z');
    const stored = toStoredEvent({ streamId: 'customer-1', id: 'e1', revision: 0n, type: 'CustomerRegistered', created, data: { a: 1 }, metadata: { actor: 'x' }, position: { commit: 99n, prepare: 99n } });
    expect(stored).toEqual({ id: 'e1', stream: 'customer-1', revision: 0n, position: 99n, type: 'CustomerRegistered', data: { a: 1 }, metadata: { actor: 'x' }, recordedAt: created });
    expect(() => toStoredEvent({ streamId: 's', id: 'e', revision: 0n, type: 't', created, data: {} })).toThrow(/no position/);
  });
});
