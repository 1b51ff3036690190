import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { ApiKeyStore, HostAllowList, type Principal } from '#libs/access';
import { APP_CONFIG } from '#libs/application';
import type { AppConfig } from '#libs/config';
import type { CachedReadSide } from '#libs/projections';
import { formatError } from './errors/format-error.js';
import { GraphqlExceptionFilter } from './errors/graphql-exception.filter.js';
import { createLoaders } from './common/loaders.js';
import { READ_SIDE } from './common/read-side.token.js';
import { argumentValidationPipe } from './common/validation.pipe.js';
import type { GraphqlRequest } from './common/request-context.js';
import { SystemResolver } from './system/system.resolver.js';
import { IntegrityResolver } from './integrity/integrity.resolver.js';
import { AuthGuard } from './auth/auth.guard.js';
import { RequestAuthentication, bearer } from './auth/request-authentication.js';
import { MAX_QUERY_TOKENS, depthLimitRule } from './limits/query-limits.plugin.js';
import { operationGatePlugin } from './limits/operation-gate.plugin.js';
import { CustomerResolver } from './customers/customer.resolver.js';
import { PromiseResolver } from './promises/promise.resolver.js';
import { BusinessCalendarResolver } from './calendars/business-calendar.resolver.js';
import { ErrorIncidentResolver } from './errors/error-incident.resolver.js';
import { ErrorCostResolver } from './costs/error-cost.resolver.js';
import { IntegrationResolver } from './integration/integration.resolver.js';
import { LiveTopics } from './live/live-topics.pubsub.js';
import { LiveUpdates } from './live/live-updates.service.js';
import { SubscriptionResolver } from './live/subscription.resolver.js';
import { SubscriptionConnections, type ClosableSocket } from './live/subscription-connections.js';
import { DomainError } from '#libs/domain';
import type { WebhookRegistry } from '#libs/webhooks';
import { WEBHOOK_REGISTRY } from './webhooks/webhook-registry.token.js';
import { WebhookResolver } from './webhooks/webhook.resolver.js';

export interface GraphqlApiOptions {
  /** Where to write the schema (SDL); undefined keeps it in memory. */
  schemaFile?: string;
  /** The read side resolvers and loaders query (built, wrapped and closed by the composing app). */
  readSide: CachedReadSide;
  /** The API keys (built by the composing app). */
  apiKeys: ApiKeyStore;
  /** Webhook registrations (built by the composing app). */
  webhooks: WebhookRegistry;
}

const logger = new Logger('GraphQL');

const NO_STORE: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

const schemaRef: { schema?: GraphQLSchema } = {};

/** Who may call, from where: one key store and one authentication for HTTP and subscriptions alike. */
function accessModule(keys: ApiKeyStore): DynamicModule {
  return {
    module: AccessModule,
    providers: [
      { provide: ApiKeyStore, useValue: keys },
      { provide: HostAllowList, useFactory: (config: AppConfig) => new HostAllowList(config.allowedHosts), inject: [APP_CONFIG] },
      RequestAuthentication,
      SubscriptionConnections,
    ],
    exports: [ApiKeyStore, HostAllowList, RequestAuthentication, SubscriptionConnections],
  };
}
@Module({})
class AccessModule {}

interface ConnectionExtra {
  principal?: Principal;
  socket: ClosableSocket;
  request: IncomingMessage;
}

/** The GraphQL layer. Expects APP_CONFIG, the command handlers and CLOCK from the composing app, and is given its read side and keys. */
@Module({})
export class GraphqlApiModule {
  static forRoot(options: GraphqlApiOptions): DynamicModule {
    const access = accessModule(options.apiKeys);
    const queries = options.readSide;
    return {
      module: GraphqlApiModule,
      imports: [
        CqrsModule,
        access,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [access],
          inject: [RequestAuthentication, SubscriptionConnections, HostAllowList],
          useFactory: (authentication: RequestAuthentication, connections: SubscriptionConnections, hosts: HostAllowList) => {
            const format = (formatted: GraphQLFormattedError, error: unknown) => formatError(formatted, error, (e) => logger.error(e));
            return {
              path: '/graphql',
              validationRules: [depthLimitRule()],
              // A flood of aliases is refused by the parser, before validation gets expensive.
              parseOptions: { maxTokens: MAX_QUERY_TOKENS },
              // No cache hints are given, every answer is no-store: set once per response instead of
              // through the cache-control plugin, whose per-field hook wraps every resolver.
              plugins: [
                operationGatePlugin(() => schemaRef.schema!, authentication) as ApolloServerPlugin,
                ApolloServerPluginCacheControlDisabled(),
                NO_STORE,
              ],
              transformSchema: (schema: GraphQLSchema) => {
                schemaRef.schema = schema;
                return schema;
              },
              autoSchemaFile: options.schemaFile ?? true,
              sortSchema: true,
              // The stock landing pages load scripts from a CDN that may be unreachable.
              playground: false,
              introspection: true,
              includeStacktraceInErrorResponses: false,
              // HTTP (Fastify): the request itself; graphql-ws: its context, with the connection's principal.
              context: (ctx: GraphqlRequest | { extra: ConnectionExtra }) =>
                'extra' in ctx
                  ? { req: { headers: {} }, loaders: createLoaders(queries), connectionPrincipal: ctx.extra.principal }
                  : { req: ctx, loaders: createLoaders(queries) },
              subscriptions: {
                'graphql-ws': {
                  path: '/graphql',
                  // The key travels in the connection params; a refused connection closes with 4403.
                  onConnect: async (ctx: { connectionParams?: Record<string, unknown>; extra: unknown }) => {
                    const extra = ctx.extra as ConnectionExtra;
                    if (!hosts.allows(extra.request.headers.host)) return false;
                    const params = ctx.connectionParams ?? {};
                    try {
                      const key = bearer(params.authorization ?? params.Authorization);
                      extra.principal = await connections.connect(extra.socket, key, extra.request.socket.remoteAddress ?? 'unknown');
                      return true;
                    } catch (error) {
                      if (error instanceof DomainError) return false;
                      throw error;
                    }
                  },
                  onClose: (ctx: { extra: unknown }) => connections.disconnect((ctx.extra as ConnectionExtra).socket),
                  // Errors sent over the socket carry extensions.code like HTTP ones, never a stack.
                  onError: (_ctx: unknown, _id: unknown, _payload: unknown, errors: readonly GraphQLFormattedError[]) =>
                    errors.map((e) => format(e, e)),
                  onNext: (_ctx: unknown, _id: unknown, _payload: unknown, _args: unknown, result: { errors?: readonly GraphQLFormattedError[] }) =>
                    result.errors ? { ...result, errors: result.errors.map((e) => format(e, e)) } : undefined,
                },
              },
              formatError: format,
            };
          },
        }),
      ],
      providers: [
        { provide: READ_SIDE, useValue: queries },
        { provide: WEBHOOK_REGISTRY, useValue: options.webhooks },
        { provide: APP_PIPE, useValue: argumentValidationPipe },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: GraphqlExceptionFilter },
        SystemResolver,
        BusinessCalendarResolver,
        IntegrityResolver,
        CustomerResolver,
        PromiseResolver,
        ErrorIncidentResolver,
        ErrorCostResolver,
        IntegrationResolver,
        WebhookResolver,
        LiveTopics,
        LiveUpdates,
        SubscriptionResolver,
      ],
      exports: [access],
    };
  }
}
