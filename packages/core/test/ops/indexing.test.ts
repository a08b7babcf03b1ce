/** where, gather, scatterAdd, indexSelect, maskedFill, oneHot: values (PyTorch semantics) and gradients on repeats. */
import fc from 'fast-check';
import * as core from '@tapegrad/core';
import { Tensor, tensor, zeros, Generator, randint, randn } from '@tapegrad/core';
import { unravel, ravel } from '../helpers/reference';
import { shapeWithDimArb, numelOf } from '../helpers/shapes';

const f = (v: core.NestedArray, requiresGrad = false): Tensor => tensor(v, { dtype: 'float64', requiresGrad });
const i32 = (v: core.NestedArray): Tensor => tensor(v, { dtype: 'int32' });

describe('gather / scatterAdd / indexSelect against index arithmetic, over random shapes', () => {
  test('gather: out[..i..] = x[..index[..i..]..] along dim; scatterAdd is its adjoint', () => {
    fc.assert(fc.property(shapeWithDimArb(3, 1, 4), fc.integer({ min: 1, max: 1e9 }), ([shape, dim], seed) => {
      const g = new Generator(seed);
      const d = dim < 0 ? dim + shape.length : dim;
      const ishape = shape.map((s, k) => (k === d ? g.randint(1, 5) : g.randint(1, s + 1)));
      const x = randn(shape, { dtype: 'float64', generator: g });
      const index = randint(0, shape[d], ishape, { generator: g });
      const out = x.gather(dim, index);
      expect(out.shape).toEqual(ishape);
      const X = x.dataSync(), I = index.dataSync(), O = out.dataSync();
      for (let p = 0; p < numelOf(ishape); p++) {
        const at = unravel(p, ishape);
        at[d] = I[p];
        expect(O[p]).toBe(X[ravel(at, shape)]);
      }
      // <gather(x), y> = <x, scatterAdd(0, index, y)>: the adjoint identity that makes them each other's VJP.
      const y = randn(ishape, { dtype: 'float64', generator: g });
      const lhs = out.mul(y).sum().item();
      const rhs = x.mul(zeros(shape, { dtype: 'float64' }).scatterAdd(dim, index, y)).sum().item();
      expect(lhs).toBeCloseTo(rhs, 10);
    }), { numRuns: 150 });
  });

  test('indexSelect picks slices along dim (repeats allowed)', () => {
    fc.assert(fc.property(shapeWithDimArb(3, 1, 4), fc.integer({ min: 1, max: 1e9 }), ([shape, dim], seed) => {
      const g = new Generator(seed);
      const d = dim < 0 ? dim + shape.length : dim;
      const x = randn(shape, { dtype: 'float64', generator: g });
      const idx = randint(0, shape[d], [g.randint(0, 5)], { generator: g });
      const out = x.indexSelect(dim, idx);
      const oshape = shape.map((s, k) => (k === d ? idx.numel() : s));
      expect(out.shape).toEqual(oshape);
      const X = x.dataSync(), I = idx.dataSync(), O = out.dataSync();
      for (let p = 0; p < O.length; p++) {
        const at = unravel(p, oshape);
        at[d] = I[at[d]];
        expect(O[p]).toBe(X[ravel(at, shape)]);
      }
    }), { numRuns: 150 });
  });
});

describe('hand values (PyTorch)', () => {
  test('gather along dim 1 and its gradient accumulates on repeated indices', () => {
    // torch: x = [[1,2],[3,4]] rg; x.gather(1, [[0,0],[1,0]]) = [[1,1],[4,3]]; .sum().backward() -> [[2,0],[1,1]]
    const x = f([[1, 2], [3, 4]], true);
    const out = x.gather(1, i32([[0, 0], [1, 0]]));
    expect(out.toArray()).toEqual([[1, 1], [4, 3]]);
    out.sum().backward();
    expect(x.grad!.toArray()).toEqual([[2, 0], [1, 1]]);
  });

  test('negative indices are out of bounds, as in PyTorch (gather, indexSelect, scatterAdd)', () => {
    // torch.tensor([10., 20, 30]).gather(0, torch.tensor([-1, 0])) -> RuntimeError: index -1 is out of bounds for dimension 0 with size 3
    expect(() => f([10, 20, 30]).gather(0, i32([-1, 0]))).toThrow(/gather: index -1 is out of bounds for dim 0 with size 3/);
    // torch.tensor([[1., 2], [3, 4]]).index_select(0, torch.tensor([-1])) -> RuntimeError: index out of range in self
    expect(() => f([[1, 2], [3, 4]]).indexSelect(0, i32([-1]))).toThrow(/indexSelect: index -1 is out of range for dim 0 with size 2/);
    // torch.zeros(3).scatter_add(0, torch.tensor([-1]), torch.ones(1)) -> RuntimeError: index -1 is out of bounds
    expect(() => zeros([3], { dtype: 'float64' }).scatterAdd(0, i32([-1]), f([1]))).toThrow(/scatterAdd: index -1 is out of bounds/);
  });

  test('scatterAdd: torch.zeros(3).scatter_add(0, [0,2,0], [1,2,3]) = [4,0,2]; a larger src uses its leading block', () => {
    expect(zeros([3]).scatterAdd(0, i32([0, 2, 0]), tensor([1, 2, 3], { dtype: 'float32' })).toArray()).toEqual([4, 0, 2]);
    // torch: torch.zeros(2,3).scatter_add(1, [[0,2],[1,1]], arange(9.).view(3,3)) -> [[0,0,1],[0,7,0]]
    const src = core.arange(9).float().reshape([3, 3]);
    expect(zeros([2, 3]).scatterAdd(1, i32([[0, 2], [1, 1]]), src).toArray()).toEqual([[0, 0, 1], [0, 7, 0]]);
  });

  test('indexSelect gradient with repeats', () => {
    const x = f([[1, 2], [3, 4], [5, 6]], true);
    x.indexSelect(0, i32([2, 0, 2])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  test('where: three-way broadcasting, numbers, and gradients only to the chosen side', () => {
    const c = tensor([[true], [false]]);
    const a = f([1, 2, 3], true), b = f(-1, true);
    const out = core.where(c, a, b);
    expect(out.toArray()).toEqual([[1, 2, 3], [-1, -1, -1]]);
    out.sum().backward();
    expect(a.grad!.toArray()).toEqual([1, 1, 1]);
    expect(b.grad!.item()).toBe(3);
    expect(core.where(tensor([true, false]), 1, 0).toArray()).toEqual([1, 0]);
    expect(core.where(tensor([true, false]), 1, 0).dtype).toBe('int32');
  });

  test('maskedFill keeps the dtype and gives no gradient where filled', () => {
    const x = f([[1, 2], [3, 4]], true);
    const m = tensor([true, false]);
    const y = x.maskedFill(m, -Infinity);
    expect(y.toArray()).toEqual([[-Infinity, 2], [-Infinity, 4]]);
    y.softmax(-1).select(1, 1).sum().backward(); // the filled logits take no gradient
    expect(x.grad!.toArray()).toEqual([[0, 0], [0, 0]]);
    expect(tensor([1, 2], { dtype: 'int32' }).maskedFill(tensor([false, true]), 7).toArray()).toEqual([1, 7]);
    expect(tensor([1, 2], { dtype: 'int32' }).maskedFill(tensor([false, true]), 7).dtype).toBe('int32');
  });

  test('oneHot on a 2-D index tensor', () => {
    expect(i32([[0], [2]]).oneHot(3).toArray()).toEqual([[[1, 0, 0]], [[0, 0, 1]]]);
  });
});
