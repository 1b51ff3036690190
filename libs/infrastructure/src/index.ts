export * from './ledger-infrastructure.js';
export * from './postgres-integration.ledger.js';
export * from './sequential-integration.ledger.js';
export * from './personal-data/index.js';
export * from './integrity/index.js';
