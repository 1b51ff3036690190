import { createHash } from 'node:crypto';

/** The hash before the first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** An event's stored columns, as PostgreSQL renders them (jsonb's text form is canonical). */
export interface ChainedEventFields {
  streamId: string;
  revision: string;
  position: string;
  eventType: string;
  eventId: string;
  data: string;
  metadata: string;
  /** recorded_at in microseconds since the epoch (the column's full precision). */
  recordedUs: string;
}

/**
 * The canonical text of a stored event: each field as `<UTF-8 bytes>:<value>`, joined by commas, in
 * the order stream, revision, position, type, id, data, metadata, recorded time. The length
 * prefixes make it unambiguous.
 */
export const canonicalEvent = (e: ChainedEventFields): string =>
  `${Buffer.byteLength(e.streamId)}:${e.streamId},${e.revision.length}:${e.revision},${e.position.length}:${e.position},` +
  `${Buffer.byteLength(e.eventType)}:${e.eventType},${e.eventId.length}:${e.eventId},${Buffer.byteLength(e.data)}:${e.data},` +
  `${Buffer.byteLength(e.metadata)}:${e.metadata},${e.recordedUs.length}:${e.recordedUs}`;

/**
 * The columns canonicalEvent needs, from es_events aliased `e`, in ChainedEventFields' order (for
 * rowMode 'array': fieldsOf reads them from `offset`).
 */
export const CHAINED_COLUMNS_SQL =
  'e.stream_id, e.revision::text, e.position::text, e.event_type, e.event_id::text, e.data::text, e.metadata::text, (extract(epoch from e.recorded_at) * 1000000)::bigint::text';

export const fieldsOf = (row: readonly (string | null)[], offset: number): ChainedEventFields => ({
  streamId: row[offset]!,
  revision: row[offset + 1]!,
  position: row[offset + 2]!,
  eventType: row[offset + 3]!,
  eventId: row[offset + 4]!,
  data: row[offset + 5]!,
  metadata: row[offset + 6]!,
  recordedUs: row[offset + 7]!,
});

/** Row values as PostgreSQL sent them (no parsing): the canonical text is built from exactly those. */
export const AS_TEXT = { getTypeParser: () => (value: string) => value };

/** SHA-256 of the previous hash and the event's canonical text (UTF-8). */
export const chainHash = (previous: Buffer, canonical: string): Buffer => createHash('sha256').update(previous).update(canonical, 'utf8').digest();
