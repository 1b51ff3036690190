/** An event the read side stored no trace of: a projection could not apply it and set it aside. */
export interface UnappliedEvent {
  eventId: string;
  projection: string;
}

/** The read side's progress: lets a write wait until every read model includes its events. */
export interface ReadModelSync {
  /**
   * Resolves when every read model has processed the event at `position`, with those of
   * `eventIds` that a read model parked instead of applying (normally none).
   */
  waitFor(position: bigint, timeoutMs: number, eventIds?: readonly string[]): Promise<readonly UnappliedEvent[]>;
}
