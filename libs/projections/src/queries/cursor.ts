/** A malformed cursor is the caller's mistake. */
export class InvalidCursorError extends Error {
  readonly code = 'BAD_USER_INPUT';
  readonly fields = { after: 'not a cursor this server issued' };
}

/** Opaque cursors: the sort key of the last row, base64url-encoded. */
export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i])) return key;
  } catch {
    // fall through
  }
  throw new InvalidCursorError(`after: "${cursor.slice(0, 40)}" is not a valid cursor`);
}
