import { DomainError } from '#libs/domain';
import { MAX_PAGE_SIZE } from './page.type.js';

/** `first` must be 1..500: a larger page is the caller's mistake, not a silent cap. */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  const size = first ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new DomainError('BAD_USER_INPUT', `${field} must be between 1 and ${MAX_PAGE_SIZE}`, {
      [field]: `must be between 1 and ${MAX_PAGE_SIZE}`,
    });
  }
  return size;
}

export function found<T>(value: T | null, what: string): T {
  if (value === null) throw new DomainError('UNAVAILABLE', `${what} is not in the read model yet`);
  return value;
}
