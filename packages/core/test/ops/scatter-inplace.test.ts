/** scatter_: in-place scatter (values from PyTorch 1.13). */
import { zeros, ones, tensor } from '../../src';

describe('scatter_', () => {
  it('writes into the tensor and returns it', () => {
    const t = zeros(10);
    expect(t.scatter_(0, tensor(3, { dtype: 'int32' }), 1)).toBe(t); // torch.zeros(10).scatter_(0, torch.tensor(3), value=1)
    expect(t.toArray()).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const idx = tensor([[1], [2], [0]], { dtype: 'int32' });
    expect(zeros([3, 4]).scatter_(1, idx, 2.5).toArray()).toEqual([[0, 2.5, 0, 0], [0, 0, 2.5, 0], [2.5, 0, 0, 0]]);
    expect(zeros([3, 4]).scatter_(1, idx, ones([3, 1]).mul(7), { reduce: 'add' }).toArray()).toEqual([[0, 7, 0, 0], [0, 0, 7, 0], [7, 0, 0, 0]]);
  });
  it('is differentiable through the source, and refuses a leaf that requires grad', () => {
    const src = tensor([[1], [2], [3]], { requiresGrad: true });
    const t = zeros([3, 4]);
    t.scatter_(1, tensor([[1], [2], [0]], { dtype: 'int32' }), src);
    t.mul(tensor([1, 2, 3, 4])).sum().backward();
    expect(src.grad!.toArray()).toEqual([[2], [3], [1]]);
    expect(() => tensor([1, 2], { requiresGrad: true }).scatter_(0, tensor([0], { dtype: 'int32' }), 5)).toThrow(/scatter_/);
  });
});

test('scatter: a 0-d index (and src) of a 1-D input is one element, as PyTorch', () => {
  expect(zeros(4).scatter(0, tensor(2, { dtype: 'int32' }), tensor(5)).toArray()).toEqual([0, 0, 5, 0]);
  expect(zeros(4).scatter(0, tensor(1, { dtype: 'int32' }), 1, { reduce: 'add' }).toArray()).toEqual([0, 1, 0, 0]);
  expect(() => zeros([2, 2]).scatter(0, tensor(1, { dtype: 'int32' }), 1)).toThrow(/same number of dims/);
});
