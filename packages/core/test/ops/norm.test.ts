import fc from 'fast-check';
import * as c from '@tapegrad/core';
import { Tensor, grad, linalg } from '@tapegrad/core';
import { expectClose, expectValues } from '../helpers/approx';

const f64 = (v: number[], shape: number[]): Tensor => c.tensor(Float64Array.from(v)).reshape(shape);
const x = (): Tensor => f64([3, -4, 0, 1, 2, -2], [2, 3]);

describe('linalg.vectorNorm and norm', () => {
  test('every order, dims, keepdim (hand values)', () => {
    expectClose(linalg.vectorNorm(x()), Math.sqrt(34));
    expectClose(linalg.vectorNorm(x(), 2, 1), [5, 3]);
    expectClose(linalg.vectorNorm(x(), 1, -1, true), [7, 5]);
    expect(linalg.vectorNorm(x(), 1, -1, true).shape).toEqual([2, 1]);
    expectClose(linalg.vectorNorm(x(), Infinity, 1), [4, 2]);
    expectClose(linalg.vectorNorm(x(), -Infinity, 1), [0, 1]);
    expectClose(linalg.vectorNorm(x(), 0, 1), [2, 3]);
    expectClose(linalg.vectorNorm(x(), 3, 0), [Math.cbrt(28), Math.cbrt(72), 2]);
    expectClose(linalg.vectorNorm(x(), 0.5, [0, 1]), (Math.sqrt(3) + 2 + 1 + Math.SQRT2 * 2) ** 2);
    expectClose(linalg.vectorNorm(x(), -1, 1), [0, 1 / (1 + 0.5 + 0.5)]);
    expectClose(c.norm(x()), Math.sqrt(34));
    expectClose(x().norm(1, [0, 1]), 12);
    expect(x().float().norm().dtype).toBe('float32');
  });
  test('subgradient 0 at 0 (PyTorch), hand-derived elsewhere', () => {
    const z = f64([0, 0, 3, 4], [2, 2]).requiresGrad_();
    linalg.vectorNorm(z, 2, 1).sum().backward();
    expectValues(z.grad!, [2, 2], [0, 0, 0.6, 0.8]);
    const w = f64([0, -2, 3], [3]).requiresGrad_();
    linalg.vectorNorm(w, 1).backward();
    expectValues(w.grad!, [3], [0, -1, 1]);
    // ∞-norm: the gradient is shared by the tied maxima, with their signs.
    const m = f64([1, -3, 3], [3]).requiresGrad_();
    linalg.vectorNorm(m, Infinity).backward();
    expectValues(m.grad!, [3], [0, -0.5, 0.5]);
    const p = f64([0, 0], [2]).requiresGrad_();
    linalg.vectorNorm(p, 3).backward();
    expectValues(p.grad!, [2], [0, 0]);
  });
  test('second derivative of the 2-norm: (I - x̂x̂ᵀ)/‖x‖', () => {
    const v = f64([3, 4], [2]).requiresGrad_();
    const [g] = grad(linalg.vectorNorm(v), [v], { createGraph: true });
    const [h0] = grad(g!.select(0, 0), [v]);
    expectClose(h0!, [(1 - 0.36) / 5, -0.48 / 5], 1e-12, 1e-12);
  });
  test('errors: integer input, empty dim for max/min orders, bad dims, nuclear norm', () => {
    expect(() => linalg.vectorNorm(c.tensor([1, 2], { dtype: 'int32' }))).toThrow(/linalg.vectorNorm: expected a floating point tensor, got int32/);
    expect(() => linalg.vectorNorm(c.zeros([2, 0]), Infinity, 1)).toThrow(/cannot compute the Infinity norm over dim 1 of size 0/);
    expect(linalg.vectorNorm(c.zeros([2, 0]), 2, 1).dataSync()).toEqual(new Float32Array([0, 0]));
    expect(() => linalg.vectorNorm(x(), 2, 2)).toThrow(/linalg.vectorNorm: dim 2 is out of range for a tensor of rank 2/);
    expect(() => c.norm(x(), 'nuc' as 'fro')).toThrow(/norm: p must be a number or 'fro'/);
    expect(() => linalg.vectorNorm(x(), NaN)).toThrow(/ord must be a number/);
  });
  test('property: the p-norm is between the ∞-norm and n^(1/p) times it', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 8 }), fc.double({ min: 1, max: 6, noNaN: true }).map(Math.fround), (ints, p) => {
      // p representable in float32: the forward computes with float32 p, as PyTorch's kernel (norm.ts).
      const v = ints.map((i) => i / 10);
      const t = f64(v, [v.length]);
      const n = linalg.vectorNorm(t, p).item(), inf = linalg.vectorNorm(t, Infinity).item();
      expect(n).toBeGreaterThanOrEqual(inf * (1 - 1e-12));
      expect(n).toBeLessThanOrEqual(inf * v.length ** (1 / p) * (1 + 1e-12));
    }));
  });
});

describe('cosineSimilarity and pairwiseDistance', () => {
  test('hand values, broadcasting, dims', () => {
    const a = f64([1, 0, 1, 1], [2, 2]), b = f64([1, 1], [2]);
    expectClose(c.cosineSimilarity(a, b), [Math.SQRT1_2, 1], 1e-12, 1e-12);
    expectClose(c.cosineSimilarity(a, a.flip(0), 0), [1, 0], 1e-12, 1e-12);
    expect(c.cosineSimilarity(c.zeros([3, 2, 4], { dtype: 'float64' }).add(1), c.ones([2, 4], { dtype: 'float64' }), -1).shape).toEqual([3, 2]);
  });
  test('eps as PyTorch 1.13: each norm is clamped to eps on its own', () => {
    // ‖a‖ = 1e-9 < eps = 1e-8: a/eps · b/‖b‖ = 0.1; the older a·b / max(‖a‖‖b‖, eps) would give 2e-9/1e-8 = 0.2.
    const r = c.cosineSimilarity(f64([1e-9, 0], [1, 2]), f64([2, 0], [1, 2]));
    expectClose(r, [0.1], 1e-12, 1e-9);
    expectClose(c.cosineSimilarity(f64([0, 0], [1, 2]), f64([1, 2], [1, 2])), [0]);
  });
  test('pairwiseDistance: ‖x1 − x2 + eps‖_p over the last dim', () => {
    const d = c.pairwiseDistance(f64([0, 0, 1, 1], [2, 2]), f64([3, 4], [2]));
    expectClose(d, [Math.hypot(-3 + 1e-6, -4 + 1e-6), Math.hypot(-2 + 1e-6, -3 + 1e-6)], 1e-12, 1e-12);
    expect(c.pairwiseDistance(f64([0, 0], [1, 2]), f64([3, 4], [1, 2]), 1, 0, true).shape).toEqual([1, 1]);
    expectClose(c.pairwiseDistance(f64([0, 0], [2]), f64([3, -4], [2]), Infinity, 0), 4);
  });
  test('errors', () => {
    expect(() => c.cosineSimilarity(f64([1, 2, 3], [3]), f64([1, 2], [2]), 0)).toThrow(/cosineSimilarity: shapes \[3\] and \[2\] cannot be broadcast/);
    // As PyTorch, only a non-floating common dtype is refused: int32 with float64 computes in float64.
    expect(() => c.cosineSimilarity(c.tensor([1], { dtype: 'int32' }), c.tensor([2], { dtype: 'int32' }), 0)).toThrow(/cosineSimilarity: expected the common dtype to be floating point, got int32/);
    expect(c.cosineSimilarity(c.tensor([1], { dtype: 'int32' }), f64([1], [1]), 0).dtype).toBe('float64');
    expect(() => c.cosineSimilarity(f64([1, 2], [2]), f64([1, 2], [2]))).toThrow(/cosineSimilarity: dim 1 is out of range/);
  });
});
