import autocannon from 'autocannon';
import { AUTH_HEADERS, rssMb } from './api-process.js';

/** A GraphQL `errors` list (a field named `errors` holding a number or an object does not match). */
export const GRAPHQL_ERRORS = /"errors"\s*:\s*\[/;

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** A fixed body, or one built per request (unique ids). */
  body: string | (() => string);
  /**
   * Validates a parsed answer; returns what is wrong, or undefined. Every answer is searched for
   * a GraphQL `errors` list; this deeper check runs on one answer in `checkEvery`.
   */
  check?: (json: any) => string | undefined;
  checkEvery?: number;
  /** The server process whose resident memory is sampled during the run. */
  pid?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Socket errors + timeouts + non-2xx + answers with GraphQL `errors` + answers the check refused. */
  errors: number;
  errorKinds: string;
  /** The first refused answer, to say what went wrong. */
  firstError?: string;
  peakRssMb: number;
}

/** autocannon against one GraphQL endpoint, with answers checked and server memory sampled. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let graphqlErrors = 0;
  let refused = 0;
  let seen = 0;
  let firstError: string | undefined;
  let peakRssMb = 0;
  const checkEvery = options.checkEvery ?? 20;
  const sample = () => {
    if (options.pid) peakRssMb = Math.max(peakRssMb, rssMb(options.pid));
  };
  sample();
  const sampler = setInterval(sample, 200);
  const body = options.body;
  try {
    const result = await autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.seconds,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          headers: AUTH_HEADERS,
          ...(typeof body === 'string' ? { body } : { setupRequest: (request) => ({ ...request, body: body() }) }),
          onResponse: (status, responseBody) => {
            const n = seen++;
            if (status < 200 || status > 299) {
              firstError ??= `HTTP ${status}: ${responseBody.slice(0, 300)}`;
              return; // counted by autocannon as non-2xx
            }
            if (GRAPHQL_ERRORS.test(responseBody)) {
              graphqlErrors++;
              firstError ??= responseBody.slice(0, 300);
              return;
            }
            if (options.check && n % checkEvery === 0) {
              let problem: string | undefined;
              try {
                problem = options.check(JSON.parse(responseBody));
              } catch (error) {
                problem = `unreadable answer: ${(error as Error).message}`;
              }
              if (problem) {
                refused++;
                firstError ??= problem;
              }
            }
          },
        },
      ],
    });
    const kinds = { socket: result.errors, timeouts: result.timeouts, 'non-2xx': result.non2xx, 'GraphQL errors': graphqlErrors, 'wrong answers': refused };
    const errors = Object.values(kinds).reduce((a, b) => a + b, 0);
    return {
      requests: result.requests.total,
      rps: result.requests.total / options.seconds,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      errors,
      errorKinds: Object.entries(kinds)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', '),
      firstError,
      peakRssMb,
    };
  } finally {
    clearInterval(sampler);
  }
}
