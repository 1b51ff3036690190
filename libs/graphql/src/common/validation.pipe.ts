import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from '#libs/domain';

function collect(errors: ValidationError[], prefix: string, into: Record<string, string>): void {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) into[path] = Object.values(error.constraints).join('; ');
    if (error.children?.length) collect(error.children, path, into);
  }
}

/** class-validator on resolver arguments; failures are BAD_USER_INPUT naming each field. */
export const argumentValidationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidUnknownValues: false,
  validateCustomDecorators: false,
  exceptionFactory: (errors) => {
    const fields: Record<string, string> = {};
    collect(errors, '', fields);
    const summary = Object.entries(fields)
      .map(([field, reason]) => `${field}: ${reason}`)
      .join('; ');
    return new DomainError('BAD_USER_INPUT', `invalid input: ${summary}`, fields);
  },
});
