/**
 * interpolate, pixelShuffle and pixelUnshuffle against PyTorch 1.13 (fixtures/pytorch/pooling-resample.json:
 * values and gradients, float64 and float32), plus the argument errors.
 */
import { Tensor, zeros, arange, interpolate, pixelShuffle, pixelUnshuffle, InterpolateOptions } from '@tapegrad/core';
import { expectClose } from '../helpers/approx';
import { torchCases, fromFlat, upstream } from '../helpers/pytorch-cases';

const RUN: Record<string, (x: Tensor, a: Record<string, unknown>) => Tensor> = {
  interpolate: (x, a) => interpolate(x, a as InterpolateOptions),
  pixelShuffle: (x, a) => pixelShuffle(x, a.factor as number),
  pixelUnshuffle: (x, a) => pixelUnshuffle(x, a.factor as number),
};
const cases = torchCases.filter((c) => c.op in RUN);

describe('resampling against PyTorch 1.13', () => {
  it('covers every mode', () => {
    const modes = new Set(cases.filter((c) => c.op === 'interpolate').map((c) => (c.args.mode as string) ?? 'nearest'));
    expect(modes).toEqual(new Set(['nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'area']));
  });
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 3e-6;
    test.each(cases.map((c) => [c.name, c] as const))(`${dtype}: %s`, (_n, c) => {
      const x = fromFlat(c.x, dtype).requiresGrad_();
      const y = RUN[c.op](x, c.args);
      expect(y.dtype).toBe(dtype);
      expect(y.shape).toEqual(c.out.shape);
      expectClose(y, fromFlat(c.out), tol, tol);
      y.mul(upstream(y.shape, dtype)).sum().backward();
      expectClose(x.grad!, fromFlat(c.grad), tol, tol);
    });
  }

  it('pixelUnshuffle undoes pixelShuffle, with leading batch dims', () => {
    const x = arange(0, 2 * 3 * 8 * 2 * 3, 1, { dtype: 'float32' }).reshape([2, 3, 8, 2, 3]);
    const y = pixelShuffle(x, 2);
    expect(y.shape).toEqual([2, 3, 2, 4, 6]);
    expect(Array.from(pixelUnshuffle(y, 2).dataSync())).toEqual(Array.from(x.dataSync()));
  });
});

describe('resampling errors', () => {
  const x4 = zeros([1, 2, 3, 4]);
  it('size and scaleFactor: both or neither', () => {
    expect(() => interpolate(x4, { size: [4, 4], scaleFactor: 2 })).toThrow('interpolate: only one of size or scaleFactor should be defined, got size 4,4 and scaleFactor 2');
    expect(() => interpolate(x4, {})).toThrow('interpolate: either size or scaleFactor should be defined');
    expect(() => interpolate(x4, { size: null, scaleFactor: null })).toThrow(/either size or scaleFactor/);
    expect(() => interpolate(x4, { size: 5, recomputeScaleFactor: true })).toThrow('interpolate: recomputeScaleFactor is not meaningful with an explicit size (5); it recomputes the scale from a scaleFactor');
    expect(interpolate(x4, { size: 5, recomputeScaleFactor: false }).shape).toEqual([1, 2, 5, 5]); // PyTorch refuses only true
  });
  it('sizes and scales: count, sign, integrality, empty output', () => {
    expect(() => interpolate(x4, { size: [5] })).toThrow('interpolate: input with spatial dims [3, 4] needs size with 2 element(s) (or one number), got [5]');
    expect(() => interpolate(x4, { size: [5, 0] })).toThrow('interpolate: size must contain positive integers, got [5, 0]');
    expect(() => interpolate(x4, { size: 2.5 })).toThrow(/size must contain positive integers/);
    expect(() => interpolate(x4, { scaleFactor: -1 })).toThrow(/scaleFactor must contain positive finite numbers, got \[-1, -1\]/);
    expect(() => interpolate(x4, { scaleFactor: 0.2 })).toThrow('interpolate: input spatial size [3, 4] with scaleFactor [0.2, 0.2] gives output size [0, 0]; sizes must be greater than 0');
  });
  it('modes: unknown, rank mismatch, alignCorners with nearest', () => {
    expect(() => interpolate(x4, { size: 2, mode: 'lanczos' as never })).toThrow("interpolate: unknown mode 'lanczos'; expected one of nearest | nearest-exact | linear | bilinear | bicubic | trilinear | area");
    expect(() => interpolate(x4, { size: 2, mode: 'linear' })).toThrow('interpolate: got 4-D input of shape [1, 2, 3, 4], but linear mode needs 3-D input');
    expect(() => interpolate(zeros([2, 3, 4]), { size: 2, mode: 'bilinear' })).toThrow(/but bilinear mode needs 4-D input/);
    expect(() => interpolate(x4, { size: 2, alignCorners: true })).toThrow("interpolate: alignCorners can only be set with the interpolating modes linear | bilinear | bicubic | trilinear, got mode 'nearest'");
    expect(() => interpolate(x4, { size: 2, mode: 'area', alignCorners: false })).toThrow(/alignCorners can only be set/);
    expect(() => interpolate(zeros([3, 4]), { size: 2 })).toThrow('interpolate: expected a 3-D, 4-D or 5-D input [N, C, d1, …] (batch and channel dims first), got 2-D input of shape [3, 4]');
    expect(() => interpolate(x4, { size: 2, align_corners: true } as never)).toThrow(/unknown option 'align_corners'/);
    expect(() => interpolate(zeros([1, 1, 2], { dtype: 'int32' }), { size: 4 })).toThrow('interpolate: expected a floating point input, got int32');
  });
  it('pixelShuffle / pixelUnshuffle', () => {
    expect(() => pixelShuffle(zeros([5, 2, 2]), 2)).toThrow('pixelShuffle: expected the channel dim -3 (size 5 of input [5, 2, 2]) to be divisible by upscaleFactor² = 4');
    expect(() => pixelShuffle(zeros([4, 2]), 2)).toThrow('pixelShuffle: expected an input of at least 3 dims [*, C, H, W], got 2-D input of shape [4, 2]');
    expect(() => pixelShuffle(zeros([4, 2, 2]), 0)).toThrow('pixelShuffle: upscaleFactor must be a positive integer, got 0');
    expect(() => pixelUnshuffle(zeros([1, 4, 6]), 4)).toThrow('pixelUnshuffle: expected the spatial sizes [4, 6] of input [1, 4, 6] to be divisible by downscaleFactor 4');
  });
});
