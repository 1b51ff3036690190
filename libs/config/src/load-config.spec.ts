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
      LEDGER_READ_CACHE_ENTRIES: '0',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/ledger',
      logLevel: 'debug',
      eventStore: 'kurrentdb',
      atRiskWindowMs: 12 * 3_600_000,
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
});
