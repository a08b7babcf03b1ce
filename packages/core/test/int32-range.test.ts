/**
 * Issue 16: a whole number beyond int32 never wraps around. JS numbers infer the default float dtype, so
 * they only meet int32 where it was asked for (explicit dtype, PyTorch's integer rules for arange and
 * randint) or comes from an int32 tensor; each of those entry points refuses the value, naming it.
 */
import { tensor, full, fullLike, zeros, arange, linspace, randint, where, pad, cumsum, cumprod, Generator } from '@tapegrad/core';
import { expectThrowMessage } from './helpers/approx';

const int = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('inferred dtypes hold big whole numbers exactly (default float), never int32', () => {
  test('tensor, full, fullLike of a float tensor, linspace', () => {
    // the example: full([2], 3e9).toArray() was [-1294967296, -1294967296]
    expect(full([2], 3e9).toArray()).toEqual([3e9, 3e9]);
    expect(tensor([3e9, -3e9]).toArray()).toEqual([3e9, -3e9]);
    expect(fullLike(zeros([2]), 3e9).toArray()).toEqual([3e9, 3e9]);
    expect(linspace(0, 3e9, 2).toArray()).toEqual([0, 3e9]);
    expect(full([1], 2 ** 40, { dtype: 'float64' }).item()).toBe(2 ** 40);
  });
});

describe('int32 destinations refuse out-of-range numbers', () => {
  test('explicit dtype int32: tensor, full, fullLike of an int32 tensor, arange', () => {
    expectThrowMessage(() => tensor([3e9], { dtype: 'int32' }), 'tensor', '3000000000', 'int32');
    expectThrowMessage(() => full([2], 3e9, { dtype: 'int32' }), 'full', '3000000000', 'int32');
    expectThrowMessage(() => full([2], -2147483649, { dtype: 'int32' }), 'full', '-2147483649');
    expectThrowMessage(() => fullLike(int([1]), 3e9), 'fullLike', '3000000000', 'int32');
    expectThrowMessage(() => full([1], Infinity, { dtype: 'int32' }), 'full', 'Infinity', 'int32');
    expect(full([1], 2147483647, { dtype: 'int32' }).item()).toBe(2147483647);
  });

  test('arange with integer arguments (int32, as PyTorch gives int64) checks its first and last values', () => {
    expectThrowMessage(() => arange(3e9, 3e9 + 2), 'arange', 'start', '3000000000');
    expectThrowMessage(() => arange(2147483640, 2147483650), 'arange', 'last value', '2147483649');
    expect(arange(2147483645, 2147483648).toArray()).toEqual([2147483645, 2147483646, 2147483647]);
    expect(arange(3e9, 3e9 + 2, 1, { dtype: 'float64' }).toArray()).toEqual([3e9, 3e9 + 1]);
  });

  test('randint bounds must fit int32 unless a float dtype is asked for', () => {
    expectThrowMessage(() => randint(0, 3e9, [2]), 'randint', 'int32', '2999999999');
    expectThrowMessage(() => randint(-3e9, 0, [2]), 'randint', 'low', '-3000000000');
    const r = randint(0, 3e9, [4], { dtype: 'float64', generator: new Generator(1) });
    for (const v of r.toArray() as number[]) expect(v >= 0 && v < 3e9 && Number.isInteger(v)).toBe(true);
    expect(randint(2147483646, 2147483648, [3]).dtype).toBe('int32');
  });

  test('a number meeting an int32 tensor (weak scalar: the result stays int32) must fit', () => {
    expectThrowMessage(() => int([1, 2]).add(3e9), 'add', '3000000000', 'int32');
    expectThrowMessage(() => int([1, 2]).mul(-3e9), 'mul', '-3000000000', 'int32');
    expectThrowMessage(() => int([1, 2]).sub(2 ** 31), 'sub', '2147483648');
    // a result that is float or bool is computed exactly, so there is nothing to refuse
    expect(int([1, 2]).add(3.5e9 + 0.5).dtype).toBe('float32');
    expect(int([1, 2]).lt(3e9).toArray()).toEqual([true, true]);
    expect(int([1]).add(2147483646).item()).toBe(2147483647);
  });

  test('fill_, copy_, maskedFill, where on int32 tensors', () => {
    expectThrowMessage(() => int([1, 2]).fill_(3e9), 'fill_', '3000000000', 'int32');
    expectThrowMessage(() => int([1, 2]).copy_(3e9), 'copy_', '3000000000', 'int32');
    expectThrowMessage(() => int([1, 2]).maskedFill(tensor([true, false]), 3e9), 'maskedFill', '3000000000');
    expectThrowMessage(() => where(tensor([true, false]), int([1, 2]), 3e9), 'where', '3000000000', 'int32');
    expectThrowMessage(() => where(tensor([true]), 3e9, 1), 'where', '3000000000');
    expect(where(tensor([true, false]), int([1, 2]), 7).toArray()).toEqual([1, 7]);
  });

  test('linspace with dtype int32, constant pad of an int32 tensor, int32 cumsum/cumprod that leave int32', () => {
    expectThrowMessage(() => linspace(0, 3e9, 3, { dtype: 'int32' }), 'linspace', 'end', '3000000000');
    expect(linspace(0, 10, 3, { dtype: 'int32' }).toArray()).toEqual([0, 5, 10]);
    expectThrowMessage(() => pad(int([1, 2]), [1, 1], 'constant', 3e9), 'pad', 'fill value', '3000000000');
    expect(pad(int([1, 2]), [1, 0], 'constant', 7).toArray()).toEqual([7, 1, 2]);
    expectThrowMessage(() => cumsum(int([2e9, 2e9]), 0), 'cumsum', '4000000000', 'int32');
    expectThrowMessage(() => cumprod(arange(1, 21), 0), 'cumprod', 'int32');
    expect(cumsum(int([1, 2, 3]), 0).toArray()).toEqual([1, 3, 6]);
  });

  test('int32 arithmetic that overflows wraps, as PyTorch int64 does at 2^63 (documented)', () => {
    expect(int([2147483647]).add(int([1])).item()).toBe(-2147483648);
  });
});
