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

// audit18: PyTorch's keywords as an options object (torch 1.13: x.median(1, keepdim=True) of
// [[1, 4, 2, 3], [9, 7, 8, 6]] = values [[2], [7]], indices [[2], [1]]; median(x, keepdim=True) alone is a TypeError).
test('median takes { dim, keepdim } alone or after dim, and refuses misspelt or doubled keywords', () => {
  const x = tensor([[1, 4, 2, 3], [9, 7, 8, 6]]);
  for (const r of [median(x, { dim: 1, keepdim: true }), median(x, 1, { keepdim: true }), x.median({ dim: 1, keepdim: true }), x.median(1, { keepdim: true })]) {
    expect(r.values.toArray()).toEqual([[2], [7]]);
    expect(r.indices.toArray()).toEqual([[2], [1]]);
  }
  expect(x.median({ dim: 0 }).values.toArray()).toEqual([1, 4, 2, 3]);
  expect(x.median().item()).toBe(4);
  expect(() => median(x, { keepdim: true })).toThrow(/^median: keepdim needs a dim/);
  expect(() => median(x, { keepdm: true } as never)).toThrow(/unknown option 'keepdm' \(did you mean 'keepdim'\?\)/);
  expect(() => median(x, 0, { dim: 1 } as never)).toThrow(/median: got multiple values for argument 'dim'/);
  expect(() => median(x, 0, 'a' as never)).toThrow(/median: argument 3 \(keepdim\) must be a boolean/);
});
