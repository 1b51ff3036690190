import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COMPLEXITY = 50_000;
export const MAX_QUERY_TOKENS = 10_000;

// A field costs 1, and a paged field costs its children times the page size it asks for.
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
  return 1 + childComplexity * first;
};

/** Refuses expensive operations (aliases, nested pages) before any resolver runs. */
export function queryLimitsPlugin(schema: () => GraphQLSchema): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema: schema(),
            query: document,
            variables: request.variables ?? {},
            operationName: request.operationName,
            estimators: [pagedEstimator],
          });
          if (complexity > MAX_QUERY_COMPLEXITY) {
            throw new GraphQLError(`query is too complex: ${complexity} exceeds ${MAX_QUERY_COMPLEXITY}`, {
              extensions: { code: 'BAD_USER_INPUT' },
            });
          }
        },
      };
    },
  };
}
