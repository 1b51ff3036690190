/**
 * Every code a refusal may carry, from the domain's rules to the edge's own (authentication,
 * authorization, rate limits, a read model that lags). Defined once: the edge maps each to GraphQL
 * in one exhaustive switch, so a new code must be placed there before anything compiles.
 */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'INVALID_STATE',
  'CONFLICT',
  'NOT_FOUND',
  'UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);
export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && CODES.has(value);

/** The one coded error every layer throws; the edge maps `code` to what clients see. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Offending input fields and why (BAD_USER_INPUT, or NOT_FOUND of a referenced id). */
    readonly fields?: Record<string, string>,
    /** For RATE_LIMITED: when to try again (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, reason: string): DomainError =>
  new DomainError('BAD_USER_INPUT', `${field}: ${reason}`, { [field]: reason });
