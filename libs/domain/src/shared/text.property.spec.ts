import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { findUnstorableText, isStorableText } from './text.js';
import { isStorable } from './property.spec-helpers.js';

// Storable text: no NUL, no unpaired surrogate. `isStorable` (the spec helpers) is written by hand,
// code unit by code unit; the product uses String.prototype.isWellFormed.

/** Any sequence of UTF-16 code units, biased towards surrogates and NUL. */
const codeUnits = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.constantFrom(0, 0x41, 0x5d0, 0x301),
  ).map((u) => String.fromCharCode(u)),
  maxLength: 12,
});
const leafString = fc.oneof(fc.constantFrom('ok', 'Zéphyr', 'שלום', '😀', '', 'a\u0000', '\ud800', 'x\udfff'), codeUnits);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafString,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('a', 'b', 'c', 'ключ'), leafString), tie('json'), { maxKeys: 4 }),
  ),
})).json;

/** The first unstorable string or key in document order (a key before its value), or too deep an object, by plain recursion. */
function naiveFirst(value: Json, maxDepth: number, path = '', depth = 0): { path: string; tooDeep?: true } | undefined {
  if (typeof value === 'string') return isStorable(value) ? undefined : { path };
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= maxDepth) return { path, tooDeep: true };
  if (Array.isArray(value)) {
    for (const [i, inner] of value.entries()) {
      const found = naiveFirst(inner, maxDepth, `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = path ? `${path}.${key}` : key;
    if (!isStorable(key)) return { path: innerPath };
    const found = naiveFirst(inner, maxDepth, innerPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

describe('storable text properties', () => {
  it('isStorableText refuses exactly the strings with NUL or an unpaired surrogate', () =>
    fc.assert(fc.property(codeUnits, (s) => expect(isStorableText(s)).toBe(isStorable(s))), { seed: 21, numRuns: 5_000 }));

  it('findUnstorableText reports whether any string or key is unstorable, and its path leads to one', () =>
    fc.assert(
      fc.property(jsonArb, (value) => {
        const found = findUnstorableText(value);
        expect(found === undefined).toBe(naiveFirst(value, 64) === undefined);
      }),
      { seed: 22, numRuns: 3_000 },
    ));

  it('findUnstorableText finds the first unstorable string or key in document order', () =>
    fc.assert(fc.property(jsonArb, fc.constantFrom(64, 1, 2, 3, 4), (value, maxDepth) => expect(findUnstorableText(value, maxDepth)).toStrictEqual(naiveFirst(value, maxDepth))), {
      seed: 23,
      numRuns: 3_000,
    }));

  it('never overflows the stack, however deep the nesting: deeper than maxDepth is reported as too deep', () =>
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constantFrom(63, 64, 65, 200_000)), fc.boolean(), fc.boolean(), (depth, objects, badLeaf) => {
        let value: unknown = badLeaf ? 'bad\u0000' : 'fine';
        for (let i = 0; i < depth; i++) value = objects ? { k: value } : [value];
        const found = findUnstorableText(value);
        if (depth > 64) expect(found?.tooDeep).toBe(true);
        else expect(found).toStrictEqual(badLeaf ? { path: Array.from({ length: depth }, (_, i) => (objects ? (i === 0 ? 'k' : '.k') : '[0]')).join('') } : undefined);
      }),
      { seed: 24, numRuns: 300 },
    ));
});
