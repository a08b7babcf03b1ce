/** PyTorch's names for existing conversions: `tolist()` (= toArray) and `long()` (= int, 32-bit). */
import { tensor, zeros } from '@tapegrad/core';

describe('Tensor.tolist', () => {
  it('gives the nested values, as toArray does', () => {
    const t = tensor([[1.5, -2], [3, 4.25]], { dtype: 'float64' });
    expect(t.tolist()).toEqual([[1.5, -2], [3, 4.25]]);
    expect(t.t().tolist()).toEqual([[1.5, 3], [-2, 4.25]]); // a non-contiguous view
    expect(t.tolist()).toEqual(t.toArray());
  });
  it('a 0-d tensor gives a number, bool gives booleans, an empty tensor []', () => {
    expect(tensor(2.5, { dtype: 'float32' }).tolist()).toBe(2.5);
    expect(tensor([true, false]).tolist()).toEqual([true, false]);
    expect(zeros([0], { dtype: 'float32' }).tolist()).toEqual([]);
  });
});

describe('Tensor.long', () => {
  it('is int(): int32, truncating toward zero as PyTorch .long() does', () => {
    const t = tensor([1.7, -2.5, 0.2, -0.9], { dtype: 'float32' });
    const l = t.long();
    expect(l.dtype).toBe('int32');
    expect(l.toArray()).toEqual([1, -2, 0, 0]);
    expect(l.toArray()).toEqual(t.int().toArray());
  });
  it('of a bool tensor gives 0 and 1', () => {
    expect(tensor([true, false, true]).long().toArray()).toEqual([1, 0, 1]);
  });
  it('is not differentiable: the result does not require grad', () => {
    const x = tensor([1.5, 2.5], { dtype: 'float64', requiresGrad: true });
    expect(x.long().requiresGrad).toBe(false);
  });
});
