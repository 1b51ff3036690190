/**
 * The instants the ledger stores: years 0001 to 9999 in UTC. Every adapter can store and compare
 * them (PostgreSQL's timestamptz reaches further, but refuses the six-digit years and the year
 * 0000 that `toISOString()` writes outside this range), and their ISO form is always
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, so they sort as text too.
 */
export const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

export const INSTANT_RANGE_TEXT = 'between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (UTC)';

/** A real date inside the range every store and read model can hold. */
export function isValidInstant(value: unknown): value is Date {
  if (!(value instanceof Date)) return false;
  const ms = value.getTime();
  return !Number.isNaN(ms) && ms >= EARLIEST_INSTANT.getTime() && ms <= LATEST_INSTANT.getTime();
}
