export * from './ledger-infrastructure.js';
