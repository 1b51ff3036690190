import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { formatError } from './errors/format-error.js';
import { SystemResolver } from './system/system.resolver.js';

export interface GraphqlApiOptions {
  /** Where to write the schema (SDL); undefined keeps it in memory. */
  schemaFile?: string;
}

const logger = new Logger('GraphQL');

@Module({})
export class GraphqlApiModule {
  static forRoot(options: GraphqlApiOptions): DynamicModule {
    return {
      module: GraphqlApiModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: options.schemaFile ?? true,
          sortSchema: true,
          // The stock landing pages load scripts from a CDN; /graphiql serves an offline one.
          playground: false,
          introspection: true,
          includeStacktraceInErrorResponses: false,
          formatError: (formatted, error) => formatError(formatted, error, (e) => logger.error(e)),
        }),
      ],
      providers: [SystemResolver],
    };
  }
}
