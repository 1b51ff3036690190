import type { ApiErrorCode } from './format-error.js';

/** An error of the GraphQL edge itself (authentication, authorization, limits). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
