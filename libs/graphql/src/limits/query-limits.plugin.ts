import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COMPLEXITY = 50_000;
export const MAX_QUERY_TOKENS = 10_000;

// A field costs 1, and a paged field costs its children times the page size it asks for.
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
  return 1 + childComplexity * first;
};

/** Only operations whose variables are a few short values are worth a cache key (not batches). */
const MAX_CACHED_VALUES = 30;
const MAX_CACHED_STRING = 200;
const cacheable = (variables: Record<string, unknown>) => {
  let budget = MAX_CACHED_VALUES;
  const small = (value: unknown): boolean => {
    if (--budget < 0) return false;
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return true;
    if (typeof value === 'string') return value.length <= MAX_CACHED_STRING;
    if (typeof value === 'object') return Object.values(value).every(small);
    return false;
  };
  return Object.values(variables).every(small);
};
const MAX_CACHED_PER_DOCUMENT = 256;

/**
 * Refuses expensive operations (aliases, nested pages) before any resolver runs. Apollo keeps one
 * parsed document per distinct query text, so a complexity is computed once per document, operation
 * and (small) variables, and looked up afterwards: the walk over the document cost a sixth of a
 * simple query's CPU.
 */
export function queryLimitsPlugin(schema: () => GraphQLSchema): ApolloServerPlugin {
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  const complexityOf = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>) => {
    const compute = () =>
      getComplexity({ schema: schema(), query: document, variables, operationName, estimators: [pagedEstimator] });
    if (!cacheable(variables)) return compute();
    const key = `${operationName ?? ''}\n${JSON.stringify(variables)}`;
    let byKey = known.get(document);
    if (!byKey) known.set(document, (byKey = new Map()));
    let complexity = byKey.get(key);
    if (complexity === undefined) {
      complexity = compute();
      if (byKey.size >= MAX_CACHED_PER_DOCUMENT) byKey.clear();
      byKey.set(key, complexity);
    }
    return complexity;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = complexityOf(document, request.operationName, request.variables ?? {});
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
