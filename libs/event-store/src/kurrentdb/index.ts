export { KurrentDbEventStore, type KurrentDbConnectOptions } from './kurrentdb.event-store.js';
