import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { graphqlRequestSpan, nameGraphqlSpan, tagGraphqlCaller } from '#libs/telemetry';

const GRAPHQL_PATH = '/graphql';

/**
 * Makes each HTTP GraphQL request the root span of a trace: wraps the /graphql route's handler
 * (registered later, by the GraphQL module) so the span is active while Apollo and the resolvers
 * run, commands and appends included. Provided only when tracing is not off.
 */
@Injectable()
export class GraphqlRouteTracing {
  constructor(@Inject(HttpAdapterHost) adapter: HttpAdapterHost) {
    const fastify = adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      if (route.url !== GRAPHQL_PATH) return;
      const handle = route.handler as (...args: Parameters<RouteHandlerMethod>) => Promise<unknown>;
      route.handler = function (this: FastifyInstance, request, reply) {
        return graphqlRequestSpan(request.headers, () => handle.call(this, request, reply));
      };
    });
  }
}

interface CallerContext {
  req?: { principal?: { role?: string } };
}

/** Names the request's span after its operation, and tags the caller's role (found by Apollo among the providers). */
@Plugin()
export class GraphqlSpanNaming implements ApolloServerPlugin<CallerContext> {
  async requestDidStart(): Promise<GraphQLRequestListener<CallerContext>> {
    return {
      async didResolveOperation({ operation, operationName }) {
        if (operation) nameGraphqlSpan(operation.operation, operationName ?? undefined);
      },
      async willSendResponse({ contextValue, errors }) {
        tagGraphqlCaller(contextValue.req?.principal?.role, errors?.length ?? 0);
      },
    };
  }
}
