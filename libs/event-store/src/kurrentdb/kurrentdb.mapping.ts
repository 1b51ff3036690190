import type { AppendStreamState, CurrentStreamState, Position } from '@kurrent/kurrentdb-client';
import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedRevision, type GlobalPosition, type StoredEvent } from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';

/** Our expected revision as the client's stream state (the constants' values coincide). */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === NO_STREAM) return 'no_stream';
  if (expected === STREAM_EXISTS) return 'stream_exists';
  if (expected === ANY) return 'any';
  return expected;
}

export function fromStreamState(state: AppendStreamState): ExpectedRevision {
  return state === 'no_stream' ? NO_STREAM : state === 'stream_exists' ? STREAM_EXISTS : state === 'any' ? ANY : state;
}

/**
 * A KurrentDB $all position as our GlobalPosition: its commit position. Since EventStoreDB 20
 * (no multi-event transactions), every event's prepare position equals its commit position, so
 * the commit position alone identifies the event and orders the log.
 */
export const encodePosition = (position: Position): GlobalPosition => position.commit;

export const decodePosition = (position: GlobalPosition): Position => ({ commit: position, prepare: position });

/** The client's wrong-expected-version error as ours. */
export function translateWrongExpectedVersion(error: {
  streamName: string;
  expectedState: AppendStreamState;
  actualState: CurrentStreamState;
}): WrongExpectedRevisionError {
  return new WrongExpectedRevisionError(
    error.streamName,
    fromStreamState(error.expectedState),
    error.actualState === 'no_stream' ? undefined : BigInt(error.actualState),
  );
}

export interface RecordedLike {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata?: unknown;
  position?: Position;
}

/** Metadata we write: ours plus the `$`-prefixed ids KurrentDB's own projections understand. */
export function encodeMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> {
  const m = { ...(metadata ?? {}) };
  if (typeof m.correlationId === 'string') m.$correlationId = m.correlationId;
  if (typeof m.causationId === 'string') m.$causationId = m.causationId;
  return m;
}

export function decodeMetadata(metadata: unknown): Record<string, unknown> {
  const { $correlationId: _c, $causationId: _k, ...rest } = (metadata ?? {}) as Record<string, unknown>;
  return rest;
}

export function toStoredEvent(recorded: RecordedLike, commitPosition?: bigint): StoredEvent {
  const position = recorded.position ? encodePosition(recorded.position) : commitPosition;
  if (position === undefined) throw new Error(`event ${recorded.id} has no position`);
  return {
    id: recorded.id,
    stream: recorded.streamId,
    revision: recorded.revision,
    position,
    type: recorded.type,
    data: recorded.data,
    metadata: decodeMetadata(recorded.metadata),
    recordedAt: recorded.created,
  };
}
