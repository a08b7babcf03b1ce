/** ZeroPad2d, ConstantPad1d/2d, ReflectionPad1d/2d, ReplicationPad1d/2d: values (PyTorch's, by hand), shapes, errors. */
import { Tensor, tensor, randn } from '@tapegrad/core';
import {
  ZeroPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d, F,
} from '@tapegrad/nn';

const vals = (t: unknown): number[] => Array.from((t as Tensor).dataSync());
const row = tensor([1, 2, 3], { dtype: 'float64' }).reshape([1, 1, 3]);
// [[1, 2], [3, 4]] as [1, 2, 2]
const sq = tensor([1, 2, 3, 4], { dtype: 'float64' }).reshape([1, 2, 2]);

describe('padding layers', () => {
  test('1-D layers on [1, 2, 3] (values as nn.ReflectionPad1d(2) etc. print them)', () => {
    expect(vals(new ReflectionPad1d(2).call(row))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(vals(new ReplicationPad1d([2, 1]).call(row))).toEqual([1, 1, 1, 2, 3, 3]);
    expect(vals(new ConstantPad1d([1, 2], 0.5).call(row))).toEqual([0.5, 1, 2, 3, 0.5, 0.5]);
  });
  test('2-D layers on [[1, 2], [3, 4]]: amounts are [left, right, top, bottom]', () => {
    expect(vals(new ZeroPad2d([1, 0, 0, 1]).call(sq))).toEqual([0, 1, 2, 0, 3, 4, 0, 0, 0]);
    expect(vals(new ConstantPad2d(1, -1).call(sq))).toEqual([-1, -1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1, -1, -1, -1]);
    expect(vals(new ReflectionPad2d([1, 0, 0, 1]).call(sq))).toEqual([2, 1, 2, 4, 3, 4, 2, 1, 2]);
    expect(vals(new ReplicationPad2d([0, 1, 1, 0]).call(sq))).toEqual([1, 2, 2, 1, 2, 2, 3, 4, 4]);
  });
  test('batched inputs, shapes, and the same values as F.pad', () => {
    const x = randn([2, 3, 5, 6]);
    expect(new ReflectionPad2d([1, 2, 3, 4]).call(x).shape).toEqual([2, 3, 12, 9]);
    expect(vals(new ReplicationPad2d(2).call(x))).toEqual(vals(F.pad(x, [2, 2, 2, 2], 'replicate')));
    expect(new ZeroPad2d(1).padding).toEqual([1, 1, 1, 1]);
    expect(String(new ConstantPad2d([1, 2, 3, 4], 0.5))).toContain('padding=[1, 2, 3, 4], value=0.5');
  });
  test('gradients flow to the input', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    // [1, 1, 1, 2, 3, 3, 3]: each border value is used three times
    (new ReplicationPad1d(2).call(x.reshape([1, 3])) as Tensor).sum().backward();
    expect(vals(x.grad)).toEqual([3, 1, 3]);
  });
  test('errors', () => {
    expect(() => new ReflectionPad2d([1, 2])).toThrow(/ReflectionPad2d: padding must be an integer or a list of 4 integers \(\[left, right, top, bottom\]\), got \[1, 2\]/);
    expect(() => new ReflectionPad1d(1.5)).toThrow(/ReflectionPad1d: padding must be an integer or a list of 2 integers/);
    expect(() => new ReflectionPad2d(1).call(randn([3, 3]))).toThrow(/ReflectionPad2d: expected a 3-D or 4-D input, got shape \[3, 3\]/);
    expect(() => new ReflectionPad1d(3).call(row)).toThrow(/pad: reflect padding \(3, 3\) of dim 2 must be smaller than its size 3/);
  });
});
