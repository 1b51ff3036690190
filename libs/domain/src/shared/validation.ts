import { badInput } from './domain-error.js';
import { MAX_INTEGER_DIGITS, isKnownCurrency, minorDigits, type Money } from './money.js';
import { INSTANT_RANGE_TEXT, isValidInstant } from './instant.js';
import { STORABLE_TEXT_RULE, isStorableText } from './text.js';

/** Trimmed text of min..max characters. */
export function text(field: string, value: string, max: number, min = 1): string {
  if (typeof value !== 'string') throw badInput(field, 'must be text');
  if (!isStorableText(value)) throw badInput(field, STORABLE_TEXT_RULE);
  const trimmed = value.trim();
  if (trimmed.length < min) throw badInput(field, 'must not be empty');
  if (trimmed.length > max) throw badInput(field, `must be at most ${max} characters`);
  return trimmed;
}

/** Optional text: absent, null or blank all mean "not given". */
export function optionalText(field: string, value: string | undefined, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = text(field, value, max, 0);
  return trimmed === '' ? undefined : trimmed;
}

const MAX_ID_LENGTH = 100;

/**
 * An id is used verbatim in stream names, so it is refused rather than trimmed: a trimmed id in the
 * event data would no longer match the stream it was appended to.
 */
export function identifier(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw badInput(field, 'must not be empty');
  if (value.length > MAX_ID_LENGTH) throw badInput(field, `must be at most ${MAX_ID_LENGTH} characters`);
  if (!isStorableText(value)) throw badInput(field, STORABLE_TEXT_RULE);
  if (value.trim() !== value || /\p{Cc}/u.test(value)) throw badInput(field, 'must not contain control characters or surrounding spaces');
  return value;
}

export function validDate(field: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, 'must be a valid date-time');
  if (!isValidInstant(value)) throw badInput(field, `must be ${INSTANT_RANGE_TEXT}`);
  return value;
}

/** Money given to a command already parsed: still non-negative, in a well-formed currency, within the cap. */
export function validMoney(field: string, value: Money): Money {
  if (typeof value !== 'object' || value === null || typeof value.minor !== 'bigint' || !/^[A-Z]{3}$/.test(String(value.currency))) {
    throw badInput(field, 'must be money with a three-letter currency');
  }
  if (!isKnownCurrency(value.currency)) throw badInput(field, `${value.currency} is not an ISO 4217 currency in use`);
  if (value.minor < 0n) throw badInput(field, 'must not be negative');
  if (value.minor >= 10n ** BigInt(MAX_INTEGER_DIGITS + minorDigits(value.currency))) throw badInput(field, 'is too large');
  return value;
}

export const iso = (date: Date): string => date.toISOString();
