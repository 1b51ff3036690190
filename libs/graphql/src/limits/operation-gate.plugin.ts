import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { RequestAuthentication } from '../auth/request-authentication.js';
import { bearer } from '../auth/request-authentication.js';
import { DomainError } from '#libs/domain';
import { asHttpError } from '../errors/format-error.js';
import type { GraphqlContext } from '../common/request-context.js';
import { operationLimits } from './query-limits.plugin.js';

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
              if (error instanceof DomainError) throw asHttpError(error);
              throw error;
            }
          }
          checkLimits({ request, document, operation });
        },
      };
    },
  };
}
