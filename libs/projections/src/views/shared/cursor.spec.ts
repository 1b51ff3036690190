import { describe, expect, it } from '@jest/globals';
import { InvalidCursorError, decodeCursor, encodeCursor } from './cursor.js';

describe('cursors', () => {
  it('round-trips a sort key', () => {
    const cursor = encodeCursor(['2026-03-01T00:00:00.000Z', 'prom-1']);
    expect(decodeCursor(cursor, ['time', 'string'])).toEqual(['2026-03-01T00:00:00.000Z', 'prom-1']);
    expect(decodeCursor(encodeCursor(['9223372036854775807']), ['position'])).toEqual(['9223372036854775807']);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['empty', ''],
    ['the wrong length', encodeCursor(['2026-03-01T00:00:00.000Z'])],
    ['an impossible date', encodeCursor(['2026-02-30T00:00:00.000Z', 'x'])],
    ['a date in another format', encodeCursor(['2026-03-01', 'x'])],
    ['a number instead of a string', Buffer.from(JSON.stringify(['2026-03-01T00:00:00.000Z', 7])).toString('base64url')],
  ])('refuses %s with BAD_USER_INPUT', (_, cursor) => {
    expect(() => decodeCursor(cursor, ['time', 'string'])).toThrow(InvalidCursorError);
    expect(() => decodeCursor(cursor, ['time', 'string'])).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it.each([['-1'], ['1.5'], ['9223372036854775808'], ['abc']])('refuses position %s', (position) => {
    expect(() => decodeCursor(encodeCursor([position]), ['position'])).toThrow(InvalidCursorError);
  });
});
