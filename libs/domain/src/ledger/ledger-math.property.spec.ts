import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { keptRate } from './ledger-math.js';

// keptRate = kept / (kept + broken), null when nothing settled; released and open promises count
// for neither side. The reference counts a list of settled promises one by one.

describe('ledger math properties', () => {
  it('keptRate matches a count over the promises, stays within [0, 1], is 1 exactly when never broken', () =>
    fc.assert(
      fc.property(fc.array(fc.constantFrom('OPEN', 'KEPT', 'BROKEN', 'RELEASED'), { maxLength: 200 }), (statuses) => {
        let kept = 0;
        let broken = 0;
        for (const s of statuses) {
          if (s === 'KEPT') kept++;
          if (s === 'BROKEN') broken++;
        }
        const rate = keptRate(kept, broken);
        if (kept + broken === 0) expect(rate).toBeNull();
        else {
          expect(rate).toBe(kept / (kept + broken));
          expect(rate).toBeGreaterThanOrEqual(0);
          expect(rate).toBeLessThanOrEqual(1);
          expect(rate === 1).toBe(broken === 0);
          expect(rate === 0).toBe(kept === 0);
        }
      }),
      { seed: 31, numRuns: 1_000 },
    ));

  it('keptRate is exact for any count a ledger can hold', () =>
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 31 - 1 }), fc.nat({ max: 2 ** 31 - 1 }), (kept, broken) => {
        const rate = keptRate(kept, broken);
        expect(rate).toBe(kept + broken === 0 ? null : kept / (kept + broken));
        if (rate !== null) expect(rate * (kept + broken)).toBeCloseTo(kept, 3);
      }),
      { seed: 32, numRuns: 1_000 },
    ));
});
