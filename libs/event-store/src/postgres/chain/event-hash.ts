import { createHash } from 'node:crypto';

/** An event's stored columns, as PostgreSQL renders them (jsonb's text form is canonical). */
export interface ChainedEventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: string;
  metadata: string;
  /** recorded_at in microseconds since the epoch (the column's full precision). */
  recorded_us: string;
}

/** The hash before the first event. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** Columns to select from es_events (aliased e) for eventHash. */
export const CHAINED_COLUMNS =
  "e.position::text as position, e.stream_id, e.revision::text as revision, e.event_id::text as event_id, e.event_type, e.data::text as data, e.metadata::text as metadata, (extract(epoch from e.recorded_at) * 1000000)::bigint::text as recorded_us";

const FIELDS = ['stream_id', 'revision', 'position', 'event_type', 'event_id', 'data', 'metadata', 'recorded_us'] as const;

/**
 * SHA-256 of the previous hash and the event's stored fields, each length-prefixed (so no two
 * different rows encode alike): stream, revision, position, type, id, data, metadata, recorded time.
 */
export function eventHash(previous: Buffer, row: ChainedEventRow): Buffer {
  let size = 32;
  const parts: string[] = [];
  for (const field of FIELDS) {
    const value = row[field];
    parts.push(value);
    size += 4 + Buffer.byteLength(value);
  }
  const buffer = Buffer.allocUnsafe(size);
  previous.copy(buffer, 0);
  let offset = 32;
  for (const value of parts) {
    const length = buffer.write(value, offset + 4);
    buffer.writeUInt32BE(length, offset);
    offset += 4 + length;
  }
  return createHash('sha256').update(buffer).digest();
}
