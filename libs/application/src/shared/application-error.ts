/** Codes the application layer adds to the domain's (mapped to GraphQL codes in one place). */
export type ApplicationErrorCode = 'CONFLICT' | 'NOT_FOUND' | 'UNAVAILABLE' | 'BAD_USER_INPUT';

export class ApplicationError extends Error {
  constructor(
    readonly code: ApplicationErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}
