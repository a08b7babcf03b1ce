/**
 * Every creation function: shape, dtype and values. Values marked "torch" were printed by PyTorch 1.13
 * with the same arguments (int64 there is int32 here).
 */
import {
  tensor, zeros, ones, full, empty, zerosLike, onesLike, fullLike, arange, linspace, eye, setDefaultDtype,
} from '@tapegrad/core';
import { expectThrowMessage } from './helpers/approx';

describe('tensor()', () => {
  test('JS numbers give the default float dtype whatever their values; booleans give bool', () => {
    // JavaScript cannot tell 1.0 from 1, so the dtype never depends on the values (PyTorch: int64 for 1, float for 1.0).
    const i = tensor([[1, 2], [3, 4]]);
    expect(i.dtype).toBe('float32');
    expect(i.shape).toEqual([2, 2]);
    expect(i.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([1.5, 2]).dtype).toBe('float32');
    expect(tensor([1.0, 2.0]).fill_(0.5).toArray()).toEqual([0.5, 0.5]); // the example: no silent [0, 0]
    expect(tensor([1, 2]).mean().item()).toBe(1.5);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(tensor([true, 2]).dtype).toBe('float32');
    setDefaultDtype('float64');
    try {
      expect(tensor([1, 2]).dtype).toBe('float64');
    } finally {
      setDefaultDtype('float32');
    }
  });

  test('integer tensors come from an explicit dtype, integer typed arrays and index-producing ops', () => {
    const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expect([i.dtype, i.toArray()]).toEqual(['int32', [[1, 2], [3, 4]]]);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([3, 1, 2]).argmax().dtype).toBe('int32');
    expect(arange(3).dtype).toBe('int32');
    // weak scalars: an int32 tensor plus a whole number stays int32, plus a fraction becomes float
    expect(i.add(1).dtype).toBe('int32');
    expect(i.add(0.5).dtype).toBe('float32');
  });

  test('scalars give 0-d tensors', () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.numel()).toBe(1);
    expect(s.item()).toBe(3.5);
    expect(tensor(true).dtype).toBe('bool');
    expect(tensor(7).dtype).toBe('float32');
    expect(tensor(7, { dtype: 'int32' }).dtype).toBe('int32');
  });

  test('empty nested arrays (torch.tensor([]) is float32 [0]; [[]] is [1, 0])', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([]).dtype).toBe('float32');
    expect(tensor([[]]).shape).toEqual([1, 0]);
    expect(tensor([[], []]).toArray()).toEqual([[], []]);
  });

  test('an explicit dtype converts the values', () => {
    expect(tensor([1.7, -1.7], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor([1, 0, 2], { dtype: 'bool' }).toArray()).toEqual([true, false, true]);
    expect(tensor([0.1], { dtype: 'float64' }).item()).toBe(0.1);
    expect(tensor([0.1]).item()).toBe(Math.fround(0.1));
  });

  test('typed arrays keep their dtype, are 1-D, and are copied', () => {
    const src = new Float64Array([1, 2, 3]);
    const t = tensor(src);
    expect(t.dtype).toBe('float64');
    expect(t.shape).toEqual([3]);
    src[0] = 99;
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(tensor(new Int32Array([4, 5])).dtype).toBe('int32');
    expect(tensor(new Uint8Array([1, 0])).dtype).toBe('bool');
    expect(tensor(new Float32Array([0.5])).dtype).toBe('float32');
    expect(tensor(new Int32Array([1, 2]), { dtype: 'float64' }).toArray()).toEqual([1, 2]);
    expectThrowMessage(() => tensor(new Int16Array([1]) as unknown as Float32Array), 'tensor', 'unsupported typed array');
  });

  test('from another tensor: a copy, with an optional new dtype', () => {
    const a = tensor([1, 2]);
    const b = tensor(a, { dtype: 'float64' });
    expect(b.dtype).toBe('float64');
    expect(b._storage).not.toBe(a._storage);
    expect(b.toArray()).toEqual([1, 2]);
  });

  test('ragged nested arrays are rejected with the depth and expected shape', () => {
    expectThrowMessage(() => tensor([[1, 2], [3]]), 'tensor', 'ragged', 'expected length 2 at depth 1', '[2, 2]');
    expectThrowMessage(() => tensor([1, [2]] as unknown as number[]), 'tensor', 'ragged');
    expectThrowMessage(() => tensor([[1], 2] as unknown as number[][]), 'tensor', 'ragged', 'a scalar');
    expectThrowMessage(() => tensor(['a'] as unknown as number[]), 'tensor', 'expected numbers or booleans', 'string');
  });

  test('whole numbers beyond int32 are floats by default and an error as int32, never wrapped', () => {
    expect(tensor([1, 3e9]).toArray()).toEqual([1, 3e9]);
    expect(tensor([3e9], { dtype: 'float64' }).item()).toBe(3e9);
    expectThrowMessage(() => tensor([1, 3e9], { dtype: 'int32' }), 'tensor', '3000000000', 'int32', 'wrap');
    expectThrowMessage(() => tensor([NaN], { dtype: 'int32' }), 'tensor', 'NaN', 'int32');
    expectThrowMessage(() => tensor(new Float64Array([-3e9]), { dtype: 'int32' }), 'tensor', '-3000000000', 'int32');
    expect(tensor([-2147483648, 2147483647], { dtype: 'int32' }).toArray()).toEqual([-2147483648, 2147483647]);
  });

  test('requiresGrad is only for floating point dtypes', () => {
    expect(tensor([1.5], { requiresGrad: true }).requiresGrad).toBe(true);
    expectThrowMessage(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true }), 'only tensors of floating point dtype can require gradients', 'int32');
  });

  test('requiresGrad on whole-number data works (JS writes 1.0 as 1)', () => {
    // the seeds' example: x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(x.dtype).toBe('float32');
    x.mul(tensor([4, 5, 6])).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([4, 5, 6]);
    expectThrowMessage(() => tensor(new Int32Array([1]), { requiresGrad: true }), 'floating point', 'int32');
  });
});

describe('constant fills', () => {
  test('zeros / ones / empty default to float32; shapes as arrays or a number', () => {
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(zeros([2, 3]).dtype).toBe('float32');
    expect(ones(3).toArray()).toEqual([1, 1, 1]);
    expect(ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(empty([2, 2]).shape).toEqual([2, 2]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).numel()).toBe(0);
    expect(ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  test('full gives the default float dtype for any number, bool for a boolean', () => {
    expect(full([2], 1).dtype).toBe('float32');
    expect(full([2], true).dtype).toBe('bool');
    expect(full([2], 1, { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2], 1.5).dtype).toBe('float32');
    expect(full([2, 1], -3.5).toArray()).toEqual([[-3.5], [-3.5]]);
    expect(full([1], 2, { dtype: 'float64' }).dtype).toBe('float64');
  });

  test('*Like copy shape and dtype', () => {
    const x = tensor([[1.5, 2.5, 3.5]], { dtype: 'float64' });
    expect(zerosLike(x).shape).toEqual([1, 3]);
    expect(zerosLike(x).dtype).toBe('float64');
    expect(onesLike(x).toArray()).toEqual([[1, 1, 1]]);
    expect(fullLike(x, 7).toArray()).toEqual([[7, 7, 7]]);
    expect(fullLike(x, 7, { dtype: 'int32' }).dtype).toBe('int32');
  });

  test('invalid shapes are rejected naming the size', () => {
    expectThrowMessage(() => zeros([2, -1]), 'invalid size -1', '[2, -1]');
    expectThrowMessage(() => ones([1.5]), 'invalid size 1.5');
  });
});

describe('ranges', () => {
  test('arange (torch.arange(5) -> [0..4] int64; arange(1, 2.5, 0.5) -> [1.0, 1.5, 2.0] float32)', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(1, 2.5, 0.5).toArray()).toEqual([1, 1.5, 2]);
    expect(arange(1, 2.5, 0.5).dtype).toBe('float32');
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0).shape).toEqual([0]);
    expect(arange(3, undefined, 1, { dtype: 'float64' }).dtype).toBe('float64');
    // torch.arange(0, 1, 0.3).tolist() -> [0.0, 0.30000001192092896, 0.6000000238418579, 0.8999999761581421]
    expect(arange(0, 1, 0.3).toArray()).toEqual([0, Math.fround(0.3), Math.fround(0.6), Math.fround(0.9)]);
    expectThrowMessage(() => arange(0, 5, 0), 'arange', 'step');
    expectThrowMessage(() => arange(5, 0, 1), 'arange', 'inconsistent');
  });

  test('linspace (torch.linspace(0,1,5) = [0, .25, .5, .75, 1]; linspace(-1,1,4) in float32)', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // torch.linspace(-1, 1, 4).tolist() -> [-1.0, -0.3333333134651184, 0.3333333134651184, 1.0]
    expect(linspace(-1, 1, 4).toArray()).toEqual([-1, -0.3333333134651184, 0.3333333134651184, 1]);
    // torch.linspace(0, 1, 7).tolist() (float32 arithmetic, filled from both ends)
    expect(linspace(0, 1, 7).toArray()).toEqual([0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1]);
    // torch.linspace(-1, 1, 4, dtype=torch.float64).tolist()
    expect(linspace(-1, 1, 4, { dtype: 'float64' }).toArray()).toEqual([-1, -0.33333333333333337, 0.33333333333333337, 1]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(linspace(2, 3, 0).shape).toEqual([0]);
    expectThrowMessage(() => linspace(0, 1, -1), 'linspace', 'steps');
  });

  test('eye (torch.eye(2, 3))', () => {
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(eye(3, 1, { dtype: 'int32' }).toArray()).toEqual([[1], [0], [0]]);
  });

  test('the default dtype applies to float creation', () => {
    try {
      setDefaultDtype('float64');
      expect(zeros([1]).dtype).toBe('float64');
      expect(linspace(0, 1, 2).dtype).toBe('float64');
      expect(eye(1).dtype).toBe('float64');
    } finally {
      setDefaultDtype('float32');
    }
  });
});
