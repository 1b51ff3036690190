import type { ApiErrorCode } from './format-error.js';

/** An error of the GraphQL edge itself (authentication, authorization, limits). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    /** For RATE_LIMITED: when to try again (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
