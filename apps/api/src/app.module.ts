import { Inject, Logger, Module, RequestMethod, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import {
  APP_CONFIG,
  ApplicationModule,
  DATABASE_CONNECTION_STRING,
  DATABASE_POOL,
  DEADLINE_FINDER,
  EVENT_STORE,
  PERSONAL_DATA_VAULT,
  INTEGRATION_LEDGER,
  LEDGER_VERIFIER,
  READ_MODEL_SYNC,
} from '#libs/application';
import { ApiKeyStore } from '#libs/access';
import { CachedReadSide, ProjectionRunner, PromiseDeadlineQueries, createReadSide, ledgerProjections, type ProjectionLog } from '#libs/projections';
import { GraphqlApiModule, countedReadSide } from '#libs/graphql';
import { LedgerIntegrity, type LedgerInfrastructure } from '#libs/infrastructure';
import { systemClock } from '#libs/domain';
import { WebhookDeliveryWorker, WebhookRegistry } from '#libs/webhooks';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { GraphqlRouteTracing, GraphqlSpanNaming } from './tracing/graphql-tracing.js';

const ACCESS_LOG_LEVELS: readonly string[] = ['info', 'debug', 'trace'];

const projectionLogger = new Logger('Projections');
const projectionLog: ProjectionLog = (level, message, fields) =>
  projectionLogger[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'log']({ ...fields, msg: message });

/** The API's read side: counted queries (metrics) behind the answer cache (LEDGER_READ_CACHE_ENTRIES). */
function readSide({ database, config }: LedgerInfrastructure): CachedReadSide {
  return new CachedReadSide(countedReadSide(createReadSide(database.pool)), database.pool, {
    maxEntries: config.readCacheEntries,
    connectionString: database.connectionString,
  });
}

function projectionRunner({ database, eventStore }: LedgerInfrastructure): ProjectionRunner {
  return new ProjectionRunner({
    pool: database.pool,
    connectionString: database.connectionString,
    eventStore,
    projections: ledgerProjections(),
    log: projectionLog,
  });
}

const webhookLogger = new Logger('Webhooks');
const webhookLog: ProjectionLog = (level, message, fields) =>
  webhookLogger[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'log']({ ...fields, msg: message });

/** The worker delivering the log to webhooks (started only where LEDGER_RUN_WEBHOOK_DELIVERY). */
function webhookDelivery({ database, eventStore, config }: LedgerInfrastructure): WebhookDeliveryWorker {
  return new WebhookDeliveryWorker({
    pool: database.pool,
    connectionString: database.connectionString,
    eventStore,
    clock: systemClock,
    rules: { allowPrivate: config.webhookAllowPrivate },
    timeoutMs: config.webhookTimeoutMs,
    schedule: config.webhookRetry,
    concurrency: config.webhookConcurrency,
    log: webhookLog,
  });
}

/** Composes the API from the rooms; the infrastructure is booted before Nest starts. */
@Module({})
export class AppModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(ProjectionRunner) private readonly projections: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: LedgerInfrastructure['config'],
    @Inject(CachedReadSide) private readonly reads: CachedReadSide,
    @Inject(WebhookDeliveryWorker) private readonly webhooks: WebhookDeliveryWorker,
    @Inject(LedgerIntegrity) private readonly integrity: LedgerIntegrity,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.runProjections) await this.projections.start();
    if (this.config.runWebhookDelivery) await this.webhooks.start();
    // The chain covers the PostgreSQL store's es_events (README: integrity).
    if (this.config.runChainSealer && this.config.eventStore === 'postgres') this.integrity.sealer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.integrity.sealer.stop();
    await this.webhooks.stop();
    await this.projections.stop();
    await this.reads.closeReadCache();
  }

  static create(infrastructure: LedgerInfrastructure): DynamicModule {
    const { config } = infrastructure;
    const reads = readSide(infrastructure);
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
        GraphqlApiModule.forRoot({ schemaFile: config.schemaFile, readSide: reads, apiKeys: new ApiKeyStore(infrastructure.database.pool, config.apiKeys),
          webhooks: new WebhookRegistry(infrastructure.database.pool, infrastructure.eventStore, {
            rules: { allowPrivate: config.webhookAllowPrivate },
            clock: systemClock,
          }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: DATABASE_POOL, useValue: infrastructure.database.pool },
        { provide: DATABASE_CONNECTION_STRING, useValue: infrastructure.database.connectionString },
        { provide: EVENT_STORE, useValue: infrastructure.eventStore },
        { provide: INTEGRATION_LEDGER, useValue: infrastructure.integrationLedger },
        { provide: PERSONAL_DATA_VAULT, useValue: infrastructure.personalData },
        { provide: DEADLINE_FINDER, useValue: new PromiseDeadlineQueries(infrastructure.database.pool) },
        // The read models' runner: mutations wait on it (read-your-writes) whether or not this
        // process runs the projections (LEDGER_RUN_PROJECTIONS); started and stopped below.
        { provide: ProjectionRunner, useValue: projectionRunner(infrastructure) },
        { provide: CachedReadSide, useValue: reads },
        { provide: WebhookDeliveryWorker, useValue: webhookDelivery(infrastructure) },
        { provide: LedgerIntegrity, useValue: infrastructure.integrity },
        { provide: LEDGER_VERIFIER, useExisting: LedgerIntegrity },
        { provide: READ_MODEL_SYNC, useExisting: ProjectionRunner },
        // LEDGER_TRACING=off: not even the request's span wrapper.
        ...(config.tracing.enabled ? [GraphqlRouteTracing, GraphqlSpanNaming] : []),
      ],
      exports: [APP_CONFIG, DATABASE_POOL, DATABASE_CONNECTION_STRING, EVENT_STORE, INTEGRATION_LEDGER, PERSONAL_DATA_VAULT, READ_MODEL_SYNC, DEADLINE_FINDER, LEDGER_VERIFIER],
    };
  }
}
