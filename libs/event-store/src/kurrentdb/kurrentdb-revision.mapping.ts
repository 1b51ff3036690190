import {
  ANY as KURRENT_ANY,
  NO_STREAM as KURRENT_NO_STREAM,
  STREAM_EXISTS as KURRENT_STREAM_EXISTS,
  type AppendStreamState,
  type CurrentStreamState,
} from '@kurrent/kurrentdb-client';
import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedRevision, type StreamRevision } from '../event-store.port.js';

/** The client's expected stream state for our expected revision. */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case NO_STREAM:
      return KURRENT_NO_STREAM;
    case STREAM_EXISTS:
      return KURRENT_STREAM_EXISTS;
    case ANY:
      return KURRENT_ANY;
    default:
      if (expected < 0n) throw new RangeError(`expected revision must be >= 0, got ${expected}`);
      return expected;
  }
}

/** Our actual revision for the stream state a conflict reports: undefined when there is no stream. */
export function toActualRevision(state: CurrentStreamState | undefined): StreamRevision | undefined {
  if (state === undefined || state === KURRENT_NO_STREAM) return undefined;
  // Deleted and tombstoned streams are reported with negative sentinels: no readable stream either.
  return state < 0n ? undefined : state;
}

