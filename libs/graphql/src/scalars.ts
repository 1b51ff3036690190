import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

/** RFC 3339 with offset in, UTC out (the contract's `DateTime`). */
export const DateTimeScalar = DateTimeResolver;
/** The contract's `JSON`. */
export const JsonScalar = JSONResolver;
