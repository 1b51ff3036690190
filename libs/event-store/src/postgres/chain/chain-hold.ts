import type { Queryable } from './chain-verifier.js';

/**
 * Holds the chain at `position` for a sanctioned rewrite of es_events named `name` (the one-off
 * sealing of legacy personal data): chained rows after it are dropped (recorded in
 * es_chain_reseals) and the sealer chains nothing after the smallest held position. Call it in the
 * rewrite's transaction before changing events after `position`; call it again with the rewrite's
 * new cursor as it progresses, and releaseLedgerChain when it is done.
 */
export async function holdLedgerChain(db: Queryable, name: string, position: bigint): Promise<void> {
  await db.query('select es_chain_hold($1, $2)', [name, String(position)]);
}

/** Ends a hold: the sealer chains the rewritten events and everything after them. */
export async function releaseLedgerChain(db: Queryable, name: string): Promise<void> {
  await db.query('select es_chain_release($1)', [name]);
}
