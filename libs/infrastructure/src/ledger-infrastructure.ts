import type { AppConfig } from '#libs/config';
import { PostgresEventStore, connectKurrentDb, eventStoreMigrations, type EventStore } from '#libs/event-store';
import { openDatabase, runMigrations, type LedgerDatabase } from '#libs/postgres';
import { accessMigrations } from '#libs/access';
import { projectionMigrations } from '#libs/projections';
import type { IntegrationLedger } from '#libs/application';
import { PostgresIntegrationLedger, integrationMigrations } from './postgres-integration.ledger.js';
import { SequentialIntegrationLedger } from './sequential-integration.ledger.js';
import { LedgerIntegrity } from './integrity/ledger-integrity.js';

/** The running parts every process needs: database, schema, event store. */
export interface LedgerInfrastructure {
  config: AppConfig;
  database: LedgerDatabase;
  eventStore: EventStore;
  /** Where ERP batches land (events and idempotency records together). */
  integrationLedger: IntegrationLedger;
  /** The hash chain over es_events: its sealer, verification and signed digests (PostgreSQL store). */
  integrity: LedgerIntegrity;
  close(): Promise<void>;
}

export interface BootOptions {
  log?: (message: string) => void;
  poolMax?: number;
  applicationName?: string;
}

/** Opens (or starts) the database, applies migrations and opens the configured event store. */
export async function bootInfrastructure(config: AppConfig, options: BootOptions = {}): Promise<LedgerInfrastructure> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPostgresPort,
    poolMax: options.poolMax,
    applicationName: options.applicationName,
    log: options.log,
  });
  try {
    await runMigrations(database.pool, [...eventStoreMigrations, ...projectionMigrations, ...accessMigrations, ...integrationMigrations]);
    const eventStore = await openEventStore(config, database);
    return {
      config,
      database,
      eventStore,
      integrationLedger:
        eventStore instanceof PostgresEventStore
          ? new PostgresIntegrationLedger(database.pool, eventStore)
          : new SequentialIntegrationLedger(database.pool, eventStore),
      integrity: new LedgerIntegrity(database.pool, { signingKeyFile: config.signingKeyFile, log: (level, message) => options.log?.(level === 'warn' ? `warning: ${message}` : message) }),
      async close() {
        await eventStore.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function openEventStore(config: AppConfig, database: LedgerDatabase): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') return connectKurrentDb(config.kurrentDbConnectionString!);
  return new PostgresEventStore(database.pool, database.connectionString);
}
