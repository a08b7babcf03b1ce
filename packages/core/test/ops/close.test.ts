/** isclose / allclose / equal against PyTorch 1.13 (values printed by torch.isclose etc. on the same inputs). */
import { tensor, isclose, allclose, equal } from '../../src';

describe('isclose, allclose, equal', () => {
  const a = tensor([1, 2, Infinity, -Infinity, NaN, 0]);
  const b = tensor([1 + 1e-6, 2.1, Infinity, Infinity, NaN, 1e-9]);
  it('isclose: tolerances, infinities, NaN', () => {
    expect(isclose(a, b).toArray()).toEqual([true, false, true, false, false, true]);
    expect(isclose(a, b, { equalNan: true }).toArray()).toEqual([true, false, true, false, true, true]);
    expect(isclose(a, b, { rtol: 0.1 }).toArray()).toEqual([true, true, true, false, false, true]);
    expect(isclose(tensor([1, 5], { dtype: 'int32' }), tensor([1, 6], { dtype: 'int32' })).toArray()).toEqual([true, false]);
    expect(isclose(tensor([1, 5], { dtype: 'int32' }), tensor([1, 6], { dtype: 'int32' }), { rtol: 0.2 }).toArray()).toEqual([true, true]);
    expect(isclose(tensor([1, 2]), tensor(1)).toArray()).toEqual([true, false]); // broadcasts
    expect(isclose(tensor([1, 2]), 2).toArray()).toEqual([false, true]);
  });
  it('allclose and equal', () => {
    expect(allclose(tensor([1, 2], { dtype: 'float64' }), tensor([1, 2 + 1e-6], { dtype: 'float64' }))).toBe(true);
    expect(allclose(a, b)).toBe(false);
    const x = tensor([2, 3], { requiresGrad: true });
    x.pow(3).sum().backward();
    expect(allclose(x.grad!, x.pow(2).mul(3))).toBe(true); // the blitz's 9*a**2 == a.grad, as torch.allclose
    expect(equal(tensor([1, 2]), tensor([1, 2]))).toBe(true);
    expect(equal(tensor([1, 2]), tensor([[1, 2]]))).toBe(false);
    expect(equal(tensor([NaN]), tensor([NaN]))).toBe(false);
  });
  it('errors', () => {
    expect(() => isclose(a, b, { rtol: -1 })).toThrow(/isclose: rtol and atol must be non-negative/);
    expect(() => allclose(a, b, { equal_nan: true } as never)).toThrow(/isclose: .*equal_nan/);
  });
});
