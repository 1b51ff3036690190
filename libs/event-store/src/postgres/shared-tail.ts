import type { GlobalPosition, StoredEvent } from '../event-store.port.js';

interface Segment {
  /** Exclusive: the read asked for events after this position. */
  from: GlobalPosition;
  /** Inclusive: its last event. */
  to: GlobalPosition;
  events: readonly StoredEvent[];
}

/** How many recent reads are kept: enough for followers a batch or two apart. */
const SEGMENTS = 4;

/**
 * Unfiltered reads of the log's committed prefix, shared by every follower of one store: the read
 * models' projections (and live updates) follow the same tail, usually from the same checkpoint,
 * and each used to read and parse every event again.
 *
 * Sharing is exact because such a read is complete: es_append takes the transaction id and the
 * positions under one lock, so every event at or below the last one returned was visible to the
 * read. Whoever asks from inside a kept range gets the rest of that range, and a read already
 * running from the same position is awaited instead of sent again. The events are shared, not
 * copied: followers treat them as read-only, as they always had to.
 */
export class SharedTail {
  private readonly segments: Segment[] = [];
  private readonly running = new Map<string, Promise<readonly StoredEvent[]>>();

  constructor(private readonly read: (from: GlobalPosition, maxCount: number) => Promise<readonly StoredEvent[]>) {}

  async after(from: GlobalPosition, maxCount: number): Promise<readonly StoredEvent[]> {
    const kept = this.fromSegments(from, maxCount);
    if (kept) return kept;
    const key = `${from}:${maxCount}`;
    let pending = this.running.get(key);
    if (!pending) {
      pending = this.read(from, maxCount).then(
        (events) => {
          this.running.delete(key);
          if (events.length > 0) this.keep({ from, to: events[events.length - 1]!.position, events });
          return events;
        },
        (error: unknown) => {
          this.running.delete(key);
          throw error;
        },
      );
      this.running.set(key, pending);
    }
    return pending;
  }

  private fromSegments(from: GlobalPosition, maxCount: number): readonly StoredEvent[] | undefined {
    for (const segment of this.segments) {
      if (segment.from > from || from >= segment.to) continue;
      const start = firstAfter(segment.events, from);
      // The whole read, as its own follower got it: the same array lets the followers share
      // what they derive from it (the codec's decode).
      if (start === 0 && segment.events.length <= maxCount) return segment.events;
      return segment.events.slice(start, start + maxCount);
    }
    return undefined;
  }

  private keep(segment: Segment): void {
    this.segments.unshift(segment);
    if (this.segments.length > SEGMENTS) this.segments.length = SEGMENTS;
  }
}

/** Index of the first event after `position` (events are in position order). */
function firstAfter(events: readonly StoredEvent[], position: GlobalPosition): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.position <= position) low = mid + 1;
    else high = mid;
  }
  return low;
}
