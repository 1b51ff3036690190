import { randomUUID } from 'node:crypto';
import type { CommandContext } from '#libs/application';
import type { Principal } from '#libs/access';
import type { RequestLoaders } from './loaders.js';

export interface GraphqlRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The client's address (Fastify's request.ip), for throttling failed authentications. */
  ip?: string;
  /** Set once per operation, before any resolver runs (the operation gate). */
  principal?: Principal;
}

export interface GraphqlContext {
  req: GraphqlRequest;
  loaders: RequestLoaders;
  /** A subscription's principal, authenticated when its connection opened. */
  connectionPrincipal?: Principal;
}

const header = (req: GraphqlRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Metadata for the events a request causes: who, and which request (x-correlation-id if sent). */
export function commandContext(context: GraphqlContext): CommandContext {
  const supplied = header(context.req, 'x-correlation-id');
  return {
    actor: context.req.principal?.name ?? 'anonymous',
    correlationId: supplied && supplied.length <= 100 ? supplied : randomUUID(),
    source: 'graphql',
  };
}
