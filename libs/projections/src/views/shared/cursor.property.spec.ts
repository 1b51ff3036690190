import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidCursorError, decodeCursor, encodeCursor, type CursorPart } from './cursor.js';

// Cursors carry the sort key of the last row to SQL: every key the server can issue round-trips,
// and anything else — forged, truncated, out of range — is refused with BAD_USER_INPUT and never
// reaches SQL (where it would be a 500, not the caller's mistake).

const EARLIEST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const LATEST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const MAX_POSITION = 2n ** 63n - 1n;

/** Storable text by hand: no NUL, no unpaired surrogate. */
const storable = (s: string) => !s.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** What a sort key part may be: an id or other stored text, a storable instant in ISO form, a bigint position. */
const validPart: Record<CursorPart, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string' && storable(v),
  time: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && new Date(v).toISOString() === v && Date.parse(v) >= EARLIEST_MS && Date.parse(v) <= LATEST_MS,
  position: (v) => typeof v === 'string' && /^\d+$/.test(v) && BigInt(v) <= MAX_POSITION,
};

const partArb: Record<CursorPart, fc.Arbitrary<string>> = {
  string: fc.oneof(fc.constantFrom('prom-1', 'Zéphyr', 'שלום', '😀', 'x'.repeat(100), ''), fc.string({ unit: 'grapheme', maxLength: 30 })),
  time: fc.oneof(fc.constantFrom(EARLIEST_MS, LATEST_MS, 0), fc.integer({ min: EARLIEST_MS, max: LATEST_MS })).map((ms) => new Date(ms).toISOString()),
  position: fc.oneof(fc.constantFrom(0n, 1n, MAX_POSITION), fc.bigInt({ min: 0n, max: MAX_POSITION })).map(String),
};
const SHAPES: CursorPart[][] = [['position'], ['time', 'string'], ['string'], ['time'], ['string', 'position']];
const keyArb = fc.constantFrom(...SHAPES).chain((shape) => fc.tuple(fc.constant(shape), fc.tuple(...shape.map((p) => partArb[p]))));

/** Anything but a key the server issues: junk JSON, wrong types, out-of-range instants and positions, NUL, bad base64. */
const junkPart = fc.oneof(
  fc.constantFrom('0000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '+010000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-03-01', '9223372036854775808', '-1', '01', 'a\u0000b', '\ud800'),
  fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms).toISOString()),
  fc.bigInt({ min: MAX_POSITION - 10n, max: 10n ** 20n }).map(String),
  fc.anything(),
);
const forgedArb = fc.oneof(
  fc.array(junkPart, { maxLength: 3 }).map((key) => Buffer.from(JSON.stringify(key) ?? 'undefined').toString('base64url')),
  fc.string({ maxLength: 40 }),
  fc.base64String({ maxLength: 40 }),
  keyArb.map(([, key]) => encodeCursor(key).slice(0, -2)),
);

describe('cursor properties', () => {
  it('decode(encode(key)) is the key for every valid key part', () =>
    fc.assert(fc.property(keyArb, ([shape, key]) => expect(decodeCursor(encodeCursor(key), shape)).toStrictEqual(key)), { seed: 41, numRuns: 3_000 }));

  it('any other string is refused with BAD_USER_INPUT, never another error, never a key SQL cannot take', () =>
    fc.assert(
      fc.property(forgedArb, fc.constantFrom(...SHAPES), (cursor, shape) => {
        let key: string[] | undefined;
        try {
          key = decodeCursor(cursor, shape);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidCursorError);
          expect((error as InvalidCursorError).code).toBe('BAD_USER_INPUT');
        }
        if (key) expect(key.map((part, i) => [shape[i], part, validPart[shape[i]!](part)])).toEqual(key.map((part, i) => [shape[i], part, true]));
      }),
      { seed: 42, numRuns: 5_000 },
    ));
});
