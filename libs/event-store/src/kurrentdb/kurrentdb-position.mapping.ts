import { START, type Position, type ReadPosition } from '@kurrent/kurrentdb-client';
import type { GlobalPosition } from '../event-store.port.js';

// KurrentDB names a place in its log with { commit, prepare }. Every event appended over gRPC is
// written as its own committed prepare record (an "implicit transaction"), so its commit and prepare
// positions are the same byte offset in the transaction file. The commit position alone therefore
// identifies an event, orders $all, and fits our bigint; prepare is derived as equal to it.
// Only explicit transactions of the retired TCP protocol had prepare < commit (several events
// sharing one commit record); Promise Ledger never writes them. A log holding them is refused on
// the first such event read: a checkpoint at their shared commit position would skip the rest of
// the transaction on resume.

// The server reports "no position" as -1 sent as an unsigned 64-bit integer.
const NO_POSITION = 2n ** 64n - 1n;

/** Our position of an event KurrentDB reports at `position`. */
export function toGlobalPosition(position: Position | undefined): GlobalPosition {
  if (!position || position.commit < 0n || position.commit === NO_POSITION) {
    throw new Error(
      'KurrentDB returned an event without its log position: Promise Ledger needs KurrentDB 22.6 or later',
    );
  }
  if (position.prepare !== position.commit) {
    throw new Error(
      `KurrentDB's log holds an event written in a transaction of the legacy TCP protocol (commit position ${position.commit}, ` +
        `prepare position ${position.prepare}): its events share one commit position, which Promise Ledger cannot use as a ` +
        'checkpoint. Promise Ledger supports only logs written over gRPC; copy the events into a new log first (docs/deploy.md).',
    );
  }
  return position.commit;
}

/**
 * Where to start reading $all to resume after `after` (exclusive in our port). Undefined or 0n means
 * the start of the log: no event of ours sits at offset 0, which holds the log's own first record.
 * Any other checkpoint is an event's commit position, and { commit: p, prepare: p } points exactly
 * at that event's record, a valid place to start.
 */
export function toReadPosition(after: GlobalPosition | undefined): ReadPosition {
  if (after === undefined || after <= 0n) return START;
  return { commit: after, prepare: after };
}

/** The checkpoint to skip up to, or undefined when reading from the start. */
export function exclusiveStart(after: GlobalPosition | undefined): GlobalPosition | undefined {
  return after === undefined || after <= 0n ? undefined : after;
}
