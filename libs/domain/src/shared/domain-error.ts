export type DomainErrorCode = 'BAD_USER_INPUT' | 'INVALID_STATE' | 'CONFLICT' | 'NOT_FOUND';

/** The one error the domain throws; `fields` names offending inputs (for BAD_USER_INPUT). */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, reason: string): DomainError =>
  new DomainError('BAD_USER_INPUT', `${field}: ${reason}`, { [field]: reason });
