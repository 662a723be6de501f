import fc from 'fast-check';
import { isValidSliCounts, sliCountsSchema } from './sli';

describe('isValidSliCounts', () => {
  it('accepts exactly the counts sliCountsSchema accepts', () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(0, -0, 1e300, Number.MAX_VALUE, -1, 1e9, 1e9 + 1),
      fc.constantFrom(NaN, Infinity, -Infinity),
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
    );
    fc.assert(
      fc.property(value, value, (good, total) => {
        expect(isValidSliCounts(good, total)).toBe(
          sliCountsSchema.safeParse({ good, total }).success,
        );
      }),
      { numRuns: 2000 },
    );
    // The usual cases, named.
    expect(isValidSliCounts(5, 10)).toBe(true);
    expect(isValidSliCounts(0, 0)).toBe(true);
    expect(isValidSliCounts(11, 10)).toBe(false);
    expect(isValidSliCounts(-1, 10)).toBe(false);
    expect(isValidSliCounts(1, Infinity)).toBe(false);
    expect(isValidSliCounts(1, 1e9)).toBe(true);
    expect(isValidSliCounts(1, 1e9 + 1)).toBe(false);
  });
});
