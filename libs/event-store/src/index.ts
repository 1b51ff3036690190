export * from './event-store.port.js';
export * from './event-store.errors.js';
export * from './coded-event-store.js';
export * from './postgres/index.js';
export * from './kurrentdb/index.js';
