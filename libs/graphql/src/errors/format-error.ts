import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';

/** The codes product.md promises in `extensions.code`. */
export type ApiErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_STATE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** A coded error any layer may throw; `fields` names offending input fields. */
export interface CodedError {
  code: string;
  message: string;
  fields?: Record<string, string>;
}

const API_CODES = new Set<string>([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'INVALID_STATE', 'RATE_LIMITED', 'UNAVAILABLE',
]);

// Apollo's own codes for a malformed request: the caller's mistake, so BAD_USER_INPUT.
const CALLER_MISTAKES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

const isCoded = (error: unknown): error is CodedError =>
  typeof error === 'object' && error !== null && typeof (error as CodedError).code === 'string' && API_CODES.has((error as CodedError).code);

/** Maps a coded error from any layer to the GraphQL error a client sees. */
export function toGraphQLError(error: CodedError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: { code: error.code, ...(error.fields ? { fields: error.fields } : {}) },
  });
}

/**
 * The one place errors become what clients see: coded errors keep their code and fields, a
 * caller's malformed request is BAD_USER_INPUT, anything else is an opaque internal error (logged,
 * never with a stack trace).
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logUnexpected: (error: unknown) => void = () => undefined,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (isCoded(original)) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.code, ...(original.fields ? { fields: original.fields } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (API_CODES.has(code) || CALLER_MISTAKES.has(code))) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, code: API_CODES.has(code) ? code : 'BAD_USER_INPUT' } };
  }
  // An error outside any resolver (no path) comes from parsing, validating or coercing the
  // request's variables: the caller's mistake.
  if (!formatted.path) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  }
  logUnexpected(original);
  return { ...base, message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
