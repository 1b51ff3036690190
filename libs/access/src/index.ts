export * from './access.migrations.js';
export * from './api-key.store.js';
export * from './principal.js';
