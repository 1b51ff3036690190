import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiKeyStore, AuthenticationError, type Principal } from '#libs/access';
import { APP_CONFIG } from '#libs/application';
import type { AppConfig } from '#libs/config';
import { ApiError } from '../errors/api-error.js';
import type { GraphqlContext } from '../common/request-context.js';
import { ALLOWED_ROLES } from './allow.decorator.js';

const LOCAL_ADMIN: Principal = { role: 'ADMIN', name: 'local', keyId: 'local' };

export function bearer(value: unknown): string | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** Resolves the caller's key to a principal and enforces the role matrix and the per-key rate limit. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly limiter: RateLimiterMemory | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limiter = config.rateLimitPerMinute > 0 ? new RateLimiterMemory({ points: config.rateLimitPerMinute, duration: 60 }) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true; // /health and the like
    const gqlContext = GqlExecutionContext.create(context).getContext<GraphqlContext>();
    const principal = gqlContext.req.principal ?? (await this.authenticate(gqlContext));
    gqlContext.req.principal = principal;

    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(ALLOWED_ROLES, [context.getHandler(), context.getClass()]);
    if (principal.role !== 'ADMIN' && !allowed?.includes(principal.role)) {
      const field = GqlExecutionContext.create(context).getInfo<{ fieldName: string }>().fieldName;
      throw new ApiError('FORBIDDEN', `the ${principal.role} role may not run ${field}`);
    }
    return true;
  }

  /** Authenticates once per request (the result is kept on the request for its other fields). */
  private async authenticate(context: GraphqlContext): Promise<Principal> {
    let principal: Principal;
    if (context.connectionPrincipal) {
      principal = context.connectionPrincipal;
    } else if (await this.keys.noKeysConfigured()) {
      principal = LOCAL_ADMIN;
    } else {
      try {
        principal = await this.keys.authenticate(bearer(context.req.headers.authorization));
      } catch (error) {
        if (error instanceof AuthenticationError) throw new ApiError('UNAUTHENTICATED', error.message);
        throw error;
      }
    }
    if (this.limiter) {
      try {
        await this.limiter.consume(principal.keyId);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          throw new ApiError('RATE_LIMITED', `rate limit reached; retry in ${Math.ceil(rejection.msBeforeNext / 1000)} s`);
        }
        throw rejection;
      }
    }
    return principal;
  }
}
