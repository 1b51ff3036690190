import type { ExpectedRevision, StreamRevision } from './event-store.port.js';

export type EventStoreErrorCode = 'WRONG_EXPECTED_REVISION' | 'CONFLICT' | 'UNAVAILABLE';

/** The one error type adapters throw for conditions callers can act on. */
export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventStoreError';
  }
}

/** The stream was not at the revision the caller expected (optimistic concurrency). */
export class WrongExpectedRevisionError extends EventStoreError {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision; undefined when the stream does not exist. */
    readonly actual: StreamRevision | undefined,
  ) {
    super(
      'WRONG_EXPECTED_REVISION',
      `stream ${stream}: expected revision ${String(expected)}, actual ${actual === undefined ? 'no stream' : String(actual)}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

export const isWrongExpectedRevision = (error: unknown): error is WrongExpectedRevisionError =>
  error instanceof WrongExpectedRevisionError;
