import { ErrorType, isCommandError, type WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import type { ExpectedRevision } from '../event-store.port.js';
import { EventStoreError, WrongExpectedRevisionError } from '../event-store.errors.js';
import { toActualRevision } from './kurrentdb-revision.mapping.js';

// gRPC status codes of failures that say "the server is not there (yet)", when the client hands
// them over unconverted.
const GRPC_DEADLINE_EXCEEDED = 4;
// An append message above the server's gRPC receive limit, refused before KurrentDB looks at it.
const GRPC_RESOURCE_EXHAUSTED = 8;
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

/**
 * An append whose answer says nothing about its outcome: the server's commit timeout
 * (`WriteTimeoutMs`, also its answer to an identical append arriving before the first is indexed)
 * or the client's deadline. The events may be stored, or may still be.
 */
export const isUnknownOutcome = (error: unknown): boolean => {
  const type = typeOf(error);
  if (type === ErrorType.TIMEOUT || type === ErrorType.DEADLINE_EXCEEDED) return true;
  return !type && (error as { code?: unknown } | null)?.code === GRPC_DEADLINE_EXCEEDED;
};

// KurrentDB 24.10.4+ refuses an event above MaxAppendEventSize with an exception client 1.3.1 does
// not know: it reaches us as an unknown error carrying the server's metadata.
const MAX_APPEND_EVENT_SIZE_EXCEEDED = 'maximum-append-event-size-exceeded';

function serverMetadata(error: unknown): Record<string, unknown> {
  const raw = (error as { _raw?: unknown } | null)?._raw ?? error;
  const metadata = (raw as { metadata?: { getMap?: () => Record<string, unknown> } } | null)?.metadata;
  return typeof metadata?.getMap === 'function' ? metadata.getMap() : {};
}

const isEventTooLarge = (error: unknown): boolean =>
  typeOf(error) === ErrorType.APPEND_RECORD_SIZE_EXCEEDED || String(serverMetadata(error).exception) === MAX_APPEND_EVENT_SIZE_EXCEEDED;

/** The limit a size refusal names, from whichever metadata key the server used. */
const limitOf = (error: unknown): number | undefined => {
  const metadata = serverMetadata(error);
  for (const [key, value] of Object.entries(metadata)) {
    const bytes = Number(String(value));
    if (/^max/i.test(key) && Number.isSafeInteger(bytes) && bytes > 0) return bytes;
  }
  return undefined;
};

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
          'raise KURRENTDB_MAX_APPEND_SIZE on the server or append fewer events at once',
        { cause: error },
      );
    }
    case ErrorType.STREAM_DELETED:
    case ErrorType.STREAM_TOMBSTONED:
      return new Error(`stream ${stream} was deleted in KurrentDB and cannot be appended to`);
    default:
      if (isEventTooLarge(error)) return eventTooLarge(stream, error);
      if ((error as { code?: unknown } | null)?.code === GRPC_RESOURCE_EXHAUSTED) {
        return new RangeError(
          `append to ${stream} is larger than KurrentDB accepts in one request: raise KURRENTDB_MAX_APPEND_SIZE on the server ` +
            'or append fewer or smaller events at once',
          { cause: error },
        );
      }
      return translateError(error);
  }
}

function eventTooLarge(stream: string, error: unknown): RangeError {
  const limit = limitOf(error);
  return new RangeError(
    `an event appended to ${stream} is larger than KurrentDB's MaxAppendEventSize${limit ? ` (${limit} bytes)` : ''}: ` +
      'raise KURRENTDB_MAX_APPEND_EVENT_SIZE on the server or store smaller events',
    { cause: error },
  );
}
