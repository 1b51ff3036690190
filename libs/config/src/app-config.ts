export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type EventStoreKind = 'postgres' | 'kurrentdb';
export type Role = 'AGENT' | 'FINANCE' | 'INTEGRATION' | 'ADMIN';
export const ROLES: readonly Role[] = ['AGENT', 'FINANCE', 'INTEGRATION', 'ADMIN'];

export interface ApiKeyConfig {
  role: Role;
  key: string;
}

/** Everything the processes read from the environment, validated once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  /** External PostgreSQL; when absent an embedded one is started with data under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: LogLevel;
  eventStore: EventStoreKind;
  kurrentDbConnectionString: string | undefined;
  apiKeys: ApiKeyConfig[];
  /** Run the projections inside this process (the API does by default). */
  runProjections: boolean;
  /** Run the deadline watcher inside this process. */
  runDeadlineWatcher: boolean;
  deadlineCheckIntervalMs: number;
  atRiskWindowMs: number;
  /** Shares of a promise's clock time at which it becomes AT_RISK and CRITICAL (LEDGER_RISK_THRESHOLDS). */
  riskThresholds: readonly [atRisk: number, critical: number];
  /** How long a mutation waits for the read models to include its events. */
  readYourWritesTimeoutMs: number;
  /** Operations per minute per API key; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Read-model answers the API keeps, checked against the projection checkpoints; 0 turns the cache off. */
  readCacheEntries: number;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /** Host names (the Host header, without port) the API answers; `*` answers any (DNS rebinding guard). */
  allowedHosts: readonly string[];
  /**
   * The master key (32 bytes) wrapping every customer's data key (LEDGER_MASTER_KEY). Absent: a
   * key file under dataDir is used, generated on first start.
   */
  masterKey: Buffer | undefined;
  /** Chain new events into es_chain inside this process (the API does by default; PostgreSQL store only). */
  runChainSealer: boolean;
  /** The Ed25519 key that signs ledger digests: a PEM file outside the database, made on first use (mode 600). */
  signingKeyFile: string;
  /** Where the server writes its GraphQL schema (SDL); empty to skip. */
  schemaFile: string | undefined;
  /** Run the webhook delivery worker in this process (one is active at a time across processes). */
  runWebhookDelivery: boolean;
  /** Webhooks may point to private ranges (10/8, 172.16/12, 192.168/16, fc00::/7…); never to link-local or metadata. */
  webhookAllowPrivate: boolean;
  /** How long a receiver has to answer one delivery. */
  webhookTimeoutMs: number;
  /** Retries of a failed delivery: first delay, doubling up to the cap, for `retryForMs` after the first attempt. */
  webhookRetry: { firstDelayMs: number; maxDelayMs: number; retryForMs: number };
  /** Deliveries in flight at once in this process (each receiver gets at most a quarter of them). */
  webhookConcurrency: number;
  /** OpenTelemetry tracing: LEDGER_TRACING=off skips every span; spans are exported only where `tracesEndpoint` is set. */
  tracing: TracingConfig;
}

export interface TracingConfig {
  /** False (LEDGER_TRACING=off): no span, no wrapper is ever created. */
  enabled: boolean;
  /** The OTLP/HTTP traces URL (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces). */
  tracesEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME (default promise-ledger). */
  serviceName: string;
}
