export { ledgerChainMigrations, CHAIN_LOCK_KEY } from './ledger-chain.migrations.js';
export { LedgerChainSealer, type ChainSealerOptions } from './chain-sealer.js';
export { verifyLedgerChain, type ChainReport, type VerifyOptions, type Queryable } from './chain-verifier.js';
export { eventHash, GENESIS_HASH, type ChainedEventRow } from './event-hash.js';
