import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import {
  APP_CONFIG,
  ApplicationModule,
  DATABASE_CONNECTION_STRING,
  DATABASE_POOL,
  DEADLINE_FINDER,
  EVENT_STORE,
  INTEGRATION_LEDGER,
  READ_MODEL_SYNC,
} from '#libs/application';
import { LedgerQueries } from '#libs/projections';
import { GraphqlApiModule } from '#libs/graphql';
import type { LedgerInfrastructure } from '#libs/infrastructure';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ProjectionsHost } from './projections/projections.host.js';

const ACCESS_LOG_LEVELS: readonly string[] = ['info', 'debug', 'trace'];

/** Composes the API from the rooms; the infrastructure is booted before Nest starts. */
@Module({})
export class AppModule {
  static create(infrastructure: LedgerInfrastructure): DynamicModule {
    const { config } = infrastructure;
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          // The access log (a line per request, at info) on every route, on Fastify too (its middleware
          // paths are matched differently from Express's). Above info nothing would be written, and
          // the per-request logger alone cost a twentieth of a simple query's CPU: left out then.
          forRoutes: ACCESS_LOG_LEVELS.includes(config.logLevel) ? [{ path: '*path', method: RequestMethod.ALL }] : [],
          pinoHttp: {
            level: config.logLevel,
            // Health probes every few seconds would drown the log.
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
            redact: ['req.headers.authorization'],
          },
        }),
        CqrsModule.forRoot(),
        ApplicationModule,
        GraphqlApiModule.forRoot({ schemaFile: config.schemaFile }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_POOL, useValue: infrastructure.database.pool },
        { provide: DATABASE_CONNECTION_STRING, useValue: infrastructure.database.connectionString },
        { provide: EVENT_STORE, useValue: infrastructure.eventStore },
        { provide: INTEGRATION_LEDGER, useValue: infrastructure.integrationLedger },
        { provide: DEADLINE_FINDER, useValue: new LedgerQueries(infrastructure.database.pool) },
        ProjectionsHost,
        { provide: READ_MODEL_SYNC, useExisting: ProjectionsHost },
      ],
      exports: [APP_CONFIG, DATABASE_POOL, DATABASE_CONNECTION_STRING, EVENT_STORE, INTEGRATION_LEDGER, READ_MODEL_SYNC, DEADLINE_FINDER],
    };
  }
}
