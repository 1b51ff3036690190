import { describe, expect, it } from '@jest/globals';
import { ConfigError, isLoopback, loadConfig } from './load-config.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('defaults to loopback, port 3000, the embedded database under ./.data and postgres events', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      dataDir: './.data',
      eventStore: 'postgres',
      logLevel: 'info',
      apiKeys: [],
      runProjections: true,
      readCacheEntries: 2_000,
      runChainSealer: true,
      signingKeyFile: './.data/ledger-signing-key.pem',
    });
    expect(loadConfig({ LEDGER_DATA_DIR: '/var/ledger/', LEDGER_RUN_CHAIN_SEALER: 'false' })).toMatchObject({
      signingKeyFile: '/var/ledger/ledger-signing-key.pem',
      runChainSealer: false,
    });
    expect(loadConfig({ LEDGER_SIGNING_KEY_FILE: '/secrets/ledger.pem' }).signingKeyFile).toBe('/secrets/ledger.pem');
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/ledger',
      LEDGER_API_KEYS: 'AGENT:agent-secret, FINANCE:finance-secret',
      LOG_LEVEL: 'debug',
      KURRENTDB_CONNECTION_STRING: 'kurrentdb://127.0.0.1:2113?tls=false',
      LEDGER_AT_RISK_WINDOW: '12h',
      LEDGER_RISK_THRESHOLDS: '0.8, 0.95',
      LEDGER_READ_CACHE_ENTRIES: '0',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/ledger',
      logLevel: 'debug',
      eventStore: 'kurrentdb',
      atRiskWindowMs: 12 * 3_600_000,
      riskThresholds: [0.8, 0.95],
      readCacheEntries: 0,
      apiKeys: [
        { role: 'AGENT', key: 'agent-secret' },
        { role: 'FINANCE', key: 'finance-secret' },
      ],
    });
  });

  it('names each wrong variable and the expected form', () => {
    const found = problems({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', LEDGER_API_KEYS: 'BOSS:abcdefgh' });
    expect(found).toHaveLength(4);
    expect(found.join("\n")).toMatch(/PORT="eighty": expected a whole number from 0 to 65535/);
    expect(found.join('\n')).toMatch(/DATABASE_URL: expected a URL like postgres:/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL="loud": expected one of fatal, error/);
    expect(found.join('\n')).toMatch(/LEDGER_API_KEYS: each entry must be ROLE:key/);
  });

  it('reads the webhook settings, production values by default', () => {
    expect(loadConfig({})).toMatchObject({
      runWebhookDelivery: true,
      webhookAllowPrivate: false,
      webhookTimeoutMs: 10_000,
      webhookRetry: { firstDelayMs: 1_000, maxDelayMs: 3_600_000, retryForMs: 86_400_000 },
      webhookConcurrency: 32,
    });
    const config = loadConfig({ LEDGER_WEBHOOK_ALLOW_PRIVATE: 'true', LEDGER_WEBHOOK_RETRY_FIRST_DELAY: '50ms', LEDGER_WEBHOOK_RETRY_FOR: '2s' });
    expect(config.webhookAllowPrivate).toBe(true);
    expect(config.webhookRetry).toEqual({ firstDelayMs: 50, maxDelayMs: 3_600_000, retryForMs: 2_000 });
    expect(loadConfig({ LEDGER_RUN_PROJECTIONS: 'false' }).runWebhookDelivery).toBe(false);
    expect(loadConfig({ LEDGER_RUN_PROJECTIONS: 'false', LEDGER_RUN_WEBHOOK_DELIVERY: 'true' }).runWebhookDelivery).toBe(true);
    expect(problems({ LEDGER_WEBHOOK_ALLOW_PRIVATE: 'maybe' })[0]).toMatch(/LEDGER_WEBHOOK_ALLOW_PRIVATE.*true or false/);
    expect(problems({ LEDGER_WEBHOOK_RETRY_FIRST_DELAY: '2h' })[0]).toMatch(/LEDGER_WEBHOOK_RETRY_FIRST_DELAY/);
  });

  it('defaults the risk thresholds to 75 % and 90 % of the clock', () => expect(loadConfig({}).riskThresholds).toEqual([0.75, 0.9]));

  it.each([['0.9,0.75'], ['0.75'], ['0,0.9'], ['0.75,1.5'], ['75%,90%'], ['0.75,0.9,1'], ['0.75,0.75']])('refuses LEDGER_RISK_THRESHOLDS=%p', (value) =>
    expect(problems({ LEDGER_RISK_THRESHOLDS: value }).join('\n')).toMatch(/LEDGER_RISK_THRESHOLDS=.*expected two shares of the clock/));

  it('tells loopback hosts from others', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('10.0.0.5')).toBe(false);
  });

  it('refuses kurrentdb without a connection string', () => {
    expect(problems({ LEDGER_EVENT_STORE: 'kurrentdb' })[0]).toMatch(/needs KURRENTDB_CONNECTION_STRING/);
  });

  it('reads LEDGER_MASTER_KEY as 32 bytes in hex or base64', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ LEDGER_MASTER_KEY: key.toString('hex') }).masterKey).toEqual(key);
    expect(loadConfig({ LEDGER_MASTER_KEY: key.toString('base64') }).masterKey).toEqual(key);
    expect(loadConfig({ LEDGER_MASTER_KEY: key.toString('base64url') }).masterKey).toEqual(key);
    expect(loadConfig({}).masterKey).toBeUndefined();
  });

  it.each([['too short', Buffer.alloc(16, 1).toString('base64')], ['not a key', 'correct horse battery staple'], ['hex of 31 bytes', 'ab'.repeat(31)]])(
    'refuses a master key that is %s, saying what it should look like',
    (_, value) => expect(problems({ LEDGER_MASTER_KEY: value })).toEqual([expect.stringMatching(/^LEDGER_MASTER_KEY: expected a 32-byte key as 64 hex digits or base64/)]),
  );

  it('reads the OpenTelemetry variables: the traces URL, or the base URL plus /v1/traces; LEDGER_TRACING=off', () => {
    expect(loadConfig({}).tracing).toEqual({ enabled: true, tracesEndpoint: undefined, serviceName: 'promise-ledger' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_SERVICE_NAME: 'ledger-eu' }).tracing).toEqual({
      enabled: true,
      tracesEndpoint: 'http://collector:4318/v1/traces',
      serviceName: 'ledger-eu',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/traces' }).tracing.tracesEndpoint).toBe('https://b/traces');
    expect(loadConfig({ LEDGER_TRACING: 'off' }).tracing.enabled).toBe(false);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318": expected an OTLP\/HTTP URL like http:\/\/collector:4318/)]);
  });
});
