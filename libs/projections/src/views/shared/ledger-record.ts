import type { StoredEvent } from '#libs/event-store';
import { LEDGER_EVENT_TYPES, type LedgerEvent } from '#libs/domain';

/** A stored event of a type this version knows, its data typed by that type. */
export type LedgerRecord = {
  [T in LedgerEvent['type']]: StoredEvent<T, Extract<LedgerEvent, { type: T }>['data']>;
}[LedgerEvent['type']];

// LEDGER_EVENT_TYPES lists every type of LedgerEvent (the domain checks it where it is defined).
const KNOWN: ReadonlySet<string> = new Set(LEDGER_EVENT_TYPES);

/**
 * An event type written by a newer version is unknown here: it is skipped before any view's
 * `switch`, so the switches can be exhaustive over the known types.
 */
export const isLedgerRecord = (event: StoredEvent): event is LedgerRecord => KNOWN.has(event.type);
