import { Module, type DynamicModule } from '@nestjs/common';
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
