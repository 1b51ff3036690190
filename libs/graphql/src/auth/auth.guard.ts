import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from '#libs/access';
import { DomainError } from '#libs/domain';
import type { GraphqlContext } from '../common/request-context.js';
import { ALLOWED_ROLES } from './allow.decorator.js';
import { RequestAuthentication, bearer } from './request-authentication.js';

/**
 * Enforces the role matrix per root field. Who the caller is was settled once for the operation
 * (HTTP: the operation gate; subscriptions: when the connection opened).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: RequestAuthentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true; // /health and the like
    const gql = GqlExecutionContext.create(context);
    const gqlContext = gql.getContext<GraphqlContext>();
    const principal = gqlContext.connectionPrincipal ?? gqlContext.req.principal ?? (await this.authenticate(gqlContext));
    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(ALLOWED_ROLES, [context.getHandler(), context.getClass()]);
    if (principal.role !== 'ADMIN' && !allowed?.includes(principal.role)) {
      throw new DomainError('FORBIDDEN', `the ${principal.role} role may not run ${gql.getInfo<{ fieldName: string }>().fieldName}`);
    }
    return true;
  }

  /** Only a request that bypassed the gate gets here; it is authenticated the same way. */
  private async authenticate(context: GraphqlContext): Promise<Principal> {
    context.req.principal = await this.authentication.principal(bearer(context.req.headers.authorization), context.req.ip ?? 'unknown');
    return context.req.principal;
  }
}
