import fc from 'fast-check';
import * as c from '@tapegrad/core';
import { Tensor } from '@tapegrad/core';
import { expectValues } from '../helpers/approx';

const f64 = (v: number[], shape: number[]): Tensor => c.tensor(Float64Array.from(v)).reshape(shape);

describe('sort and argsort', () => {
  test('values and int32 indices, ascending and descending, along dims', () => {
    const x = f64([3, 1, 2, 0, 5, 4], [2, 3]);
    const { values, indices } = c.sort(x);
    expectValues(values, [2, 3], [1, 2, 3, 0, 4, 5]);
    expect(indices.dtype).toBe('int32');
    expectValues(indices, [2, 3], [1, 2, 0, 0, 2, 1]);
    expectValues(x.sort(0, true).values, [2, 3], [3, 5, 4, 0, 1, 2]);
    expectValues(x.argsort(-1, true), [2, 3], [0, 2, 1, 1, 2, 0]);
    expectValues(c.argsort(x.t(), 0), [3, 2], [1, 0, 2, 2, 0, 1]);
  });
  test('ties keep their index order (stable), also descending', () => {
    const x = f64([2, 1, 2, 1], [4]);
    expectValues(x.sort(0, false, { stable: true }).indices, [4], [1, 3, 0, 2]);
    expectValues(x.sort(0, true).indices, [4], [0, 2, 1, 3]);
  });
  test('NaN sorts as the largest value', () => {
    const x = f64([1, NaN, -1], [3]);
    expectValues(x.argsort(), [3], [2, 0, 1]);
    expectValues(x.argsort(0, true), [3], [1, 0, 2]);
  });
  test('0-d and empty inputs', () => {
    const s = f64([4], []).sort();
    expectValues(s.values, [], [4]);
    expectValues(s.indices, [], [0]);
    expect(c.zeros([2, 0]).sort(1).values.shape).toEqual([2, 0]);
  });
  test('gradient goes back to the sorted positions', () => {
    const x = f64([3, 1, 2], [3]).requiresGrad_();
    x.sort().values.mul(f64([1, 10, 100], [3])).sum().backward();
    expectValues(x.grad!, [3], [100, 1, 10]);
  });
  test('errors: bad dim, unknown option', () => {
    expect(() => f64([1, 2], [2]).sort(1)).toThrow(/sort: dim 1 is out of range for a tensor of rank 1/);
    expect(() => f64([1, 2], [2]).argsort(-2)).toThrow(/argsort: dim -2 is out of range/);
    expect(() => f64([1, 2], [2]).sort(0, false, { stabel: true } as object)).toThrow(/sort: unknown option 'stabel' \(did you mean 'stable'\?\); expected one of dim, descending, stable/);
    expect(() => f64([1, 2], [2]).sort(0, false, true as unknown as object)).toThrow(/sort: takes at most 2 positional arguments \(dim, descending\) before its options object, got 3/);
  });
  test('property: the values are non-decreasing and a permutation of the input picked by the indices', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 40 }), fc.boolean(), fc.boolean(), (v, desc, stable) => {
      const x = f64(v, [v.length]);
      const { values, indices } = x.sort(0, desc, { stable });
      const vals = Array.from(values.dataSync()), idx = Array.from(indices.dataSync());
      for (let i = 1; i < vals.length; i++) expect(desc ? vals[i - 1] >= vals[i] : vals[i - 1] <= vals[i]).toBe(true);
      expect([...idx].sort((a, b) => a - b)).toEqual(v.map((_, i) => i));
      expect(idx.map((i) => v[i])).toEqual(vals);
      // Stable: equal values keep increasing indices (the default std::sort order need not, past 16 elements).
      if (stable) for (let i = 1; i < idx.length; i++) if (vals[i] === vals[i - 1]) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    }));
  });
});

describe('topk and kthvalue', () => {
  const x = f64([1, 5, 3, 4, 2, 0], [2, 3]);
  test('topk: largest and smallest, sorted, along dims', () => {
    const t = c.topk(x, 2);
    expectValues(t.values, [2, 2], [5, 3, 4, 2]);
    expectValues(t.indices, [2, 2], [1, 2, 0, 1]);
    expectValues(x.topk(1, 0, false).values, [1, 3], [1, 2, 0]);
    expectValues(x.topk(3, -1, true, false).values, [2, 3], [5, 3, 1, 4, 2, 0]);
    expect(x.topk(0).values.shape).toEqual([2, 0]);
    const z = f64([3], []).topk(1);
    expectValues(z.values, [], [3]);
    expectValues(z.indices, [], [0]);
  });
  test('kthvalue: k-th smallest with its index, keepdim', () => {
    const k = c.kthvalue(x, 2);
    expectValues(k.values, [2], [3, 2]);
    expectValues(k.indices, [2], [2, 1]);
    expect(k.indices.dtype).toBe('int32');
    expectValues(x.kthvalue(1, 0, true).values, [1, 3], [1, 2, 0]);
  });
  test('gradients: only the picked elements', () => {
    const y = f64([1, 5, 3], [3]).requiresGrad_();
    y.topk(2).values.sum().backward();
    expectValues(y.grad!, [3], [0, 1, 1]);
    const z = f64([1, 5, 3], [3]).requiresGrad_();
    z.kthvalue(2).values.backward();
    expectValues(z.grad!, [3], [0, 0, 1]);
  });
  test('errors: k out of range names the dim and its size', () => {
    expect(() => x.topk(4)).toThrow(/topk: k \(4\) is out of range for dim 1 of size 3 \(shape \[2, 3\]\); expected 0 <= k <= 3/);
    expect(() => x.topk(-1, 0)).toThrow(/topk: k \(-1\) is out of range for dim 0 of size 2/);
    expect(() => x.kthvalue(0)).toThrow(/kthvalue: k \(0\) is out of range for dim 1 of size 3 \(shape \[2, 3\]\); expected 1 <= k <= 3/);
    expect(() => x.kthvalue(4)).toThrow(/kthvalue: k \(4\) is out of range/);
    expect(() => x.topk(1, 2)).toThrow(/topk: dim 2 is out of range for a tensor of rank 2/);
  });
  test('property: topk(k) is the first k of a descending sort', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 15 }), fc.nat(), (v, r) => {
      const k = r % (v.length + 1);
      const x = f64(v, [v.length]);
      // +0 and -0 are equal values, so which of them comes first is tie order, and topk's and sort's
      // tie orders differ (in PyTorch too): compare them as one value.
      const zeroed = (a: ArrayLike<number>): number[] => Array.from(a, (e) => e + 0);
      expect(zeroed(x.topk(k).values.dataSync())).toEqual(zeroed(x.sort(0, true).values.dataSync()).slice(0, k));
    }), { examples: [[[0, 0, -0, 0], 1610612716]] });
  });
});

// audit18: a string k from plain JavaScript was reported as "out of range".
test('topk and kthvalue name a k that is not a number', () => {
  const x = c.tensor([1, 5, 3, 4]);
  expect(() => c.topk(x, '2' as never)).toThrow(/^topk: k must be an integer, got the string '2'$/);
  expect(() => c.kthvalue(x, null as never)).toThrow(/^kthvalue: k must be an integer, got object$/);
  expect(c.topk(x, 2).values.toArray()).toEqual([5, 4]);
});
