/** Upsample (and its 2-d nearest/bilinear forms), PixelShuffle/PixelUnshuffle: layers over F.interpolate / F.pixelShuffle. */
import { Tensor, randn, Generator, zeros, arange } from '@tapegrad/core';
import { F, Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle } from '@tapegrad/nn';
import { expectClose } from './helpers';

const x = randn([2, 3, 4, 5], { generator: new Generator(3), dtype: 'float64' });
const same = (a: Tensor, b: Tensor): void => {
  expect(a.shape).toEqual(b.shape);
  expectClose(a, Array.from(b.dataSync()), 0);
};

describe('Upsample', () => {
  it('is F.interpolate with its options', () => {
    same(new Upsample({ scaleFactor: 2 }).call(x), F.interpolate(x, { scaleFactor: 2 }));
    same(new Upsample({ size: [6, 7], mode: 'bilinear', alignCorners: true }).call(x), F.interpolate(x, { size: [6, 7], mode: 'bilinear', alignCorners: true }));
    same(new UpsamplingNearest2d({ size: 8 }).call(x), F.interpolate(x, { size: 8 }));
    same(new UpsamplingBilinear2d({ scaleFactor: 2 }).call(x), F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }));
  });
  it('nearest ×2 repeats each pixel in a 2×2 block', () => {
    const y = new Upsample({ scaleFactor: 2 }).call(arange(0, 4, 1, { dtype: 'float32' }).reshape([1, 1, 2, 2]));
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
  });
  it('printing and errors', () => {
    expect(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).toString()).toBe("Upsample(scaleFactor=2, mode='bilinear')");
    expect(() => new Upsample({ scale_factor: 2 } as never)).toThrow(/Upsample: unknown option 'scale_factor'/);
    expect(() => new Upsample({ size: 4, scaleFactor: 2 }).call(x)).toThrow(/interpolate: only one of size or scaleFactor should be defined/);
    expect(() => new Upsample().call(x)).toThrow('interpolate: either size or scaleFactor should be defined');
    expect(() => new UpsamplingBilinear2d({ mode: 'nearest' } as never)).toThrow(/UpsamplingBilinear2d: unknown option 'mode'/);
  });
});

describe('PixelShuffle / PixelUnshuffle', () => {
  it('are F.pixelShuffle / F.pixelUnshuffle and invert each other', () => {
    const z = randn([2, 8, 3, 2], { generator: new Generator(4) });
    const y = new PixelShuffle(2).call(z);
    same(y, F.pixelShuffle(z, 2));
    expect(y.shape).toEqual([2, 2, 6, 4]);
    same(new PixelUnshuffle({ downscaleFactor: 2 }).call(y), z);
    expect(new PixelShuffle({ upscaleFactor: 2 }).toString()).toBe('PixelShuffle(upscaleFactor=2)');
  });
  it('errors', () => {
    expect(() => new PixelShuffle(0)).toThrow('PixelShuffle: upscaleFactor must be a positive integer, got 0');
    expect(() => new PixelUnshuffle(1.5)).toThrow('PixelUnshuffle: downscaleFactor must be a positive integer, got 1.5');
    expect(() => new PixelShuffle(3).call(zeros([1, 8, 2, 2]))).toThrow(/pixelShuffle: expected the channel dim -3 \(size 8 of input \[1, 8, 2, 2\]\) to be divisible by upscaleFactor² = 9/);
  });
});
