import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DirectiveNode, type DocumentNode, type GraphQLSchema, type ValueNode } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COMPLEXITY = 50_000;
export const MAX_QUERY_TOKENS = 10_000;

// A field costs 1, and a paged field costs its children times the page size it asks for.
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
  return 1 + childComplexity * first;
};

/**
 * The variables a complexity depends on: those feeding a `first` argument (the estimator's page
 * size) or a `@skip`/`@include` condition. Every other variable (ids, batches of a thousand items)
 * leaves it unchanged, so it is not part of the cache key.
 */
function complexityVariables(document: DocumentNode): readonly string[] {
  const names = new Set<string>();
  const collect = (node: ValueNode | DirectiveNode) =>
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    Argument(argument) {
      if (argument.name.value === 'first') collect(argument.value);
    },
    Directive(directive) {
      if (directive.name.value === 'skip' || directive.name.value === 'include') collect(directive);
    },
  });
  return [...names].sort();
}
const MAX_CACHED_PER_DOCUMENT = 256;
const MAX_CACHED_KEY_LENGTH = 2_000;

/**
 * Refuses expensive operations (aliases, nested pages) before any resolver runs. Apollo keeps one
 * parsed document per distinct query text, so a complexity is computed once per document, operation
 * and values of the variables it depends on, and looked up afterwards: the walk over the document
 * cost a sixth of a simple query's CPU, and a twentieth of a mutation's.
 */
export function queryLimitsPlugin(schema: () => GraphQLSchema): ApolloServerPlugin {
  const known = new WeakMap<DocumentNode, { variables: readonly string[]; complexities: Map<string, number> }>();
  const complexityOf = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>) => {
    const compute = () =>
      getComplexity({ schema: schema(), query: document, variables, operationName, estimators: [pagedEstimator] });
    let entry = known.get(document);
    if (!entry) known.set(document, (entry = { variables: complexityVariables(document), complexities: new Map() }));
    const key = `${operationName ?? ''}\n${entry.variables.map((name) => (name in variables ? JSON.stringify(variables[name]) : '-')).join(',')}`;
    if (key.length > MAX_CACHED_KEY_LENGTH) return compute();
    let complexity = entry.complexities.get(key);
    if (complexity === undefined) {
      complexity = compute();
      if (entry.complexities.size >= MAX_CACHED_PER_DOCUMENT) entry.complexities.clear();
      entry.complexities.set(key, complexity);
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
