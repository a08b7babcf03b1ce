// repeat, movedim, nonzero/nonzeroTuple and logspace (missing before) against torch 1.13's values
// (printed by fixtures/pytorch/audit3_misc.py). Gradients of repeat and movedim: the OpInfo registry.
import { tensor, zeros, repeat, movedim, nonzero, nonzeroTuple, logspace } from '../../src';

test('repeat', () => {
  expect(tensor([1, 2]).repeat(2, 2).toArray()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
  expect(zeros(2, 2).repeat(2, 1, 3).shape).toEqual([2, 2, 6]);
  expect(repeat(tensor([1, 2]), [0]).shape).toEqual([0]);
  expect(() => zeros(2, 2).repeat(2)).toThrow(/can not be smaller than number of dimensions of tensor/);
  const x = tensor([1, 2], { requiresGrad: true });
  x.repeat(3, 2).sum().backward();
  expect(x.grad!.toArray()).toEqual([6, 6]);
});

test('movedim', () => {
  expect(zeros(2, 3, 4).movedim(0, -1).shape).toEqual([3, 4, 2]);
  expect(movedim(zeros(2, 3, 4), [0, 1], [2, 0]).shape).toEqual([3, 4, 2]);
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  expect(x.movedim(1, 0).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
  expect(() => zeros(2, 3).movedim([0, 0], [1, 0])).toThrow(/repeated dim in `source`/);
  expect(() => zeros(2, 3).movedim([0], [1, 0])).toThrow(/same number of dims/);
});

test('nonzero', () => {
  const x = tensor([[0, 1], [1, 1]]);
  const n = x.nonzero();
  expect([n.dtype, n.toArray()]).toEqual(['int32', [[0, 1], [1, 0], [1, 1]]]);
  expect(nonzeroTuple(x).map((t) => t.toArray())).toEqual([[0, 1, 1], [1, 0, 1]]);
  expect(nonzero(tensor(5)).shape).toEqual([1, 0]);
  expect(nonzeroTuple(tensor(5))[0].toArray()).toEqual([0]);
  expect(nonzero(zeros(2, 3)).shape).toEqual([0, 2]);
  expect(tensor([true, false, true]).nonzero().toArray()).toEqual([[0], [2]]);
});

test('logspace', () => {
  expect(logspace(0, 2, 3).toArray()).toEqual([1, 10, 100]);
  expect(logspace(0, 2, 3, 2).toArray()).toEqual([1, 2, 4]);
  expect(logspace(-1, 1, 5).toArray()).toEqual([0.10000000149011612, 0.3162277638912201, 1, 3.1622776985168457, 10]);
  expect(logspace(0, 3, 4, { dtype: 'float64' }).toArray()).toEqual([1, 10, 100, 1000]);
  expect(logspace(0, 2, 1).toArray()).toEqual([1]);
  expect(logspace(0, 2, 3).dtype).toBe('float32');
});

test('nonzero and logspace name themselves for a plain-JS caller (audit18)', () => {
  expect(() => nonzero('x' as never)).toThrow(/^nonzero: expected a Tensor, got string$/);
  expect(() => logspace(0, 1, '5' as never)).toThrow(/^logspace: steps must be a non-negative integer, got '5'$/);
  expect(() => logspace(0, 1, -1)).toThrow(/^logspace: steps/);
});

test('repeat from plain JavaScript: a number is one repeat, anything else not an array is named (audit18)', () => {
  expect(repeat(tensor([1, 2]), 2 as never).toArray()).toEqual([1, 2, 1, 2]);
  expect(() => repeat(tensor([1, 2]), '2' as never)).toThrow(/^repeat: repeats must be an array of integers/);
  expect(() => repeat([1, 2] as never, [2])).toThrow(/^repeat: expected a Tensor, got object$/);
  expect(() => movedim('x' as never, 0, 1)).toThrow(/^movedim: expected a Tensor, got string$/);
});
