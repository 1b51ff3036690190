import {
  GraphQLError,
  visit,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { unstorableArgument } from './storable-arguments.js';

export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COMPLEXITY = 50_000;
export const MAX_QUERY_TOKENS = 10_000;

/**
 * What a field costs is what its resolver does: a field answered from its parent costs 1, one
 * that runs a read-model query costs a READ (an aliased read is still a read), one that scans a
 * whole table (the brand ledger as of a past moment, error costs over a range) costs a SCAN, and a
 * write costs a WRITE. A page costs its children times the page size it asks for. With the budget
 * above, an operation can run at most 1,000 reads, 25 scans or 500 writes.
 */
export const FIELD_COST = { FIELD: 1, READ: 50, SCAN: 2_000, WRITE: 100, BATCH: 1_000 } as const;

/** Fields of object types that run a query of their own (per parent: an N+1 the cost must show). */
const READ_FIELDS = new Set(['Customer.ledger', 'Customer.promises', 'Customer.errors', 'Customer.errorCosts', 'Customer.timeline', 'Webhook.deliveries']);
/** Root fields answered without a read-model query. */
const FREE_ROOT_FIELDS = new Set(['Query.__typename', 'Query.__schema', 'Query.__type']);

function ownCost(parent: string, field: string, args: Record<string, unknown>): number {
  const key = `${parent}.${field}`;
  if (parent === 'Mutation') return field === 'appendEvents' ? FIELD_COST.BATCH : FIELD_COST.WRITE;
  if (parent === 'Query') {
    if (FREE_ROOT_FIELDS.has(key)) return FIELD_COST.FIELD;
    if (field === 'errorCosts' || field === 'verifyLedger' || (field === 'brandLedger' && args.asOf != null)) return FIELD_COST.SCAN;
    return FIELD_COST.READ;
  }
  return READ_FIELDS.has(key) ? FIELD_COST.READ : FIELD_COST.FIELD;
}

const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
  return ownCost(type.name, field.name, args) + childComplexity * first;
};

/** The caller's mistake, answered 400 with BAD_USER_INPUT before any resolver runs. */
export const refusal = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

/**
 * Operations nested deeper than MAX_QUERY_DEPTH are refused at validation. (graphql-depth-limit,
 * used before, overflowed the stack on a fragment that spreads itself and printed the stack.)
 * Introspection is exempt: the standard introspection query nests `ofType` deeper than any of ours.
 */
export const depthLimitRule = (maxDepth = MAX_QUERY_DEPTH): ValidationRule =>
  maxDepthRule({
    n: maxDepth,
    ignoreIntrospection: true,
    flattenFragments: false,
    exposeLimits: true,
    // Reported as a validation error (400), not thrown out of validation (which Apollo answers 500).
    propagateOnRejection: false,
    onReject: [(context, error) => (context as unknown as { reportError(e: GraphQLError): void }).reportError(error)],
  }) as unknown as ValidationRule;

/**
 * The variables a complexity depends on: those feeding a `first` argument (the estimator's page
 * size), an `asOf` (a scan or a read) or a `@skip`/`@include` condition. Every other variable (ids,
 * batches of a thousand items) leaves it unchanged, so it is not part of the cache key.
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
      if (argument.name.value === 'first' || argument.name.value === 'asOf') collect(argument.value);
    },
    Directive(directive) {
      if (directive.name.value === 'skip' || directive.name.value === 'include') collect(directive);
    },
  });
  return [...names].sort();
}
const MAX_CACHED_PER_DOCUMENT = 256;
const MAX_CACHED_KEY_LENGTH = 2_000;

/** What the limits look at: the request, its parsed document and the operation it runs. */
export interface OperationToCheck {
  request: { operationName?: string | null; variables?: Record<string, unknown> | null };
  document: DocumentNode;
  operation?: OperationDefinitionNode | null;
}

/**
 * Refuses, before any resolver runs: a subscription sent over HTTP, an argument that is not
 * storable text, and expensive operations (aliases, nested pages). Apollo keeps one parsed
 * document per distinct query text, so a complexity is computed once per document, operation and
 * values of the variables it depends on, and looked up afterwards: the walk over the document
 * cost a sixth of a simple query's CPU, and a twentieth of a mutation's.
 * @returns a check that throws a 400 BAD_USER_INPUT GraphQLError.
 */
export function operationLimits(schema: () => GraphQLSchema): (operation: OperationToCheck) => void {
  const known = new WeakMap<DocumentNode, { variables: readonly string[]; complexities: Map<string, number> }>();
  const complexityOf = (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>) => {
    const compute = () => getComplexity({ schema: schema(), query: document, variables, operationName, estimators: [estimator] });
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
  return ({ request, document, operation }) => {
    if (!operation) throw refusal(`the document has no operation named ${JSON.stringify(request.operationName ?? '')}`);
    if (operation.operation === 'subscription') {
      throw refusal('subscriptions are served over graphql-ws on /graphql (WebSocket), not over HTTP');
    }
    const variables = request.variables ?? {};
    const unstorable = unstorableArgument(schema(), document, operation, variables);
    if (unstorable) throw refusal(unstorable);
    let complexity: number;
    try {
      complexity = complexityOf(document, request.operationName ?? undefined, variables);
    } catch (error) {
      // Variables of the wrong type: graphql's own coercion, which runs next, names them.
      if (error instanceof GraphQLError) return;
      throw error;
    }
    if (complexity > MAX_QUERY_COMPLEXITY) throw refusal(`query is too complex: ${complexity} exceeds ${MAX_QUERY_COMPLEXITY}`);
  };
}
