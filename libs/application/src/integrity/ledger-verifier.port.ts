import type { ChainReport } from '#libs/event-store';

/** Recomputes the ledger's hash chain from the stored log (the PostgreSQL store's es_chain). */
export interface LedgerVerifier {
  verify(options?: { upTo?: bigint }): Promise<ChainReport>;
}
