import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.ttf']);

interface ConsoleFile {
  type: string;
  body: Buffer;
  gzipped: Buffer | null;
  etag: string;
}

/**
 * The console's built files (dist/console), read once at start: only files that exist in the
 * build can be served (no path from a request ever reaches the file system), compressed once.
 */
export class ConsoleFiles {
  private readonly files = new Map<string, ConsoleFile>();

  constructor(private readonly root: string) {
    if (existsSync(root)) this.collect(root);
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  get(path: string): ConsoleFile | undefined {
    return this.files.get(path);
  }

  private collect(dir: string): void {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        this.collect(full);
        continue;
      }
      const extension = extname(name);
      const type = TYPES[extension];
      if (!type) continue;
      const body = readFileSync(full);
      const gzipped = COMPRESSIBLE.has(extension) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null;
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      this.files.set(`/${relative(this.root, full).split(sep).join('/')}`, { type, body, gzipped, etag });
    }
  }
}

// The console talks to this origin only: its scripts, styles, fonts and workers are its own files.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile, cache: 'immutable' | 'revalidate') {
  reply
    .header('content-type', file.type)
    .header('etag', file.etag)
    .header('cache-control', cache === 'immutable' ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept-encoding');
  if (file.type.startsWith('text/html')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('referrer-policy', 'same-origin');
  }
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (file.gzipped && acceptsGzip) return reply.header('content-encoding', 'gzip').send(file.gzipped);
  return reply.send(file.body);
}

const notFound = (reply: FastifyReply, what: string) =>
  reply.code(404).send({ errors: [{ message: `${what} is not served here`, extensions: { code: 'NOT_FOUND' } }] });

/**
 * Serves the console at / (client-side routes fall back to the app) and GraphiQL at /graphiql.
 * Routes of the API (/graphql, /health, /metrics) are matched first: they are static routes.
 */
export function serveConsole(fastify: FastifyInstance, files: ConsoleFiles): void {
  fastify.get('/assets/*', (request, reply) => {
    const file = files.get(request.url.split('?', 1)[0]);
    return file ? send(request, reply, file, 'immutable') : notFound(reply, 'this file');
  });
  fastify.get('/graphiql', (request, reply) => {
    const file = files.get('/graphiql.html');
    return file ? send(request, reply, file, 'revalidate') : notFound(reply, 'the explorer (run npm run build)');
  });
  const app = (request: FastifyRequest, reply: FastifyReply) => {
    const page = files.get('/index.html');
    const wantsPage = String(request.headers.accept ?? '').includes('text/html') || request.url === '/';
    if (!page || !wantsPage) return notFound(reply, files.built ? 'this route' : 'the console (run npm run build)');
    return send(request, reply, page, 'revalidate');
  };
  fastify.get('/', app);
  fastify.get('/*', app);
}
