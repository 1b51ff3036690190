/** Nest injection tokens for the infrastructure the application layer uses through ports. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const DATABASE_POOL = Symbol('DATABASE_POOL');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
