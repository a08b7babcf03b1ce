/** nn.ConstantPad3d, nn.ReflectionPad3d, nn.ReplicationPad3d against PyTorch 1.13 (fixtures/pytorch/nnmore7.json), repr and errors. */
import { randn, gradcheck } from '@tapegrad/core';
import { ConstantPad3d, ReflectionPad3d, ReplicationPad3d } from '@tapegrad/nn';
import { checkCases } from './nnmore7.ref';

describe('3-d padding layers', () => {
  describe('ConstantPad3d', () => checkCases('ConstantPad3d'));
  describe('ReflectionPad3d', () => checkCases('ReflectionPad3d'));
  describe('ReplicationPad3d', () => checkCases('ReplicationPad3d'));
  test('one number pads all six sides; repr; constant pads any input with 3 or more dims', () => {
    expect(new ConstantPad3d(1, 0.5).padding).toEqual([1, 1, 1, 1, 1, 1]);
    expect(String(new ConstantPad3d(1, 0.5))).toBe('ConstantPad3d(padding=[1, 1, 1, 1, 1, 1], value=0.5)');
    expect(String(new ReflectionPad3d([1, 0, 2, 0, 1, 1]))).toBe('ReflectionPad3d(padding=[1, 0, 2, 0, 1, 1])');
    expect(new ConstantPad3d(1, 0).call(randn([3, 3, 3])).shape).toEqual([5, 5, 5]);
    expect(new ReplicationPad3d([1, 0, 0, 2, 1, 1]).call(randn([2, 2, 2, 2])).shape).toEqual([2, 4, 4, 3]);
    expect(Object.keys(new ReflectionPad3d(1).stateDict())).toEqual([]);
  });
  test('errors', () => {
    expect(() => new ReflectionPad3d([1, 1, 1, 1])).toThrow(/ReflectionPad3d: padding must be an integer or a list of 6 integers \(\[left, right, top, bottom, front, back\]\), got \[1, 1, 1, 1\]/);
    expect(() => new ReplicationPad3d(1.5)).toThrow(/ReplicationPad3d: padding must be an integer/);
    expect(() => new ReflectionPad3d(1).call(randn([2, 3, 3]))).toThrow(/ReflectionPad3d: expected a 4-D or 5-D input, got shape \[2, 3, 3\]/);
    expect(() => new ReplicationPad3d(1).call(randn([1, 1, 1, 2, 2, 2]))).toThrow(/ReplicationPad3d: expected a 4-D or 5-D input/);
    expect(() => new ReflectionPad3d(3).call(randn([1, 2, 3, 3, 3]))).toThrow(/reflect padding \(3, 3\) of dim 4 must be smaller than its size 3/);
    expect(() => new ConstantPad3d(1, 0).call(randn([2, 3]))).toThrow(/pad: 6 amounts .* pad 3 dims, but the input has only 2/);
  });
  test('gradcheck in float64', () => {
    gradcheck((t) => new ReflectionPad3d([1, 0, 1, 1, 0, 1]).call(t), [randn([1, 2, 2, 3], { dtype: 'float64', requiresGrad: true })]);
    gradcheck((t) => new ReplicationPad3d(1).call(t), [randn([1, 1, 2, 2, 2], { dtype: 'float64', requiresGrad: true })]);
  });
});
