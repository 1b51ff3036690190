import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { INSTANT_RANGE_TEXT, isValidInstant } from '#libs/domain';

const outOfRange = (value: Date) =>
  new GraphQLError(`DateTime ${value.toISOString?.() ?? String(value)} is out of range: it must be ${INSTANT_RANGE_TEXT}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });

function inRange(value: unknown): Date {
  if (!isValidInstant(value)) throw outOfRange(value as Date);
  return value;
}

/**
 * RFC 3339 with offset in, UTC out (the contract's `DateTime`), limited to the instants every
 * store and read model can hold (`isValidInstant`): writes, reads, filters and `asOf` alike.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, Date | string>({
  ...DateTimeResolver.toConfig(),
  parseValue: (value: unknown) => inRange(DateTimeResolver.parseValue(value)),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => inRange(DateTimeResolver.parseLiteral(ast, variables)),
});

/** The contract's `JSON`. */
export const JsonScalar = JSONResolver;
