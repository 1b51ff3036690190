import type { GlobalPosition, NewEvent, StoredEvent, StreamRevision } from '../event-store.port.js';
import { isSameEvent } from './kurrentdb-event.mapping.js';

/** What the revisions an append aimed at hold, compared with what the append carried. */
export type StoredAppend =
  /** Exactly our events, already stored: the append happened (now or by an earlier try). */
  | { kind: 'ours'; lastRevision: StreamRevision; lastPosition: GlobalPosition }
  /** Our ids with other content, or only some of our ids: an id reused for something else. */
  | { kind: 'conflict'; eventId: string }
  /** Someone else's events: a genuine concurrency conflict. */
  | { kind: 'theirs' }
  /** Our events are not (all) readable yet. */
  | { kind: 'not-visible' };

/**
 * Compares an append with what its target revisions hold. KurrentDB treats a re-sent event id as
 * a retry and reports success without comparing content, so this is where "same id, other
 * content" is caught.
 * @param stored the stream's events from the append's first revision on, at most as many as appended
 */
export function checkStoredAppend(appended: readonly NewEvent[], stored: readonly StoredEvent[]): StoredAppend {
  const [first] = stored;
  if (!first) return { kind: 'not-visible' };
  if (first.id.toLowerCase() !== appended[0]!.id.toLowerCase()) return { kind: 'theirs' };
  for (let i = 0; i < Math.min(stored.length, appended.length); i++) {
    if (!isSameEvent(appended[i]!, stored[i]!)) return { kind: 'conflict', eventId: appended[i]!.id };
  }
  if (stored.length < appended.length) return { kind: 'not-visible' };
  const last = stored[appended.length - 1]!;
  return { kind: 'ours', lastRevision: last.revision, lastPosition: last.position };
}

/** Whether an append's ids are already in its stream, wherever they are. */
export type StoredIds =
  /** Every id stored with the same content: the append happened before. */
  | { kind: 'ours'; lastRevision: StreamRevision; lastPosition: GlobalPosition }
  /** Some ids stored, or stored with other content: the append can never happen as it is. */
  | { kind: 'conflict'; eventId: string; partial: boolean }
  /** None of them. */
  | { kind: 'absent' };

/**
 * Looks for an append's ids among the events its stream holds, as the PostgreSQL store does with
 * its unique event ids: KurrentDB compares ids only in some cases (see the adapter), never content.
 * @param history the stream's events, from its first on
 */
export function checkStoredIds(appended: readonly NewEvent[], history: readonly StoredEvent[]): StoredIds {
  const byId = new Map(history.map((e) => [e.id.toLowerCase(), e]));
  let last: StoredEvent | undefined;
  let firstFound: string | undefined;
  let missing = false;
  for (const event of appended) {
    const stored = byId.get(event.id.toLowerCase());
    if (!stored) {
      missing = true;
      continue;
    }
    if (!isSameEvent(event, stored)) return { kind: 'conflict', eventId: event.id, partial: false };
    firstFound ??= event.id;
    if (!last || stored.revision > last.revision) last = stored;
  }
  if (!last) return { kind: 'absent' };
  if (missing) return { kind: 'conflict', eventId: firstFound!, partial: true };
  return { kind: 'ours', lastRevision: last.revision, lastPosition: last.position };
}
