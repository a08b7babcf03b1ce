/** pad: PyTorch 1.13 references (fixtures/pytorch/conv.json), hand-computed cases of each mode, and the errors. */
import { Tensor, tensor, randn, pad } from '@tapegrad/core';
import { refCases, checkRef } from './conv-fixtures';

const f64 = (v: number[], shape: number[]): Tensor => tensor(Float64Array.from(v), { dtype: 'float64' }).reshape(shape);
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const padCases = refCases.filter((c) => c.op === 'pad');

describe('against PyTorch 1.13 (fixtures/pytorch/conv.json)', () => {
  test('every mode is covered', () => {
    expect(new Set(padCases.map((c) => c.args.mode))).toEqual(new Set(['constant', 'reflect', 'replicate', 'circular']));
  });
  test.each(padCases.map((c) => [c.name, c] as const))('%s: float64 and float32', (_n, c) => {
    const e = checkRef(c, 'float64');
    expect(e.out).toBe(0); // padding only moves values
    expect(e.grad).toBeLessThan(1e-14);
    expect(checkRef(c, 'float32').grad).toBeLessThan(1e-6);
  });
});

describe('hand-computed', () => {
  const row = f64([1, 2, 3], [1, 1, 3]);
  test('reflect, replicate, circular and constant on [1, 2, 3]', () => {
    expect(vals(pad(row, [2, 1], 'reflect'))).toEqual([3, 2, 1, 2, 3, 2]);
    expect(vals(pad(row, [2, 1], 'replicate'))).toEqual([1, 1, 1, 2, 3, 3]);
    expect(vals(pad(row, [2, 1], 'circular'))).toEqual([2, 3, 1, 2, 3, 1]);
    expect(vals(pad(row, [2, 1], 'constant', 9))).toEqual([9, 9, 1, 2, 3, 9]);
    expect(vals(pad(row, [1, 0], { mode: 'constant', value: -1 }))).toEqual([-1, 1, 2, 3]);
  });
  test('amounts are last dim first; negative constant amounts crop', () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    // [left, right, top, bottom]
    expect(vals(pad(x, [0, 1, 1, 0]))).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
    expect(pad(x, [0, 1, 1, 0]).shape).toEqual([3, 3]);
    expect(vals(pad(x, [-1, 0]))).toEqual([2, 4]);
  });
  test('the gradient of reflect padding adds the reflected copies back', () => {
    const x = f64([1, 2, 3], [1, 3]).requiresGrad_(true);
    pad(x, [2, 2], 'reflect').sum().backward();
    // output [3, 2, 1, 2, 3, 2, 1]: x0 appears twice, x1 three times, x2 twice
    expect(vals(x.grad!)).toEqual([2, 3, 2]);
  });
  test('int32 and float32 keep their dtype; no padding is a copy', () => {
    expect(pad(tensor([1, 2], { dtype: 'int32' }), [1, 1]).dtype).toBe('int32');
    expect(vals(pad(tensor([1, 2], { dtype: 'int32' }), [1, 1], 'constant', 7))).toEqual([7, 1, 2, 7]);
    const x = randn([2, 3]);
    const y = pad(x, [0, 0]);
    expect(y).not.toBe(x);
    expect(vals(y)).toEqual(vals(x));
  });
});

describe('errors', () => {
  test.each([
    ['reflect as wide as the dim', () => pad(randn([1, 2, 3]), [3, 1], 'reflect'), /pad: reflect padding \(3, 1\) of dim 2 must be smaller than its size 3 \(input shape \[1, 2, 3\]\)/],
    ['circular wrapping twice', () => pad(randn([1, 2, 3]), [4, 0], 'circular'), /pad: circular padding \(4, 0\) of dim 2 must be at most its size 3/],
    ['circular unbatched', () => pad(randn([2, 3]), [1, 1], 'circular'), /pad: mode 'circular' pads a batched input: 2 amounts need a 3-D \[N, C, ...\] input, got shape \[2, 3\]/],
    ['unknown mode', () => pad(randn([2, 3]), [1, 1], 'wrap' as 'reflect'), /pad: unknown padding mode 'wrap'; expected one of 'constant', 'reflect', 'replicate', 'circular'/],
    ['odd number of amounts', () => pad(randn([2, 3]), [1, 1, 1]), /pad: pad must be a list of an even number of integers/],
    ['non-integer amount', () => pad(randn([2, 3]), [1.5, 1]), /pad: pad must be a list of an even number of integers/],
    ['more dims than the input', () => pad(randn([3]), [1, 1, 1, 1]), /pad: 4 amounts \[1, 1, 1, 1\] pad 2 dims, but the input has only 1 \(shape \[3\]\)/],
    ['reflect of a 1-D input', () => pad(randn([3]), [1, 1], 'reflect'), /pad: mode 'reflect' pads the last 1, 2 or 3 dims of a 2-D or 3-D input \(2 amounts pad 1 dims\), got shape \[3\]/],
    ['a fill value with reflect', () => pad(randn([1, 3]), [1, 1], 'reflect', 2), /pad: a fill value \(2\) is only used by mode 'constant', not 'reflect'/],
    ['cropping more than the dim', () => pad(randn([2]), [-2, -1]), /pad: amounts \(-2, -1\) crop more than the 2 elements of dim 0/],
    ['unknown option', () => pad(randn([1, 3]), [1, 1], { mode: 'reflect', fill: 1 } as never), /pad: unknown option 'fill'.*expected one of mode, value/],
  ] as [string, () => unknown, RegExp][])('%s', (_n, f, re) => {
    expect(f).toThrow(re);
  });
});
