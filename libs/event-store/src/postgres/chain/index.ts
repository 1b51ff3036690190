export { ledgerChainMigrations, CHAIN_LOCK_KEY } from './ledger-chain.migrations.js';
export { LedgerChainSealer, type ChainSealerOptions } from './chain-sealer.js';
export { verifyLedgerChain, type ChainReport, type VerifyOptions, type Queryable } from './chain-verifier.js';
export { canonicalEvent, chainHash, GENESIS_HASH, type ChainedEventFields } from './event-hash.js';
export { holdLedgerChain, releaseLedgerChain } from './chain-hold.js';
