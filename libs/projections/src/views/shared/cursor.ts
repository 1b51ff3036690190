import { isStorableText, isValidInstant } from '#libs/domain';

/** A malformed cursor is the caller's mistake: the edge maps `code` to a GraphQL error. */
export class InvalidCursorError extends Error {
  readonly code = 'BAD_USER_INPUT';
  readonly fields = { after: 'not a cursor this server issued' };
}

/** What each part of a sort key must look like before it reaches SQL. */
export type CursorPart = 'string' | 'time' | 'position';

const VALID: Record<CursorPart, (value: unknown) => boolean> = {
  // Storable text only: a NUL failed in SQL, an unpaired surrogate reached it as another string.
  string: (v) => typeof v === 'string' && isStorableText(v),
  // Only what toISOString() writes: a date JavaScript would roll over (02-30) PostgreSQL refuses.
  // …and only a storable instant (a forged year 10000 reached SQL and failed there).
  time: (v) => typeof v === 'string' && isValidInstant(new Date(v)) && new Date(v).toISOString() === v,
  position: (v) => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= 9_223_372_036_854_775_807n,
};

/** Opaque cursors: the sort key of the last row, base64url-encoded JSON. */
export const encodeCursor = (key: readonly string[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * The sort key inside a cursor this server issued.
 * @throws InvalidCursorError (code `BAD_USER_INPUT`) for anything else, so a forged or truncated
 * cursor never reaches SQL.
 */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => VALID[shape[i]!](v))) return key as string[];
  throw new InvalidCursorError(`after: "${cursor.slice(0, 40)}" is not a valid cursor`);
}
