/**
 * PyTorch's type promotion. Every expectation below was printed by PyTorch 1.13
 * (`/usr/bin/python3 -c "import torch; print((a + b).dtype)"` for the same operands), with int64 -> int32
 * (tapegrad's integer dtype) and JS integer literals standing for Python ints.
 */
import { Tensor, tensor, promoteTypes, getDefaultDtype, setDefaultDtype, isFloating, where, cat, DType } from '@tapegrad/core';

const t = (dtype: DType): Tensor => tensor([1], { dtype });
const z = (v: number | boolean, dtype: DType): Tensor => tensor(v, { dtype });

describe('type promotion (torch.result_type)', () => {
  test.each([
    // dimensioned tensors of different dtypes
    ['bool + bool', t('bool').add(t('bool')), 'bool'],
    ['bool + int32', t('bool').add(t('int32')), 'int32'],
    ['int32 + float32', t('int32').add(t('float32')), 'float32'],
    ['float32 + float64 (tensors)', t('float32').add(t('float64')), 'float64'],
    // with JS numbers (Python scalars)
    ['int32 tensor + 2.5', t('int32').add(2.5), 'float32'],
    ['bool tensor * 2.5', t('bool').mul(2.5), 'float32'],
    ['bool tensor + 1', t('bool').add(1), 'int32'],
    ['int32 tensor * true', t('int32').mul(true), 'int32'],
    ['float64 tensor * 2.5', t('float64').mul(2.5), 'float64'],
    ['float32 0-d * 0.5', z(1.5, 'float32').mul(0.5), 'float32'],
    ['int32 0-d + 2.5', z(1, 'int32').add(2.5), 'float32'],
    ['float64 0-d * 2.5', z(2, 'float64').mul(2.5), 'float64'],
    // dimensioned tensor with a 0-d tensor
    ['int32 tensor + float64 0-d', t('int32').add(z(2.5, 'float64')), 'float64'],
    ['float32 tensor + float64 0-d', t('float32').add(z(2.5, 'float64')), 'float32'],
    ['float32 tensor + int32 0-d', t('float32').add(z(1, 'int32')), 'float32'],
    ['int32 tensor + bool 0-d', t('int32').add(z(true, 'bool')), 'int32'],
    ['bool tensor + int32 0-d', t('bool').add(z(2, 'int32')), 'int32'],
    ['bool tensor + float64 0-d', t('bool').add(z(2.5, 'float64')), 'float64'],
    ['bool 0-d + float32 tensor', z(true, 'bool').add(t('float32')), 'float32'],
    // two 0-d tensors
    ['int32 0-d + float64 0-d', z(2, 'int32').add(z(3.5, 'float64')), 'float64'],
    // division of integers is true division into the default float dtype
    ['int32 / int32', t('int32').div(t('int32')), 'float32'],
    ['int32 / 2', t('int32').div(2), 'float32'],
    // comparisons are bool whatever the operands
    ['float64 < int32', t('float64').lt(t('int32')), 'bool'],
    ['int32 == 2.5', t('int32').eq(2.5), 'bool'],
    // where and cat promote like binary ops
    ['where(c, int32 tensor, 2.5)', where(t('bool'), t('int32'), 2.5), 'float32'],
    ['cat([int32, float32])', cat([t('int32'), t('float32')]), 'float32'],
  ] as [string, Tensor, DType][])('%s -> %s', (_name, result, dtype) => {
    expect(result.dtype).toBe(dtype);
  });

  test('promoteTypes itself, with the three tiers (tensor, 0-d tensor, JS number)', () => {
    expect(promoteTypes('int32', false, 'float64', true)).toBe('float64');
    expect(promoteTypes('int32', false, 'float64', 'number')).toBe('float32');
    expect(promoteTypes('float32', true, 'float64', 'number')).toBe('float32');
    expect(promoteTypes('int32', true, 'int32', 'number')).toBe('int32');
    expect(promoteTypes('bool', 'number', 'bool', 'number')).toBe('bool');
    expect(promoteTypes('float64', false, 'float32', false)).toBe('float64');
  });

  test('values survive promotion: int32 + 2.5, and a float64 0-d added to int32 keeps its precision', () => {
    expect(tensor([1, 2], { dtype: 'int32' }).add(2.5).toArray()).toEqual([3.5, 4.5]);
    expect(tensor([1], { dtype: 'int32' }).add(tensor(0.1, { dtype: 'float64' })).item()).toBe(1.1);
  });

  test('setDefaultDtype changes what floats become (and is restored)', () => {
    expect(getDefaultDtype()).toBe('float32');
    try {
      setDefaultDtype('float64');
      expect(tensor([1.5]).dtype).toBe('float64');
      expect(t('int32').add(2.5).dtype).toBe('float64');
      expect(t('int32').div(t('int32')).dtype).toBe('float64');
    } finally {
      setDefaultDtype('float32');
    }
    expect(tensor([1.5]).dtype).toBe('float32');
    expect(() => setDefaultDtype('int32' as 'float32')).toThrow(/setDefaultDtype/);
  });

  test('isFloating', () => {
    expect(['float32', 'float64', 'int32', 'bool'].map((d) => isFloating(d as DType))).toEqual([true, true, false, false]);
  });
});

describe('dtype conversion', () => {
  test('to() truncates toward zero into int32 and maps non-zero to true for bool', () => {
    const x = tensor([-1.7, -0.2, 0, 0.5, 2.9]);
    expect(x.to('int32').toArray()).toEqual([-1, 0, 0, 0, 2]);
    expect(x.to('bool').toArray()).toEqual([true, true, false, true, true]);
    expect(tensor([true, false]).to('float32').toArray()).toEqual([1, 0]);
    expect(x.int().dtype).toBe('int32');
    expect(x.double().dtype).toBe('float64');
    expect(tensor([1], { dtype: 'int32' }).float().dtype).toBe('float32');
    expect(x.bool().dtype).toBe('bool');
  });
  test('float64 -> float32 rounds to the nearest float32', () => {
    expect(tensor([0.1], { dtype: 'float64' }).float().item()).toBe(Math.fround(0.1));
  });
  test('to() the same dtype returns the tensor itself; gradients flow between float dtypes only', () => {
    const x = tensor([1.5], { dtype: 'float64', requiresGrad: true });
    expect(x.to('float64')).toBe(x);
    const y = x.float();
    expect(y.requiresGrad).toBe(true);
    y.mul(2).sum().backward();
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.item()).toBe(2);
    expect(x.int().requiresGrad).toBe(false);
  });
  test('an unknown dtype is rejected, naming it', () => {
    expect(() => tensor([1], { dtype: 'int32' }).to('int64' as DType)).toThrow(/unknown dtype 'int64'/);
  });
});
