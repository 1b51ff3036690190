export * from './postgres.event-store.js';
export { eventStoreMigrations } from './postgres-event-store.migrations.js';
export * from './chain/index.js';
