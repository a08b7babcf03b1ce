/** broadcastShapes: the result rule, commutativity and error text over random shape pairs (fast-check). */
import fc from 'fast-check';
import { broadcastShapes, zeros } from '@tapegrad/core';
import { broadcastPairArb, incompatiblePairArb } from './helpers/shapes';
import { expectThrowMessage } from './helpers/approx';

const fmt = (s: number[]): string => `[${s.join(', ')}]`;

describe('broadcastShapes', () => {
  test('hand cases (NumPy/PyTorch rule)', () => {
    expect(broadcastShapes([2, 3], [3], 'add')).toEqual([2, 3]);
    expect(broadcastShapes([2, 1], [1, 3], 'add')).toEqual([2, 3]);
    expect(broadcastShapes([], [4, 1], 'add')).toEqual([4, 1]);
    expect(broadcastShapes([5, 1, 3], [4, 1], 'add')).toEqual([5, 4, 3]);
    expect(broadcastShapes([0], [1], 'add')).toEqual([0]);
    expect(broadcastShapes([2, 0], [2, 1], 'add')).toEqual([2, 0]);
    expect(broadcastShapes([], [], 'add')).toEqual([]);
  });

  test('result follows the rule: align right, sizes equal or 1, rank is the larger rank', () => {
    fc.assert(fc.property(broadcastPairArb(5, 5), ([a, b, expected]) => {
      const r = broadcastShapes(a, b, 'op');
      expect(r).toEqual(expected);
      expect(r.length).toBe(Math.max(a.length, b.length));
    }), { numRuns: 500 });
  });

  test('commutative, idempotent against its own result, and does not mutate its arguments', () => {
    fc.assert(fc.property(broadcastPairArb(5, 5), ([a, b]) => {
      const a0 = a.slice(), b0 = b.slice();
      const r = broadcastShapes(a, b, 'op');
      expect(broadcastShapes(b, a, 'op')).toEqual(r);
      expect(broadcastShapes(a, r, 'op')).toEqual(r);
      expect(broadcastShapes(r, b, 'op')).toEqual(r);
      expect(a).toEqual(a0);
      expect(b).toEqual(b0);
      // The returned array is a fresh one: mutating it does not touch the inputs.
      r.push(7);
      expect(a).toEqual(a0);
      expect(b).toEqual(b0);
    }), { numRuns: 300 });
  });

  test('incompatible pairs throw a RangeError naming the op and both shapes, either order', () => {
    fc.assert(fc.property(incompatiblePairArb(5), ([a, b]) => {
      expect(() => broadcastShapes(a, b, 'myop')).toThrow(RangeError);
      expectThrowMessage(() => broadcastShapes(a, b, 'myop'), 'myop', fmt(a), fmt(b), 'cannot be broadcast');
      expectThrowMessage(() => broadcastShapes(b, a, 'myop'), 'myop', fmt(b), fmt(a));
    }), { numRuns: 300 });
  });

  test('the ops use it: a tensor op on incompatible shapes names the op and both shapes', () => {
    expectThrowMessage(() => zeros([2, 3]).add(zeros([4])), 'add', '[2, 3]', '[4]');
    expectThrowMessage(() => zeros([2, 3]).mul(zeros([3, 2])), 'mul', '[2, 3]', '[3, 2]');
  });
});
