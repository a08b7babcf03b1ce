// median (missing before) against torch 1.13 (values printed by fixtures/pytorch/audit3_median.py): the
// lower median, NaN propagation, the full reduction's gradient spread evenly over ties.
import { tensor, zeros, median } from '../../src';

test('values, as PyTorch', () => {
  expect(tensor([1, 4, 2, 3]).median().item()).toBe(2);
  const r = median(tensor([[1, 4, 2, 3], [5, 5, 1, 1]]), 1);
  expect(r.values.toArray()).toEqual([2, 1]);
  expect(r.indices.toArray()).toEqual([2, expect.any(Number)]); // torch: [2, 3] (a tie: PyTorch does not specify which)
  expect(r.indices.dtype).toBe('int32');
  expect(tensor([1, NaN, 2]).median().item()).toBeNaN();
  const n = tensor([[1, NaN, 2], [3, 1, 2]]).median(1);
  expect(n.values.toArray()).toEqual([NaN, 2]);
  expect(n.indices.toArray()).toEqual([1, 2]);
  const i = tensor([3, 1, 2], { dtype: 'int32' }).median();
  expect([i.dtype, i.item()]).toEqual(['int32', 2]);
  const k = tensor([[1, 4], [2, 3]]).median(0, true);
  expect([k.values.toArray(), k.indices.toArray()]).toEqual([[[1, 3]], [[0, 1]]]);
  expect(zeros(0).median().item()).toBeNaN();
  expect(() => zeros(2, 0).median(1)).toThrow(/empty dim 1/);
});

test('gradients: the index for median(dim), even spread over ties for the full median', () => {
  const x = tensor([1, 4, 2, 3], { requiresGrad: true });
  x.median().backward();
  expect(x.grad!.toArray()).toEqual([0, 0, 1, 0]);
  const t = tensor([2, 2, 2], { requiresGrad: true });
  t.median().backward();
  expect(t.grad!.toArray()).toEqual([1 / 3, 1 / 3, 1 / 3].map(Math.fround));
  const y = tensor([[1, 4, 2, 3]], { requiresGrad: true });
  y.median(1).values.sum().backward();
  expect(y.grad!.toArray()).toEqual([[0, 0, 1, 0]]);
});
