import { jsonEvent, type EventData, type JSONType, type RecordedEvent } from '@kurrent/kurrentdb-client';
import type { EventMetadata, NewEvent, StoredEvent } from '../event-store.port.js';
import { toGlobalPosition } from './kurrentdb-position.mapping.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** KurrentDB's own event types (stream metadata, links, tombstones) start with `$`. */
export const isSystemEventType = (type: string): boolean => type.startsWith('$');

/**
 * KurrentDB's own streams start with `$`; some of their events have ordinary types (the legacy
 * projection engine writes `Result` and `ResultRemoved` into `$projections-*`).
 */
export const isSystemStream = (stream: string): boolean => stream.startsWith('$');

/** An event KurrentDB wrote for itself, by its type or by its stream: never one of ours. */
export const isSystemEvent = (event: { type: string; streamId: string }): boolean =>
  isSystemEventType(event.type) || isSystemStream(event.streamId);

/**
 * Our metadata as KurrentDB stores it: the same JSON, plus `$correlationId` / `$causationId`, the
 * names KurrentDB's projections (e.g. $by_correlation_id) read.
 */
export function encodeMetadata(metadata: EventMetadata = {}): Record<string, unknown> {
  const encoded: Record<string, unknown> = { ...metadata };
  if (metadata.correlationId !== undefined) encoded.$correlationId = metadata.correlationId;
  if (metadata.causationId !== undefined) encoded.$causationId = metadata.causationId;
  return encoded;
}

/**
 * Metadata key for events copied in from another log (see docs/deploy.md): when they were first
 * recorded there. KurrentDB stamps `created` at the copy, and time travel (`asOf`) needs the original.
 */
export const ORIGINAL_RECORDED_AT = '$recordedAt';

const originalRecordedAt = (stored: unknown): Date | undefined => {
  if (stored === null || typeof stored !== 'object') return undefined;
  const value = (stored as Record<string, unknown>)[ORIGINAL_RECORDED_AT];
  const date = typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
};

/** Our metadata from what KurrentDB stored (by us or by another writer). */
export function decodeMetadata(stored: unknown): EventMetadata {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored) || stored instanceof Uint8Array) return {};
  const { $correlationId, $causationId, [ORIGINAL_RECORDED_AT]: _recordedAt, ...rest } = stored as Record<string, unknown>;
  const metadata: EventMetadata = rest;
  if (metadata.correlationId === undefined && typeof $correlationId === 'string') metadata.correlationId = $correlationId;
  if (metadata.causationId === undefined && typeof $causationId === 'string') metadata.causationId = $causationId;
  return metadata;
}

/** The event as the client appends it: our id becomes KurrentDB's event id (its idempotency key). */
export function encodeEvent(event: NewEvent): EventData {
  if (!UUID.test(event.id)) throw new RangeError(`event id must be a UUID, got ${JSON.stringify(event.id)}`);
  if (isSystemEventType(event.type)) throw new RangeError(`event type ${event.type} is reserved: types starting with $ belong to KurrentDB`);
  return jsonEvent({
    id: event.id.toLowerCase(),
    type: event.type,
    // JSON has no undefined; store it as null rather than an empty, unparseable body.
    data: (event.data === undefined ? null : event.data) as JSONType,
    metadata: encodeMetadata(event.metadata),
  });
}

/** A recorded event in our terms; `recordedAt` is the server's `created` time (or, for a copied event, the original's). */
export function decodeRecordedEvent(recorded: RecordedEvent): StoredEvent {
  return {
    id: recorded.id.toLowerCase(),
    stream: recorded.streamId,
    revision: recorded.revision,
    position: toGlobalPosition(recorded.position),
    type: recorded.type,
    data: recorded.data,
    metadata: decodeMetadata(recorded.metadata),
    recordedAt: originalRecordedAt(recorded.metadata) ?? recorded.created,
  };
}

const canonicalJson = (value: unknown): string | undefined => JSON.stringify(value === undefined ? null : value);

/**
 * Whether a stored event is the one we meant to append: same id, type and data. Metadata is left
 * out (a retry may carry another causation), as in the PostgreSQL store.
 */
export function isSameEvent(appended: NewEvent, stored: StoredEvent): boolean {
  return (
    appended.id.toLowerCase() === stored.id.toLowerCase() &&
    appended.type === stored.type &&
    canonicalJson(appended.data) === canonicalJson(stored.data)
  );
}
