import fc from 'fast-check';
import * as c from '@tapegrad/core';
import { Tensor, grad } from '@tapegrad/core';
import { expectClose, expectValues } from '../helpers/approx';

const f64 = (v: number[], shape: number[]): Tensor => c.tensor(Float64Array.from(v)).reshape(shape);

describe('cumsum', () => {
  test('hand values along each dim, negative dims, views', () => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    expectValues(c.cumsum(x, 1), [2, 3], [1, 3, 6, 4, 9, 15]);
    expectValues(x.cumsum(0), [2, 3], [1, 2, 3, 5, 7, 9]);
    expectValues(x.cumsum(-2), [2, 3], [1, 2, 3, 5, 7, 9]);
    expectValues(x.t().cumsum(1), [3, 2], [1, 5, 2, 7, 3, 9]);
    expectValues(f64([7], []).cumsum(0), [], [7]);
  });
  test('float32 stays float32; int32 and bool give int32', () => {
    expect(c.tensor([1, 2], { dtype: 'float32' }).cumsum(0).dtype).toBe('float32');
    const i = c.tensor([1, 2, 3], { dtype: 'int32' }).cumsum(0);
    expect(i.dtype).toBe('int32');
    expectValues(i, [3], [1, 3, 6]);
    expectValues(c.tensor([true, false, true], { dtype: 'bool' }).cumsum(0), [3], [1, 1, 2]);
  });
  test('the dtype option casts first; unknown options are refused', () => {
    const b = c.tensor([true, true], { dtype: 'bool' }).cumsum(0, { dtype: 'float64' });
    expect(b.dtype).toBe('float64');
    expectValues(b, [2], [1, 2]);
    expect(c.cumprod(c.tensor([2, 3], { dtype: 'int32' }), 0, { dtype: 'float32' }).dtype).toBe('float32');
    expect(() => c.cumsum(f64([1], [1]), 0, { dtyp: 'float32' } as object)).toThrow(/cumsum: unknown option 'dtyp' \(did you mean 'dtype'\?\); expected one of dim, dtype/);
  });
  test('float32 accumulates in float64, as PyTorch on CPU', () => {
    const x = c.tensor([1e8, 1, -1e8], { dtype: 'float32' });
    expect(x.cumsum(0).dataSync()[2]).toBe(1);
  });
  test('gradient is the reverse cumulative sum of g', () => {
    const x = f64([1, 2, 3], [3]).requiresGrad_();
    x.cumsum(0).mul(f64([1, 10, 100], [3])).sum().backward();
    expectValues(x.grad!, [3], [111, 110, 100]);
  });
  test('bad dims name the op and the rank', () => {
    expect(() => c.cumsum(f64([1, 2], [2]), 1)).toThrow(/cumsum: dim 1 is out of range for a tensor of rank 1/);
    expect(() => c.cumsum(f64([1, 2], [2]), 0.5)).toThrow(/cumsum: dim must be an integer/);
  });
  test('property: the last element of each line is the sum; differences give x back', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 12 }), (v) => {
      const x = f64(v, [v.length]);
      const s = x.cumsum(0);
      expectClose(s.select(0, -1), x.sum(), 1e-9, 1e-9);
      const back = c.cat([s.narrow(0, 0, 1), s.narrow(0, 1, v.length - 1).sub(s.narrow(0, 0, v.length - 1))]);
      expectClose(back, v, 1e-9, 1e-9);
    }));
  });
});

describe('cumprod', () => {
  test('hand values, with zeros', () => {
    expectValues(c.cumprod(f64([2, 3, 0, 4], [4]), 0), [4], [2, 6, 0, 0]);
    expectValues(f64([1, 2, 3, 4, 5, 6], [2, 3]).cumprod(-1), [2, 3], [1, 2, 6, 4, 20, 120]);
    expect(c.tensor([2, 3], { dtype: 'int32' }).cumprod(0).dtype).toBe('int32');
  });
  test('gradient where inputs are 0 (PyTorch rule, hand-derived)', () => {
    // x = [a, 0, b, c]: out = [a, 0, 0, 0]; d/dx0 = g0; d/dx1 = a(g1 + b g2 + b c g3); d/dx2 = d/dx3 = 0.
    const x = f64([2, 0, 3, 5], [4]).requiresGrad_();
    const g = f64([1, 10, 100, 1000], [4]);
    x.cumprod(0).mul(g).sum().backward();
    expectValues(x.grad!, [4], [1, 2 * (10 + 3 * 100 + 3 * 5 * 1000), 0, 0]);
    // Two zeros: only the first zero gets a gradient, and it stops at the second one.
    const y = f64([0, 4, 0, 2], [4]).requiresGrad_();
    y.cumprod(0).mul(g).sum().backward();
    expectValues(y.grad!, [4], [0, 0, 0, 0].map((_, i) => (i === 0 ? 1 + 4 * 10 : 0)));
  });
  test('second derivative with a zero matches the hand formula', () => {
    // out_1 = x0·x1: d²(out_1)/dx0dx1 = 1 even at x1 = 0.
    const x = f64([3, 0], [2]).requiresGrad_();
    const [g] = grad(x.cumprod(0).select(0, 1), [x], { createGraph: true });
    const [gg] = grad(g!.select(0, 0), [x]);
    expectValues(gg!, [2], [0, 1]);
  });
  test('property: gradient equals the finite-difference-free formula Σ_{j≥k} g_j Π_{i≤j,i≠k} x_i', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(0, -1.5, 0.5, 2, 3), { minLength: 1, maxLength: 7 }), (v) => {
      const x = f64(v, [v.length]).requiresGrad_();
      const g = v.map((_, i) => i + 1);
      x.cumprod(0).mul(f64(g, [v.length])).sum().backward();
      const want = v.map((_, k) => {
        let s = 0;
        for (let j = k; j < v.length; j++) {
          let p = 1;
          for (let i = 0; i <= j; i++) if (i !== k) p *= v[i];
          s += g[j] * p;
        }
        return s;
      });
      expectClose(x.grad!, want, 1e-12, 1e-12);
    }));
  });
});
