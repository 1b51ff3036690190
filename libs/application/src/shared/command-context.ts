/** Who asked, and which request, for the metadata of every event a command appends. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  /** The system the command came through: `graphql`, `erp:<source>`, `deadline-watcher`, `cli`. */
  source: string;
  causationId?: string;
}

/** What every command handler returns: where the aggregate's newest event sits. */
export interface CommandResult {
  id: string;
  /** The stream revision after the command: the `version` a client passes back. */
  version: number;
  /** Global position of the aggregate's newest event; read models are awaited up to it. */
  position: bigint;
}
