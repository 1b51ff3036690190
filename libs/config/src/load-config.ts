import { ROLES, type AppConfig, type ApiKeyConfig, type EventStoreKind, type LogLevel, type Role } from './app-config.js';

/** A configuration value is wrong: names the variable and the form it should have. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}=${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name}=${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }

  /** Two shares of the clock, ascending, each above 0 and at most 1: "0.75,0.9". */
  thresholds(name: string, fallback: readonly [number, number]): readonly [number, number] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parts = value.split(',').map((p) => p.trim());
    const numbers = parts.map(Number);
    const [atRisk, critical] = numbers;
    if (
      parts.length !== 2 || !parts.every((p) => /^(0(\.\d+)?|1(\.0+)?)$/.test(p)) ||
      atRisk === undefined || critical === undefined || !(atRisk > 0) || !(atRisk < critical) || critical > 1
    ) {
      this.problems.push(`${name}=${JSON.stringify(value)}: expected two shares of the clock for AT_RISK and CRITICAL, ascending, above 0 and at most 1, like 0.75,0.9`);
      return fallback;
    }
    return [atRisk, critical];
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.problems.push(`${name}=${JSON.stringify(value)}: expected true or false`);
    return fallback;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error();
      return value;
    } catch {
      this.problems.push(`${name}: expected a URL like ${protocols[0]}//user:password@host:port/name`);
      return undefined;
    }
  }

  apiKeys(name: string): ApiKeyConfig[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const keys: ApiKeyConfig[] = [];
    for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
      const separator = pair.indexOf(':');
      const role = pair.slice(0, separator) as Role;
      const key = pair.slice(separator + 1);
      if (separator < 0 || !ROLES.includes(role) || key.length < 8 || /\s/.test(key)) {
        this.problems.push(
          `${name}: each entry must be ROLE:key with ROLE one of ${ROLES.join(', ')} and a key of at least 8 characters without spaces (got ${JSON.stringify(pair.slice(0, Math.max(separator, 0)) + ':…')})`,
        );
        continue;
      }
      keys.push({ role, key });
    }
    return keys;
  }

  hostList(name: string, fallback: readonly string[]): readonly string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const hosts = value.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
    if (hosts.length === 0 || hosts.some((h) => h !== '*' && !/^(\*\.)?[\w.:-]+$/.test(h))) {
      this.problems.push(`${name}=${JSON.stringify(value)}: expected host names separated by commas (e.g. ledger.example.com,*.internal), or * for any`);
      return fallback;
    }
    return hosts;
  }

  /** 32 bytes as 64 hex digits or base64 (standard or url-safe, padded or not). */
  key32(name: string): Buffer | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const key = parseKey32(value);
    if (!key) this.problems.push(`${name}: expected a 32-byte key as 64 hex digits or base64 (e.g. the output of: openssl rand -base64 32)`);
    return key;
  }

  duration(name: string, fallbackMs: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallbackMs;
    const match = /^(\d+)(ms|s|m|h)?$/.exec(value);
    if (!match) {
      this.problems.push(`${name}=${JSON.stringify(value)}: expected a duration like 500ms, 5s, 10m or 24h`);
      return fallbackMs;
    }
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
    return Number(match[1]) * unit;
  }
}

/** A 32-byte key written as 64 hex digits or base64; undefined for anything else. */
export function parseKey32(text: string): Buffer | undefined {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (key.length === 32) return key;
  }
  return undefined;
}

/** Loopback hosts are the only ones a server may listen on without API keys. */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** The names of this machine on loopback: the Host headers answered by default. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '*']);

/** Builds and validates the configuration; throws ConfigError listing every wrong variable. */
/** OpenTelemetry's standard variables: the traces URL itself, or the base URL the signal path is added to. */
function tracesEndpoint(read: Reader): string | undefined {
  const traces = read.raw('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = read.raw('OTEL_EXPORTER_OTLP_ENDPOINT');
  const name = traces ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const value = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!value) return undefined;
  try {
    if (['http:', 'https:'].includes(new URL(value).protocol)) return value;
  } catch {
    // reported below
  }
  read.problems.push(`${name}=${JSON.stringify(traces || base)}: expected an OTLP/HTTP URL like http://collector:4318`);
  return undefined;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const read = new Reader(env);
  const kurrentDbConnectionString = read.raw('KURRENTDB_CONNECTION_STRING');
  if (kurrentDbConnectionString && !/^(kurrentdb|esdb|kdb)(\+discover)?:\/\//.test(kurrentDbConnectionString)) {
    read.problems.push('KURRENTDB_CONNECTION_STRING: expected a connection string like kurrentdb://127.0.0.1:2113?tls=false');
  }
  const eventStore = read.oneOf<EventStoreKind>(
    'LEDGER_EVENT_STORE',
    ['postgres', 'kurrentdb'],
    kurrentDbConnectionString ? 'kurrentdb' : 'postgres',
  );
  if (eventStore === 'kurrentdb' && !kurrentDbConnectionString) {
    read.problems.push('LEDGER_EVENT_STORE=kurrentdb needs KURRENTDB_CONNECTION_STRING (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
  }
  const host = read.raw('HOST') ?? '127.0.0.1';
  if (!/^[\w.:-]+$/.test(host)) read.problems.push(`HOST=${JSON.stringify(host)}: expected an IP address or host name`);
  const apiKeys = read.apiKeys('LEDGER_API_KEYS');
  const dataDir = read.raw('LEDGER_DATA_DIR') ?? './.data';

  const runProjections = read.boolean('LEDGER_RUN_PROJECTIONS', true);
  const config: AppConfig = {
    port: read.integer('PORT', 3000, 0, 65_535),
    host,
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir,
    embeddedPostgresPort: read.integer('LEDGER_EMBEDDED_PG_PORT', 54_329, 1, 65_535),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    eventStore,
    kurrentDbConnectionString,
    apiKeys,
    runProjections,
    runDeadlineWatcher: read.boolean('LEDGER_RUN_DEADLINE_WATCHER', true),
    deadlineCheckIntervalMs: read.duration('LEDGER_DEADLINE_CHECK_INTERVAL', 1_000),
    atRiskWindowMs: read.duration('LEDGER_AT_RISK_WINDOW', 24 * 3_600_000),
    riskThresholds: read.thresholds('LEDGER_RISK_THRESHOLDS', [0.75, 0.9]),
    readYourWritesTimeoutMs: read.duration('LEDGER_READ_YOUR_WRITES_TIMEOUT', 10_000),
    rateLimitPerMinute: read.integer('LEDGER_RATE_LIMIT_PER_MINUTE', 60_000, 0, 10_000_000),
    readCacheEntries: read.integer('LEDGER_READ_CACHE_ENTRIES', 2_000, 0, 1_000_000),
    bodyLimitBytes: read.integer('LEDGER_BODY_LIMIT_BYTES', 6 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    allowedHosts: read.hostList('LEDGER_ALLOWED_HOSTS', [...LOOPBACK_HOST_NAMES, ...(WILDCARD_HOSTS.has(host) || LOOPBACK_HOST_NAMES.includes(host) ? [] : [host])]),
    masterKey: read.key32('LEDGER_MASTER_KEY'),
    runChainSealer: read.boolean('LEDGER_RUN_CHAIN_SEALER', true),
    signingKeyFile: read.raw('LEDGER_SIGNING_KEY_FILE') ?? `${dataDir.replace(/\/+$/, '')}/ledger-signing-key.pem`,
    schemaFile: env.LEDGER_SCHEMA_FILE === undefined ? 'schema.graphql' : read.raw('LEDGER_SCHEMA_FILE'),
    // A process that runs no projections (a writer, a standby) runs no background worker of the log either.
    runWebhookDelivery: read.boolean('LEDGER_RUN_WEBHOOK_DELIVERY', runProjections),
    webhookAllowPrivate: read.boolean('LEDGER_WEBHOOK_ALLOW_PRIVATE', false),
    webhookTimeoutMs: read.duration('LEDGER_WEBHOOK_TIMEOUT', 10_000),
    webhookRetry: {
      firstDelayMs: read.duration('LEDGER_WEBHOOK_RETRY_FIRST_DELAY', 1_000),
      maxDelayMs: read.duration('LEDGER_WEBHOOK_RETRY_MAX_DELAY', 3_600_000),
      retryForMs: read.duration('LEDGER_WEBHOOK_RETRY_FOR', 24 * 3_600_000),
    },
    webhookConcurrency: read.integer('LEDGER_WEBHOOK_CONCURRENCY', 32, 1, 1_000),
    tracing: {
      enabled: read.boolean('LEDGER_TRACING', true),
      tracesEndpoint: tracesEndpoint(read),
      serviceName: read.raw('OTEL_SERVICE_NAME') || 'promise-ledger',
    },
  };
  if (config.webhookTimeoutMs < 1) read.problems.push('LEDGER_WEBHOOK_TIMEOUT: expected a positive duration like 10s');
  if (config.webhookRetry.firstDelayMs < 1 || config.webhookRetry.maxDelayMs < config.webhookRetry.firstDelayMs) {
    read.problems.push('LEDGER_WEBHOOK_RETRY_FIRST_DELAY and LEDGER_WEBHOOK_RETRY_MAX_DELAY: expected positive durations, the first not above the maximum (e.g. 1s and 1h)');
  }
  if (read.problems.length) throw new ConfigError(read.problems);
  return config;
}
