// clamp with tensor bounds and PyTorch's keyword form, and var/std's PyTorch call forms
// (var(dim, unbiased, keepdim), var(unbiased), keywords): values and gradients printed by torch 1.13.
import { tensor, clamp, var as variance, std } from '../../src';

describe('clamp', () => {
  test('tensor bounds: values and each input\'s gradient as PyTorch (boundary passes to x, max wins when min > max)', () => {
    const x = tensor([1, 2, 3, 5], { requiresGrad: true });
    const lo = tensor([2, 2, 2, 2], { requiresGrad: true }), hi = tensor([3, 3, 1, 3], { requiresGrad: true });
    const y = x.clamp(lo, hi);
    expect(y.toArray()).toEqual([2, 2, 1, 3]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 0, 0]);
    expect(lo.grad!.toArray()).toEqual([1, 0, 0, 0]);
    expect(hi.grad!.toArray()).toEqual([0, 0, 1, 1]);
  });
  test('a 0-d tensor bound broadcasts, NaN passes', () => {
    expect(tensor([1, NaN, 5]).clamp(tensor(2), tensor(3)).toArray()).toEqual([2, NaN, 3]);
    expect(clamp(tensor([1, 5]), tensor(2)).toArray()).toEqual([2, 5]);
  });
  test('keyword form { min, max }; bad forms are errors', () => {
    expect(tensor([1, 5]).clamp({ max: 2 }).toArray()).toEqual([1, 2]);
    expect(tensor([1, 5]).clamp({ min: 2 }).toArray()).toEqual([2, 5]);
    expect(() => tensor([1, 5]).clamp({ maxi: 2 } as never)).toThrow(/max/);
    expect(() => tensor([1, 5]).clamp({}, 2)).toThrow(/not both/);
    expect(() => tensor([1, 5]).clamp('1' as never)).toThrow(/number, a Tensor or null/);
    expect(tensor([1, 5]).clamp_({ max: 2 }).toArray()).toEqual([1, 2]);
  });
});

describe('var and std call forms', () => {
  const x = (): ReturnType<typeof tensor> => tensor([1, 2, 4]);
  test('positional (dim, unbiased, keepdim) as PyTorch', () => {
    expect(x().var(0, false).item()).toBeCloseTo(1.5556, 4); // torch: x.var(0, False) = 1.5556
    expect(x().var(0, true).item()).toBeCloseTo(2.3333, 4);
    expect(tensor([[1, 2, 4]]).var(1, true, true).shape).toEqual([1, 1]);
    expect(tensor([[1, 2, 4]]).std(1, false, false).toArray()).toEqual([expect.closeTo(1.2472, 4)]);
    expect(variance(x(), 0, false).item()).toBeCloseTo(1.5556, 4);
  });
  test('a bare unbiased flag and an options object first', () => {
    expect(x().var(false).item()).toBeCloseTo(1.5556, 4); // torch: x.var(False)
    expect(std(x(), { dim: 0, correction: 0 }).item()).toBeCloseTo(1.2472, 4);
    expect(x().var({ unbiased: false }).item()).toBeCloseTo(1.5556, 4);
    expect(tensor([[1, 2, 4]]).var({ dim: 1, keepdim: true }).shape).toEqual([1, 1]);
  });
  test('ambiguous or unknown forms are errors, not silently ignored', () => {
    expect(() => x().var(0, { keepDim: true } as never)).toThrow(/keepdim/);
    expect(() => x().var(0, {}, true)).toThrow(/keepdim goes in the options/);
    expect(() => x().var(false, {})).toThrow(/unbiased/);
  });
});
