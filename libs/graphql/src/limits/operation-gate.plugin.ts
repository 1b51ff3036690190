import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { RequestAuthentication } from '../auth/request-authentication.js';
import { bearer } from '../auth/request-authentication.js';
import { ApiError } from '../errors/api-error.js';
import type { GraphqlContext } from '../common/request-context.js';
import { operationLimits } from './query-limits.plugin.js';

const STATUS: Partial<Record<ApiError['code'], number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429, BAD_USER_INPUT: 400 };

/** An edge refusal as the HTTP answer it is: its status, and Retry-After when it says when. */
export function asHttpError(error: ApiError): GraphQLError {
  const headers = new HeaderMap();
  if (error.retryAfterSeconds !== undefined) headers.set('retry-after', String(error.retryAfterSeconds));
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status: STATUS[error.code] ?? 400, headers } },
  });
}

/**
 * What every HTTP operation passes before any resolver runs, in this order: who the caller is
 * (once per operation, counted against its key's rate limit), then the operation's limits
 * (kind, storable arguments, complexity).
 */
export function operationGatePlugin(schema: () => GraphQLSchema, authentication: RequestAuthentication): ApolloServerPlugin<GraphqlContext> {
  const checkLimits = operationLimits(schema);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          const req = contextValue.req;
          if (!req.principal) {
            try {
              req.principal = await authentication.principal(bearer(req.headers.authorization), req.ip ?? 'unknown');
            } catch (error) {
              if (error instanceof ApiError) throw asHttpError(error);
              throw error;
            }
          }
          checkLimits({ request, document, operation });
        },
      };
    },
  };
}
