/** fast-check arbitraries for shapes: broadcast-compatible pairs, incompatible pairs, shapes with dims. */
import fc from 'fast-check';

/** A shape of rank 0..maxRank with sizes minSize..maxSize. */
export const shapeArb = (maxRank = 4, minSize = 1, maxSize = 4): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: minSize, max: maxSize }), { minLength: 0, maxLength: maxRank });

/**
 * Two shapes that broadcast: both are suffixes of one output shape, with some sizes replaced by 1.
 * Returns [a, b, expected result].
 */
export const broadcastPairArb = (maxRank = 4, maxSize = 4): fc.Arbitrary<[number[], number[], number[]]> =>
  shapeArb(maxRank, 1, maxSize).chain((out) =>
    fc.tuple(
      fc.integer({ min: 0, max: out.length }), fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    ).map(([ra, rb, onesA, onesB]) => {
      const a = out.slice(out.length - ra).map((s, i) => (onesA[i] ? 1 : s));
      const b = out.slice(out.length - rb).map((s, i) => (onesB[i] ? 1 : s));
      // The naive rule, written independently of the library: align right, take the non-1 size.
      const n = Math.max(a.length, b.length);
      const expected = Array.from({ length: n }, (_, i) => {
        const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
        return x === 1 ? y : x;
      });
      return [a, b, expected] as [number[], number[], number[]];
    }));

/** Two shapes that do not broadcast: at one aligned dim the sizes differ and neither is 1. */
export const incompatiblePairArb = (maxRank = 4): fc.Arbitrary<[number[], number[]]> =>
  fc.tuple(broadcastPairArb(maxRank - 1, 4), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.nat(3), fc.boolean())
    .filter(([, p, q]) => p !== q)
    .map(([[a, b], p, q, pos, swap]) => {
      // Insert the clash at the same aligned position (counted from the right) in both shapes.
      const k = Math.min(pos, a.length, b.length);
      const a2 = [...a.slice(0, a.length - k), p, ...a.slice(a.length - k)];
      const b2 = [...b.slice(0, b.length - k), q, ...b.slice(b.length - k)];
      return (swap ? [b2, a2] : [a2, b2]) as [number[], number[]];
    });

/** A shape with a valid dim of it (positive or negative); rank >= 1. */
export const shapeWithDimArb = (maxRank = 4, minSize = 1, maxSize = 4): fc.Arbitrary<[number[], number]> =>
  shapeArb(maxRank, minSize, maxSize).filter((s) => s.length > 0).chain((s) =>
    fc.integer({ min: -s.length, max: s.length - 1 }).map((d) => [s, d] as [number[], number]));

/** A shape with a (possibly empty) set of distinct dims of it, each given positive or negative. */
export const shapeWithDimsArb = (maxRank = 4, minSize = 1, maxSize = 3): fc.Arbitrary<[number[], number[]]> =>
  shapeArb(maxRank, minSize, maxSize).chain((s) =>
    fc.tuple(fc.subarray(s.map((_, i) => i)), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }))
      .map(([dims, neg]) => [s, dims.map((d) => (neg[d] ? d - s.length : d))] as [number[], number[]]));

export const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
