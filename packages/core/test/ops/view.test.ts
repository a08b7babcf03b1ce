/** Shape ops: values of permute/expand/narrow/select/squeeze/unsqueeze/flatten/split/chunk/cat/stack. */
import fc from 'fast-check';
import { tensor, arange, cat, stack, zeros, Tensor } from '@tapegrad/core';
import { shapeArb, numelOf } from '../helpers/shapes';
import { unravel, ravel } from '../helpers/reference';

const a234 = (): Tensor => arange(24).reshape([2, 3, 4]);

describe('view ops: values', () => {
  test('permute moves elements as out[i..] = x[perm applied], over random shapes and permutations', () => {
    fc.assert(fc.property(shapeArb(4, 1, 3).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))), ([s, p]) => {
      const x = arange(numelOf(s)).reshape(s);
      const y = x.permute(p);
      const os = p.map((d) => s[d]);
      expect(y.shape).toEqual(os);
      const Y = y.dataSync();
      for (let q = 0; q < Y.length; q++) {
        const oi = unravel(q, os);
        const xi = new Array<number>(s.length);
        p.forEach((d, k) => { xi[d] = oi[k]; });
        expect(Y[q]).toBe(ravel(xi, s));
      }
      // permuting back restores x
      const inv = p.map((_, i) => p.indexOf(i));
      expect(Array.from(y.permute(inv).dataSync())).toEqual(Array.from(x.dataSync()));
    }), { numRuns: 150 });
  });

  test('transpose, expand, narrow, select, squeeze, unsqueeze, flatten', () => {
    const x = a234();
    expect(x.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect(x.transpose(0, 2).select(0, 1).toArray()).toEqual([[1, 13], [5, 17], [9, 21]]);
    expect(tensor([1, 2]).expand([2, 2]).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(tensor([[1], [2]]).expand([-1, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(x.narrow(2, 1, 2).select(0, 1).toArray()).toEqual([[13, 14], [17, 18], [21, 22]]);
    expect(x.select(-1, -1).toArray()).toEqual([[3, 7, 11], [15, 19, 23]]);
    expect(zeros([1, 2, 1]).squeeze().shape).toEqual([2]);
    expect(zeros([1, 2, 1]).squeeze(0).shape).toEqual([2, 1]);
    expect(zeros([2, 3]).squeeze(1).shape).toEqual([2, 3]);
    expect(zeros([2, 3]).unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(zeros([2, 3]).unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.flatten(0, 1).shape).toEqual([6, 4]);
    expect(tensor(5).flatten().toArray()).toEqual([5]);
  });

  test('split / chunk sizes follow PyTorch (last piece smaller; chunk uses ceil)', () => {
    const x = arange(7);
    expect(x.split(3).map((p) => p.toArray())).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(x.split([2, 5]).map((p) => p.shape[0])).toEqual([2, 5]);
    expect(arange(6).chunk(4).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(a234().chunk(2, -1).map((p) => p.shape)).toEqual([[2, 3, 2], [2, 3, 2]]);
  });

  test('cat and stack: values along positive and negative dims', () => {
    const a = tensor([[1, 2]]), b = tensor([[3, 4]]);
    expect(cat([a, b]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(cat([a, b], -1).toArray()).toEqual([[1, 2, 3, 4]]);
    expect(stack([a, b], 1).toArray()).toEqual([[[1, 2], [3, 4]]]);
    expect(stack([a, b], -1).toArray()).toEqual([[[1, 3], [2, 4]]]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
    // cat of random splits reassembles the tensor
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 2 }), (size, d) => {
      const x = a234();
      const parts = x.split(size, d);
      expect(Array.from(cat(parts, d).dataSync())).toEqual(Array.from(x.dataSync()));
    }));
  });
});
