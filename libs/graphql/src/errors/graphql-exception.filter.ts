import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

const CODE_BY_STATUS: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' };

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/**
 * Every error that leaves the server, in one shape. Resolver errors go back to Apollo untouched,
 * where `formatError` maps them (and logs only the unexpected ones): Nest's default handler logged
 * every caller mistake (a NOT_FOUND, a BAD_USER_INPUT) at error level with its stack. Errors of the
 * HTTP layer (malformed JSON, an unsupported content type, an unknown route) read like GraphQL
 * errors: `{ errors: [{ message, extensions: { code } }] }` with their HTTP status.
 */
@Catch()
export class GraphqlExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const status = statusOf(exception);
    const unexpected = status >= 500;
    if (unexpected) this.logger.error(exception);
    const message = unexpected ? 'internal error' : exception instanceof Error ? exception.message : String(exception);
    const code = unexpected ? 'INTERNAL_SERVER_ERROR' : (CODE_BY_STATUS[status] ?? 'BAD_USER_INPUT');
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    adapter?.reply(host.switchToHttp().getResponse(), { errors: [{ message, extensions: { code } }] }, status);
    return undefined;
  }
}
