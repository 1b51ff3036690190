export * from './access.migrations.js';
export * from './api-key.store.js';
export * from './principal.js';
export * from './authenticator.js';
export * from './host-allow-list.js';
