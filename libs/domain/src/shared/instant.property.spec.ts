import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { EARLIEST_INSTANT, LATEST_INSTANT, isValidInstant } from './instant.js';
import { iso, validDate } from './validation.js';
import { refusal } from './decider.spec-helpers.js';
import { EARLIEST_MS, LATEST_MS } from './property.spec-helpers.js';

// The storable instants: years 0001 to 9999 UTC, their ISO form always 24 characters.

const SHAPE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const inRange = fc.oneof(fc.constantFrom(EARLIEST_MS, LATEST_MS, 0, -1, Date.parse('2000-02-29T23:59:59.999Z')), fc.integer({ min: EARLIEST_MS, max: LATEST_MS }));
/** Beyond the range on either side, up to the limits of a JavaScript Date. */
const outOfRange = fc.oneof(
  fc.constantFrom(EARLIEST_MS - 1, LATEST_MS + 1, -8.64e15, 8.64e15, Date.parse('0000-06-01T00:00:00Z'), Date.parse('+010000-01-01T00:00:00Z')),
  fc.integer({ min: -8.64e15, max: EARLIEST_MS - 1 }),
  fc.integer({ min: LATEST_MS + 1, max: 8.64e15 }),
);

describe('instant properties', () => {
  it('the range constants are the years 0001 and 9999', () => {
    expect(EARLIEST_INSTANT.getTime()).toBe(EARLIEST_MS);
    expect(LATEST_INSTANT.getTime()).toBe(LATEST_MS);
  });

  it('every valid instant has the 24-character ISO shape and parses back to itself', () =>
    fc.assert(
      fc.property(inRange, (ms) => {
        const date = new Date(ms);
        expect(isValidInstant(date)).toBe(true);
        const text = iso(date);
        expect(text).toHaveLength(24);
        expect(text).toMatch(SHAPE);
        expect(new Date(text).getTime()).toBe(ms);
        expect(Date.parse(text)).toBe(ms);
        expect(validDate('at', date)).toBe(date);
      }),
      { seed: 11, numRuns: 3_000 },
    ));

  it('their ISO forms sort as text exactly as the instants do', () =>
    fc.assert(
      fc.property(inRange, inRange, (a, b) => {
        const [x, y] = [iso(new Date(a)), iso(new Date(b))];
        expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(Math.sign(a - b));
      }),
      { seed: 12, numRuns: 3_000 },
    ));

  it('isValidInstant is exactly the range: anything outside, invalid or not a Date is refused (BAD_USER_INPUT from validDate)', () =>
    fc.assert(
      fc.property(fc.oneof(outOfRange, fc.constant(Number.NaN)), (ms) => {
        const date = new Date(ms);
        expect(isValidInstant(date)).toBe(false);
        expect(refusal(() => validDate('at', date)).code).toBe('BAD_USER_INPUT');
      }),
      { seed: 13, numRuns: 3_000 },
    ));

  it('refuses what is not a Date', () =>
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant(undefined), inRange.map((ms) => new Date(ms).toISOString())), (value) =>
        expect(isValidInstant(value)).toBe(false),
      ),
      { seed: 14, numRuns: 500 },
    ));
});
