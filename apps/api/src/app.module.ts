import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, DATABASE_POOL, EVENT_STORE } from '#libs/application';
import { GraphqlApiModule } from '#libs/graphql';
import type { LedgerInfrastructure } from '#libs/infrastructure';
import { HealthController } from './health/health.controller.js';

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
            autoLogging: { ignore: (req) => req.url === '/health' },
            redact: ['req.headers.authorization'],
          },
        }),
        CqrsModule.forRoot(),
        GraphqlApiModule.forRoot({ schemaFile: config.schemaFile }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_POOL, useValue: infrastructure.database.pool },
        { provide: EVENT_STORE, useValue: infrastructure.eventStore },
      ],
      exports: [APP_CONFIG, DATABASE_POOL, EVENT_STORE],
    };
  }
}
