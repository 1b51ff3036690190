import { describe, expect, it } from '@jest/globals';
import { jsonByteLength } from './json-size.js';

describe('jsonByteLength', () => {
  it.each([
    [{}],
    [[]],
    [{ a: 1, b: [true, false, null, 'x'], c: { d: 'é✓💥', e: -1.5e300 } }],
    [[{ events: [{ externalId: 'a"b\\c', payload: { nested: [[], [{}]] } }] }]],
    ['\u2028 quotes " and \n newlines'],
    [{ skipped: undefined, kept: 0 }],
  ])('counts what JSON.stringify writes: %j', (value) => expect(jsonByteLength(value)).toBe(Buffer.byteLength(JSON.stringify(value))));

  it('counts a value nested 100,000 levels deep without overflowing the stack', () => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) nested = { a: nested };
    expect(jsonByteLength(nested)).toBe(100_000 * 6 + 6);
  });
});
