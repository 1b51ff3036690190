export * from './sealing.js';
export * from './data-key.store.js';
export * from './master-key.js';
export * from './event-upcasters.js';
export * from './personal-data.codec.js';
export * from './legacy-event-sealer.js';
export * from './postgres-personal-data.vault.js';
