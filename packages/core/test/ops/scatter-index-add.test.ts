// scatter and indexAdd (missing before) against torch 1.13 (values printed by fixtures/pytorch/audit3_scatter.py).
import { tensor, zeros, ones, arange, scatter, indexAdd, Tensor } from '../../src';

const i = (v: number[] | number[][]): Tensor => tensor(v, { dtype: 'int32' });

test('scatter: tensor and number sources', () => {
  expect(scatter(zeros(2, 3), 1, i([[0], [2]]), tensor([[5], [6]])).toArray()).toEqual([[5, 0, 0], [0, 0, 6]]);
  expect(zeros(2, 3).scatter(1, i([[0], [2]]), 7).toArray()).toEqual([[7, 0, 0], [0, 0, 7]]);
  expect(() => zeros(2, 3).scatter(1, i([[0]]), tensor([[1]], { dtype: 'float64' }))).toThrow(/self.dtype to be equal to src.dtype/);
  expect(() => zeros(2, 3).scatter(1, i([[3]]), 1)).toThrow(/out of bounds/);
});

test('scatter gradients: x where nothing was written, src gathered', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true }), s = tensor([[10, 20], [30, 40]], { requiresGrad: true });
  const y = x.scatter(1, i([[0, 2], [1, 1]]), s);
  expect(y.toArray()).toEqual([[10, 2, 20], [4, 40, 6]]);
  y.mul(arange(6).reshape(2, 3)).sum().backward();
  expect(x.grad!.toArray()).toEqual([[0, 1, 0], [3, 0, 5]]);
  expect(s.grad!.toArray()).toEqual([[0, 2], [4, 4]]);
});

test('indexAdd', () => {
  expect(zeros(3, 2).indexAdd(0, i([0, 2, 0]), ones(3, 2)).toArray()).toEqual([[2, 2], [0, 0], [1, 1]]);
  expect(indexAdd(zeros(3), 0, i([0, 2]), ones(2), { alpha: 2 }).toArray()).toEqual([2, 0, 2]);
  expect(() => zeros(3).indexAdd(0, i([0]), ones(2))).toThrow(/source shape \[2\] must be \[1\]/);
  const x = zeros(3, { requiresGrad: true }), s = tensor([1, 2], { requiresGrad: true });
  x.indexAdd(0, i([1, 1]), s, { alpha: 3 }).mul(tensor([1, 2, 3])).sum().backward();
  expect(x.grad!.toArray()).toEqual([1, 2, 3]);
  expect(s.grad!.toArray()).toEqual([6, 6]);
});

// audit18: PyTorch's reduce keyword is honoured or refused, never dropped (torch 1.13:
// zeros(3).scatter(0, [0, 0, 2], 2., reduce='add') = [4, 0, 2]; src [[1, 2], [3, 4]] along 0 at [[1, 0], [1, 0]] added to ones = [[1, 7], [5, 1]]).
test('scatter: reduce add, refused multiply, misspelt options and a non-tensor input', () => {
  expect(scatter(zeros(3), 0, i([0, 0, 2]), 2, { reduce: 'add' }).toArray()).toEqual([4, 0, 2]);
  expect(zeros(3).scatter(0, i([0, 0, 2]), 2, { reduce: 'add' }).toArray()).toEqual([4, 0, 2]);
  expect(scatter(ones(2, 2), 0, i([[1, 0], [1, 0]]), tensor([[1, 2], [3, 4]]), { reduce: 'add' }).toArray()).toEqual([[1, 7], [5, 1]]);
  expect(() => scatter(zeros(3), 0, i([0]), 2, { reduce: 'multiply' })).toThrow(/scatter: reduce "multiply" is not supported/);
  expect(() => scatter(zeros(3), 0, i([0]), 2, { reduc: 'add' } as never)).toThrow(/unknown option 'reduc' \(did you mean 'reduce'\?\)/);
  expect(() => scatter([0, 0] as never, 0, i([0]), 2)).toThrow(/scatter: expected a Tensor, got object/);
  const x = ones(3, { requiresGrad: true });
  scatter(x, 0, i([0, 0]), 1, { reduce: 'add' }).mul(tensor([1, 2, 3])).sum().backward();
  expect(x.grad!.toArray()).toEqual([1, 2, 3]);
});
