import {
  TypeInfo,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { STORABLE_TEXT_RULE, isStorableText } from '#libs/domain';

/**
 * Where text is checked per item instead: an ERP item (its externalId and its JSON payload) that is
 * not storable is REJECTED on its own, so that it never takes the good items of its batch down.
 */
const CHECKED_PER_ITEM = new Set(['IntegrationEventInput', 'JSON']);

/** The path of the first string in a variable's value that is not storable text. */
function walk(value: unknown, type: GraphQLInputType, path: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const nullable = getNullableType(type);
  if (CHECKED_PER_ITEM.has(getNamedType(nullable).name)) return undefined;
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return walk(value, nullable.ofType, path);
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], nullable.ofType, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isInputObjectType(nullable)) {
    if (typeof value !== 'object') return undefined;
    const fields = nullable.getFields();
    for (const [key, inner] of Object.entries(value)) {
      const field = fields[key];
      if (!field) continue; // graphql refuses unknown fields itself
      const found = walk(inner, field.type, `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  if (isScalarType(nullable) && typeof value === 'string' && !isStorableText(value)) return path;
  return undefined;
}

const literalProblems = new WeakMap<OperationDefinitionNode, string | null>();

/** The first string literal written in the operation that is not storable text (cached per parsed operation). */
function unstorableLiteral(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string | null {
  const cached = literalProblems.get(operation);
  if (cached !== undefined) return cached;
  const typeInfo = new TypeInfo(schema);
  let problem: string | null = null;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        if (problem || isStorableText(node.value)) return;
        const type = typeInfo.getInputType();
        const parent = typeInfo.getParentInputType();
        // Inside a JSON literal graphql knows no type; an item's externalId is checked per item.
        if (!type || CHECKED_PER_ITEM.has(getNamedType(type).name) || (parent && getNamedType(parent).name === 'IntegrationEventInput')) return;
        const argument = typeInfo.getArgument();
        problem = `${argument ? `argument "${argument.name}"` : 'a string in the document'} at line ${node.loc?.startToken.line ?? '?'}: ${STORABLE_TEXT_RULE}`;
      },
    }),
  );
  literalProblems.set(operation, problem);
  return problem;
}

/**
 * Refuses text no store can hold (NUL, an unpaired surrogate) in any argument of an operation,
 * before any resolver runs: as a variable or written in the document. Returns the refusal, or
 * undefined when every argument is storable.
 */
export function unstorableArgument(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): string | undefined {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type || !(name in variables)) continue;
    const path = walk(variables[name], type, `$${name}`);
    if (path) return `${path}: ${STORABLE_TEXT_RULE}`;
  }
  return unstorableLiteral(schema, document, operation) ?? undefined;
}
