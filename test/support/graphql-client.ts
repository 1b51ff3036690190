export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; fields?: Record<string, string>; [k: string]: unknown } }[];
}

/** POSTs one operation to /graphql, as a client would. */
export async function gql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphQLResponse<T>;
  return { ...body, status: res.status };
}
