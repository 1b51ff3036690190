import type { AppConfig } from '#libs/config';
import { CodedEventStore, PostgresEventStore, connectKurrentDb, eventStoreMigrations, type EventStore } from '#libs/event-store';
import { openDatabase, runMigrations, type LedgerDatabase } from '#libs/postgres';
import { accessMigrations } from '#libs/access';
import { projectionMigrations } from '#libs/projections';
import { webhookMigrations } from '#libs/webhooks';
import type { IntegrationLedger, PersonalDataVault } from '#libs/application';
import { PostgresIntegrationLedger, integrationMigrations } from './postgres-integration.ledger.js';
import { SequentialIntegrationLedger } from './sequential-integration.ledger.js';
import { DataKeyStore, dataKeyMigrations } from './personal-data/data-key.store.js';
import { LegacyEventSealer, eventMigrationMigrations } from './personal-data/legacy-event-sealer.js';
import { resolveMasterKey } from './personal-data/master-key.js';
import { PersonalDataCodec } from './personal-data/personal-data.codec.js';
import { PostgresPersonalDataVault } from './personal-data/postgres-personal-data.vault.js';
import { LedgerIntegrity } from './integrity/ledger-integrity.js';

/** The running parts every process needs: database, schema, event store. */
export interface LedgerInfrastructure {
  config: AppConfig;
  database: LedgerDatabase;
  /** The configured store behind the personal-data codec: what every process reads and writes through. */
  eventStore: CodedEventStore;
  /** The customers' data keys, wrapped by the master key. */
  dataKeys: DataKeyStore;
  /** Destroys a customer's key (forgetCustomer). */
  personalData: PersonalDataVault;
  /** The one-off sealing of events written before encryption (PostgreSQL log only). */
  legacySealer: LegacyEventSealer | undefined;
  /** Where ERP batches land (events and idempotency records together). */
  integrationLedger: IntegrationLedger;
  /** The hash chain over es_events: its sealer, verification and signed digests (PostgreSQL store). */
  integrity: LedgerIntegrity;
  close(): Promise<void>;
}

export interface BootOptions {
  log?: (message: string) => void;
  /** What an operator must act on (a generated master key); `log` when absent. */
  warn?: (message: string) => void;
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
    await runMigrations(database.pool, [
      ...eventStoreMigrations,
      ...projectionMigrations,
      ...accessMigrations,
      ...integrationMigrations,
      ...dataKeyMigrations,
      ...eventMigrationMigrations,
      ...webhookMigrations,
    ]);
    const dataKeys = new DataKeyStore(database.pool, await resolveMasterKey(config, options.warn ?? options.log));
    await dataKeys.checkMasterKey();
    const codec = new PersonalDataCodec(dataKeys);
    const store = await openEventStore(config, database);
    const eventStore = new CodedEventStore(store, codec);
    const legacySealer = store instanceof PostgresEventStore ? new LegacyEventSealer(database.pool, codec) : undefined;
    return {
      config,
      database,
      eventStore,
      dataKeys,
      personalData: new PostgresPersonalDataVault(database.pool, dataKeys, legacySealer),
      legacySealer,
      integrationLedger:
        store instanceof PostgresEventStore
          ? new PostgresIntegrationLedger(database.pool, store, codec)
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
