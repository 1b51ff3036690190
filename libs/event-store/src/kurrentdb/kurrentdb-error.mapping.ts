import { ErrorType, isCommandError, type WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import type { ExpectedRevision } from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { toActualRevision } from './kurrentdb-revision.mapping.js';

// gRPC status codes of failures that say "the server is not there (yet)", when the client hands
// them over unconverted.
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const UNREACHABLE: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
]);

const typeOf = (error: unknown): string | undefined =>
  error instanceof Error && isCommandError(error) ? error.type : undefined;

export const isWrongExpectedVersion = (error: unknown): error is WrongExpectedVersionError =>
  typeOf(error) === ErrorType.WRONG_EXPECTED_VERSION;

/** Reading a stream that was never written (or was soft-deleted): it reads as empty. */
export const isMissingStream = (error: unknown): boolean => {
  const type = typeOf(error);
  return type === ErrorType.STREAM_NOT_FOUND || type === ErrorType.NO_STREAM || type === ErrorType.STREAM_DELETED;
};

const reasonOf = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const type = typeOf(error);
  return message && message !== error?.constructor?.name ? message : (type ?? 'no details');
};

/** Errors any operation can meet, in our terms; anything else is returned unchanged. */
export function translateError(error: unknown): unknown {
  if (error instanceof EventStoreError) return error;
  const type = typeOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  if ((type && UNREACHABLE.has(type)) || code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) {
    return new EventStoreError('UNAVAILABLE', `KurrentDB is unavailable: ${reasonOf(error)}`);
  }
  return error;
}

/** An append's failure in our terms: a stale expectation becomes our WrongExpectedRevisionError. */
export function translateAppendError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (isWrongExpectedVersion(error)) {
    return new WrongExpectedRevisionError(stream, expected, toActualRevision(error.actualState));
  }
  switch (typeOf(error)) {
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED: {
      const limit = (error as { maxAppendSize?: number }).maxAppendSize;
      return new RangeError(
        `append to ${stream} is larger than KurrentDB's MaxAppendSize${limit ? ` (${limit} bytes)` : ''}: ` +
          'raise KURRENTDB_MAX_APPEND_SIZE on the server (at most 16 MiB) or append fewer events at once',
      );
    }
    case ErrorType.STREAM_DELETED:
    case ErrorType.STREAM_TOMBSTONED:
      return new Error(`stream ${stream} was deleted in KurrentDB and cannot be appended to`);
    default:
      return translateError(error);
  }
}
