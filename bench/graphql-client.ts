import { AUTH_HEADERS } from './api-process.js';

export class GraphQLRequestError extends Error {}

/** One GraphQL operation; throws when the answer carries `errors`. */
export async function gql<T = any>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  let json: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    json = JSON.parse(text);
  } catch {
    throw new GraphQLRequestError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (json.errors?.length) {
    const first = json.errors[0]!;
    throw new GraphQLRequestError(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`);
  }
  return json.data as T;
}

/**
 * What the running server's schema offers, as `Type.field` and `Type.field(arg)` entries:
 * a scenario runs only when everything it needs is there.
 */
export async function schemaEntries(url: string): Promise<Set<string>> {
  const data = await gql<{ __schema: { types: { name: string; fields: { name: string; args: { name: string }[] }[] | null; inputFields: { name: string }[] | null }[] } }>(
    url,
    '{ __schema { types { name fields { name args { name } } inputFields { name } } } }',
  );
  const entries = new Set<string>();
  for (const type of data.__schema.types) {
    for (const field of type.fields ?? []) {
      entries.add(`${type.name}.${field.name}`);
      for (const arg of field.args) entries.add(`${type.name}.${field.name}(${arg.name})`);
    }
    for (const field of type.inputFields ?? []) entries.add(`${type.name}.${field.name}`);
  }
  return entries;
}

/** Runs `work` over `items` with at most `concurrency` in flight, in order of start. */
export async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}
