export * from './ledger-infrastructure.js';
export * from './postgres-integration.ledger.js';
export * from './sequential-integration.ledger.js';
export * from './integrity/index.js';
