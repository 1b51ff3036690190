import { describe, expect, it } from '@jest/globals';
import { keptRate } from './ledger-math.js';

describe('keptRate', () => {
  it('is null when nothing is kept or broken yet', () => expect(keptRate(0, 0)).toBeNull());
  it('is kept / (kept + broken)', () => expect(keptRate(3, 1)).toBe(0.75));
  it('is 1 with no broken promise and 0 with no kept one', () => {
    expect(keptRate(2, 0)).toBe(1);
    expect(keptRate(0, 2)).toBe(0);
  });
});
