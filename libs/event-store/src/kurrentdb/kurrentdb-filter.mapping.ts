import { eventTypeFilter, streamNameFilter, type Filter } from '@kurrent/kurrentdb-client';
import type { EventFilter } from '../event-store.port.js';
import { isSystemEvent } from './kurrentdb-event.mapping.js';

/** A regex (as .NET reads it on the server) matching `text` literally. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`);

/** Streams not starting with `$`: KurrentDB keeps its own events (links, stats, projections) there. */
export const OUR_STREAMS = '^[^$]';

/**
 * The server-side part of a filter. KurrentDB filters $all on one property only (stream name or
 * event type), so with both, stream prefixes go to the server and types are checked here
 * (matchesFilter). Without a filter the server still drops the `$` streams, where nearly all of
 * its own events are; the few `$` types elsewhere (tombstones) are dropped here.
 */
export function toServerFilter(filter: EventFilter = {}): Filter {
  if (filter.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter.eventTypes?.length) {
    // Exact names: a prefix filter would let "PromiseMade" also match "PromiseMadeTwice".
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  return streamNameFilter({ regex: OUR_STREAMS });
}

/** The whole filter, checked on an event the server sent: never a system event. */
export function matchesFilter(event: { type: string; stream: string }, filter: EventFilter = {}): boolean {
  if (isSystemEvent({ type: event.type, streamId: event.stream })) return false;
  if (filter.eventTypes?.length && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes?.length && !filter.streamPrefixes.some((prefix) => event.stream.startsWith(prefix))) return false;
  return true;
}
