import type { Migration } from '#libs/postgres';

/** The read side's schema changes, applied after the event store's. */
export const ledgerMigrations: readonly Migration[] = [];
