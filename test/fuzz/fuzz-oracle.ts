// What every answer of the ledger must look like, whatever it was sent (issue 12): the verdicts of
// the fuzzer (test/e2e/fuzz.e2e-spec.ts).

export interface HttpRequestCase {
  label: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Whether the answer must be a GraphQL error list with extensions.code (false for non-GraphQL routes). */
  graphqlShaped: boolean;
}

export interface Answer {
  status: number;
  text: string;
}

const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+|"stacktrace"|\bat (?:async )?[\w$.<>]+ \((?:file:|node:|\/)/;

/** What is wrong with one answer; an empty list when nothing is. */
export function judgeAnswer(answer: Answer, graphqlShaped: boolean): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  if (answer.text.includes('INTERNAL_SERVER_ERROR')) problems.push('INTERNAL_SERVER_ERROR');
  if (STACK_TRACE.test(answer.text)) problems.push('stack trace in the body');
  if (/Cannot read properties of|is not a function|Maximum call stack/.test(answer.text)) problems.push('internal error text in the body');
  if (!graphqlShaped) return problems;
  let body: { errors?: { extensions?: { code?: unknown } }[] };
  try {
    body = JSON.parse(answer.text);
  } catch {
    problems.push('answer is not JSON');
    return problems;
  }
  if (answer.status >= 400 && !Array.isArray(body?.errors)) problems.push('refusal without a GraphQL errors list');
  for (const error of body?.errors ?? []) {
    if (typeof error?.extensions?.code !== 'string') {
      problems.push('error without extensions.code');
      break;
    }
  }
  return problems;
}

/** The codes in an answer, for grouping failures ("BAD_USER_INPUT,NOT_FOUND"). */
export function codesOf(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    return [...new Set((body.errors ?? []).map((e) => e.extensions?.code ?? '(none)'))].sort().join(',');
  } catch {
    return '(not JSON)';
  }
}

/** Requests no schema describes: bodies, methods and content types a careless client sends. */
export function httpOddities(mutation: string): HttpRequestCase[] {
  const json = { 'content-type': 'application/json' };
  const post = (label: string, body: string | Uint8Array, headers: Record<string, string> = json): HttpRequestCase => ({ label, method: 'POST', path: '/graphql', headers, body, graphqlShaped: true });
  const get = (label: string, query: Record<string, string>, headers: Record<string, string> = {}): HttpRequestCase => ({
    label,
    method: 'GET',
    path: `/graphql?${new URLSearchParams(query)}`,
    headers,
    graphqlShaped: true,
  });
  return [
    post('truncated JSON', '{"query": '),
    post('JSON null', 'null'),
    post('JSON string', '"{ __typename }"'),
    post('empty object', '{}'),
    post('empty body', ''),
    post('query is a number', '{"query": 1}'),
    post('variables is a string', '{"query":"{ __typename }","variables":"x"}'),
    post('variables is a list', '{"query":"{ __typename }","variables":[1]}'),
    post('a batch (array of operations)', '[{"query":"{ __typename }"},{"query":"{ eventStoreHead }"}]'),
    post('duplicate JSON keys', '{"query":"{ __typename }","query":"{ eventStoreHead }"}'),
    post('__proto__ in the body', '{"query":"{ __typename }","__proto__":{"polluted":true}}'),
    post('unpaired surrogate escape in the body', '{"query":"{ customer(id: \\"\\ud800\\") { id } }"}'),
    post('NUL escape in the query', '{"query":"{ customer(id: \\"\\u0000\\") { id } }"}'),
    post('invalid UTF-8 bytes', Uint8Array.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    post('text/plain', JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain' }),
    post('form-encoded', 'query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' }),
    post('multipart', '--b\r\ncontent-disposition: form-data; name="operations"\r\n\r\n{}\r\n--b--', { 'content-type': 'multipart/form-data; boundary=b' }),
    post('no content type', JSON.stringify({ query: '{ __typename }' }), {}),
    post('json with a wrong charset', JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json; charset=latin9' }),
    post('unknown operationName', JSON.stringify({ query: 'query A { __typename }', operationName: 'B' })),
    post('operationName not a string', JSON.stringify({ query: 'query A { __typename }', operationName: 7 })),
    post('two operations, no operationName', JSON.stringify({ query: 'query A { __typename } query B { eventStoreHead }' })),
    post('self-spreading fragment', JSON.stringify({ query: 'query { ...F } fragment F on Query { __typename ...F }' })),
    post('fragment cycle', JSON.stringify({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { eventStoreHead ...A }' })),
    post('undefined variable', JSON.stringify({ query: 'query { customer(id: $nope) { id } }' })),
    post('variable of an input type declared as a scalar', JSON.stringify({ query: 'mutation($i: String!) { makePromise(input: $i) { id } }', variables: { i: 'x' } })),
    post('Int variable given a string', JSON.stringify({ query: 'query($n: Int) { customers(first: $n) { totalCount } }', variables: { n: 'ten' } })),
    post('Int variable given 2^53', JSON.stringify({ query: 'query($n: Int) { customers(first: $n) { totalCount } }', variables: { n: 2 ** 53 } })),
    post('Int variable given a float', JSON.stringify({ query: 'query($n: Int) { customers(first: $n) { totalCount } }', variables: { n: 1.5 } })),
    post('required variable missing', JSON.stringify({ query: 'query($id: ID!) { customer(id: $id) { id } }' })),
    post('a subscription over POST', JSON.stringify({ query: 'subscription { promiseBroken { id } }' })),
    post('a 300-deep selection', JSON.stringify({ query: `{ ${'customers { nodes { promises { nodes { customer { '.repeat(60)} id ${'} } } } } '.repeat(60)} }` })),
    post('deeply nested list literal', JSON.stringify({ query: `{ customer(id: ${'['.repeat(3_000)}"x"${']'.repeat(3_000)}) { id } }` })),
    post('deeply nested variables', `{"query":"query($v: JSON) { __typename }","variables":{"v":${'['.repeat(6_000)}${']'.repeat(6_000)}}}`),
    post(
      'an emoji in the input and an ERP payload nested 3,535 lists deep',
      `{"query":"mutation($i: AppendEventsInput!) { appendEvents(input: $i) { rejected } }","variables":{"i":{"source":"\u{1F600}","events":[{"externalId":"x","type":"PROMISE_KEPT","payload":${'['.repeat(3_535)}1${']'.repeat(3_535)}}]}}}`,
    ),
    post('10,000 directives', JSON.stringify({ query: `{ __typename ${'@skip(if: false) '.repeat(10_000)} }` })),
    post('100,000 tokens of whitespace and commas', JSON.stringify({ query: `{ __typename ${','.repeat(100_000)} }` })),
    post('introspection of __type with a NUL name', JSON.stringify({ query: '{ __type(name: "\u0000") { name } }' })),
    get('a GET query', { query: '{ __typename }' }, { 'apollo-require-preflight': 'true' }),
    get('a GET query without the preflight header', { query: '{ __typename }' }),
    get('a GET mutation', { query: mutation }, { 'apollo-require-preflight': 'true' }),
    get('a GET without a query', {}, { 'apollo-require-preflight': 'true' }),
    get('a GET with variables that are not JSON', { query: 'query($id: ID!) { customer(id: $id) { id } }', variables: '{' }, { 'apollo-require-preflight': 'true' }),
    { label: 'header of 20 kB', method: 'POST', path: '/graphql', headers: { ...json, 'x-padding': 'p'.repeat(20_000) }, body: JSON.stringify({ query: '{ __typename }' }), graphqlShaped: true },
    { label: 'PUT to /graphql', method: 'PUT', path: '/graphql', headers: json, body: JSON.stringify({ query: '{ __typename }' }), graphqlShaped: false },
    { label: 'unknown route', method: 'GET', path: '/nothing-here/%00/..%2f', headers: {}, graphqlShaped: false },
    { label: '/health with a body', method: 'POST', path: '/health', headers: json, body: '{', graphqlShaped: false },
  ];
}
