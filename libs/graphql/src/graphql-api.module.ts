import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import depthLimit from 'graphql-depth-limit';
import type { GraphQLSchema } from 'graphql';
import { CqrsModule } from '@nestjs/cqrs';
import { GraphQLModule } from '@nestjs/graphql';
import { ApiKeyStore } from '#libs/access';
import { APP_CONFIG, DATABASE_POOL } from '#libs/application';
import type { AppConfig } from '#libs/config';
import { LedgerQueries } from '#libs/projections';
import type pg from 'pg';
import { formatError } from './errors/format-error.js';
import { createLoaders } from './common/loaders.js';
import { countedQueries } from './metrics/read-queries.metrics.js';
import { argumentValidationPipe } from './common/validation.pipe.js';
import type { GraphqlRequest } from './common/request-context.js';
import { SystemResolver } from './system/system.resolver.js';
import { AuthGuard } from './auth/auth.guard.js';
import { MAX_QUERY_DEPTH, MAX_QUERY_TOKENS, queryLimitsPlugin } from './limits/query-limits.plugin.js';
import { CustomerResolver } from './customers/customer.resolver.js';
import { PromiseResolver } from './promises/promise.resolver.js';
import { ErrorIncidentResolver } from './errors/error-incident.resolver.js';
import { ErrorCostResolver } from './costs/error-cost.resolver.js';
import { IntegrationResolver } from './integration/integration.resolver.js';

export interface GraphqlApiOptions {
  /** Where to write the schema (SDL); undefined keeps it in memory. */
  schemaFile?: string;
}

const logger = new Logger('GraphQL');
const schemaRef: { schema?: GraphQLSchema } = {};

/** The GraphQL layer. Expects DATABASE_POOL, the command handlers and CLOCK from the composing app. */
@Module({})
export class GraphqlApiModule {
  static forRoot(options: GraphqlApiOptions): DynamicModule {
    return {
      module: GraphqlApiModule,
      imports: [
        CqrsModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [DATABASE_POOL],
          useFactory: (pool: pg.Pool) => {
            const queries = countedQueries(new LedgerQueries(pool));
            return {
            path: '/graphql',
            validationRules: [depthLimit(MAX_QUERY_DEPTH)],
            // A flood of aliases is refused by the parser, before validation gets expensive.
            parseOptions: { maxTokens: MAX_QUERY_TOKENS },
            plugins: [queryLimitsPlugin(() => schemaRef.schema!)],
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
            context: ({ req }: { req: GraphqlRequest }) => ({ req, loaders: createLoaders(queries) }),
            formatError: (formatted, error) => formatError(formatted, error, (e) => logger.error(e)),
            };
          },
        }),
      ],
      providers: [
        { provide: LedgerQueries, useFactory: (pool: pg.Pool) => countedQueries(new LedgerQueries(pool)), inject: [DATABASE_POOL] },
        { provide: APP_PIPE, useValue: argumentValidationPipe },
        {
          provide: ApiKeyStore,
          useFactory: (pool: pg.Pool, config: AppConfig) => new ApiKeyStore(pool, config.apiKeys),
          inject: [DATABASE_POOL, APP_CONFIG],
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        SystemResolver,
        CustomerResolver,
        PromiseResolver,
        ErrorIncidentResolver,
        ErrorCostResolver,
        IntegrationResolver,
      ],
      exports: [ApiKeyStore],
    };
  }
}
