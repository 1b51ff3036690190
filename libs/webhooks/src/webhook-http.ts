import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { WebhookTarget, WebhookUrlRules } from '#libs/domain';
import { allowedAddresses, type HostResolver } from './webhook-address.js';

/** What one attempt came to: a 2xx is delivered, anything else is tried again. */
export interface AttemptOutcome {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
}

// Connections to receivers are kept open between deliveries (a delivery per event adds up).
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/**
 * POSTs a signed body to a webhook. The host name is resolved when the connection is made and
 * every address checked against the rules, and the connection goes to those checked addresses
 * only (no gap between the check and the connect for a rebinding name to use). Redirects are
 * not followed (a 3xx is a failed attempt). The whole attempt ends at `timeoutMs`.
 */
export function postWebhook(
  target: WebhookTarget,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; rules: WebhookUrlRules; resolve: HostResolver; stopping?: AbortSignal },
): Promise<AttemptOutcome> {
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    allowedAddresses(target, options.rules, options.resolve).then(
      (addresses) => {
        const all = addresses.map((address) => ({ address, family: isIP(address) }));
        if ((lookupOptions as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof all) => void)(null, all);
        else callback(null, all[0]!.address, all[0]!.family);
      },
      (error: Error) => callback(Object.assign(new Error(error.message), { code: 'EREFUSED_ADDRESS' }), '', 0),
    );
  };
  const timeout = options.timeoutMs;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const done = (outcome: AttemptOutcome) => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    const secure = target.url.protocol === 'https:';
    const request = (secure ? https : http).request(target.url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: { 'content-type': 'application/json', 'user-agent': 'promise-ledger-webhooks', 'content-length': Buffer.byteLength(body), ...headers },
      lookup: target.literal ? undefined : lookup,
      signal: options.stopping ? AbortSignal.any([AbortSignal.timeout(timeout), options.stopping]) : AbortSignal.timeout(timeout),
    });
    request.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      response.resume();
      const delivered = statusCode >= 200 && statusCode < 300;
      done({ delivered, statusCode, error: delivered ? null : `HTTP ${statusCode}` });
    });
    request.on('error', (error: Error & { code?: string }) =>
      done({ delivered: false, statusCode: null, error: options.stopping?.aborted ? 'interrupted: the server was stopping' : describe(error, timeout) }),
    );
    request.end(body);
  });
}

function describe(error: Error & { code?: string }, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR') return `no answer within ${timeoutMs} ms`;
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'EREFUSED_ADDRESS') return `refused: ${error.message}`;
  return `${error.code ?? error.name}: ${error.message}`.slice(0, 500);
}
