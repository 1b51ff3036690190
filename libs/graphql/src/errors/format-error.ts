import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { HeaderMap } from '@apollo/server';
import { AuthenticationError } from '#libs/access';
import { DomainError, isErrorCode, unreachable, type ErrorCode } from '#libs/domain';
import { EventStoreError } from '#libs/event-store';
import { InvalidCursorError, ProjectionLagError } from '#libs/projections';

// Apollo's own codes for a malformed request: the caller's mistake, so BAD_USER_INPUT.
const CALLER_MISTAKES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * The coded errors of libs that may not depend on the domain (event store, access) or keep their
 * own (the read side's cursor and lag errors), as the one coded type.
 */
export function asDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof InvalidCursorError) return new DomainError('BAD_USER_INPUT', error.message, error.fields);
  if (error instanceof ProjectionLagError) return new DomainError('UNAVAILABLE', error.message);
  if (error instanceof AuthenticationError) return new DomainError('UNAUTHENTICATED', error.message);
  // A wrong expected revision is retried or turned into CONFLICT by the application; one that gets
  // here is a bug, reported as an internal error.
  if (error instanceof EventStoreError && error.code !== 'WRONG_EXPECTED_REVISION') return new DomainError(error.code, error.message);
  return undefined;
}

/** What a code is in GraphQL: `extensions.code`, and the HTTP status of a refusal before any resolver ran. */
export function graphqlCodeOf(code: ErrorCode): { code: string; status: number } {
  switch (code) {
    case 'BAD_USER_INPUT':
      return { code, status: 400 };
    case 'UNAUTHENTICATED':
      return { code, status: 401 };
    case 'FORBIDDEN':
      return { code, status: 403 };
    case 'NOT_FOUND':
      return { code, status: 404 };
    case 'CONFLICT':
      return { code, status: 409 };
    case 'INVALID_STATE':
      return { code, status: 422 };
    case 'RATE_LIMITED':
      return { code, status: 429 };
    case 'UNAVAILABLE':
      return { code, status: 503 };
    default:
      return unreachable(code);
  }
}

const extensionsOf = (error: DomainError) => ({
  code: graphqlCodeOf(error.code).code,
  ...(error.fields ? { fields: error.fields } : {}),
});

/** A refusal before any resolver ran, as the HTTP answer it is: its status, and Retry-After when it says when. */
export function asHttpError(error: DomainError): GraphQLError {
  const headers = new HeaderMap();
  if (error.retryAfterSeconds !== undefined) headers.set('retry-after', String(error.retryAfterSeconds));
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...extensionsOf(error), http: { status: graphqlCodeOf(error.code).status, headers } },
  });
}

/** The error at the bottom of a chain of GraphQLErrors wrapping one another. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 10 && current instanceof GraphQLError && current.originalError; i++) current = current.originalError;
  return current;
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
  // graphql's parser recurses: a literal nested thousands of levels deep (under the token limit)
  // overflows it, and the parse failure (wrapped twice by Apollo) would carry the engine's words.
  const message = rootCause(error) instanceof RangeError ? 'the document is nested too deeply to parse' : formatted.message;
  const base = { message, locations: formatted.locations, path: formatted.path };
  const coded = asDomainError(original);
  if (coded) return { ...base, message: coded.message, extensions: extensionsOf(coded) };
  const code = formatted.extensions?.code;
  if (isErrorCode(code) || (typeof code === 'string' && CALLER_MISTAKES.has(code))) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, code: isErrorCode(code) ? graphqlCodeOf(code).code : 'BAD_USER_INPUT' } };
  }
  // An error outside any resolver (no path) comes from parsing, validating or coercing the
  // request's variables: the caller's mistake.
  if (!formatted.path) {
    return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  }
  logUnexpected(original);
  return { ...base, message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
