/** The read side's progress: lets a write wait until every read model includes its events. */
export interface ReadModelSync {
  /** Resolves when every read model has processed the event at `position`. */
  waitFor(position: bigint, timeoutMs: number): Promise<void>;
}
