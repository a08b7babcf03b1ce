// all/any along a dim (they ignored the dim and reduced everything); values printed by torch 1.13:
// a = [[True, False], [True, True]]: a.all(1) = [False, True], a.any(0, keepdim=True) = [[True, True]],
// [[0., 2], [0, 0]].any(1) = [True, False], zeros(0, 3).all(0) = [True]*3, zeros(2, 0).any(1) = [False]*2.
import { tensor, zeros, all, any } from '../../src';

test('all/any with dim and keepdim, as PyTorch', () => {
  const a = tensor([[true, false], [true, true]]);
  expect(a.all(1).toArray()).toEqual([false, true]);
  expect(all(a, -1).dtype).toBe('bool');
  expect(a.any(0, true).toArray()).toEqual([[true, true]]);
  expect(any(tensor([[0, 2], [0, 0]]), 1).toArray()).toEqual([true, false]);
  expect(zeros(0, 3).all(0).toArray()).toEqual([true, true, true]);
  expect(zeros(2, 0).any(1).toArray()).toEqual([false, false]);
  expect(a.all().toArray()).toBe(false);
  expect(() => a.all(2)).toThrow(/dim 2/);
});
