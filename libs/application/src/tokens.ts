/** Nest injection tokens for the infrastructure the application layer uses through ports. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const DATABASE_POOL = Symbol('DATABASE_POOL');
/** The pool's connection string, for processes that need a dedicated connection (LISTEN, locks). */
export const DATABASE_CONNECTION_STRING = Symbol('DATABASE_CONNECTION_STRING');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const READ_MODEL_SYNC = Symbol('READ_MODEL_SYNC');
export const INTEGRATION_LEDGER = Symbol('INTEGRATION_LEDGER');
export const DEADLINE_FINDER = Symbol('DEADLINE_FINDER');
export const PERSONAL_DATA_VAULT = Symbol('PERSONAL_DATA_VAULT');
export const LEDGER_VERIFIER = Symbol('LEDGER_VERIFIER');

/** Makes event ids and default aggregate ids (UUIDs). */
export interface IdGenerator {
  next(): string;
}
