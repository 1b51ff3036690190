export * from './ledger-infrastructure.js';
export * from './postgres-integration.ledger.js';
