/** nn.functional's conv family: the same values as core's ops, and the layer-style input errors. */
import { tensor, randn, conv2d as coreConv2d, Generator, Tensor } from '@tapegrad/core';
import { F } from '@tapegrad/nn';

const vals = (t: Tensor): number[] => Array.from(t.dataSync());

describe('F.conv1d, conv2d, convTranspose1d/2d, unfold, fold, pad', () => {
  const g = new Generator(21);
  const x = randn([2, 4, 6, 6], { generator: g, dtype: 'float64' });
  test('F.conv2d is core conv2d; bias defaults to none', () => {
    const w = randn([6, 2, 3, 3], { generator: g, dtype: 'float64' });
    expect(vals(F.conv2d(x, w, null, { groups: 2, padding: 1 }))).toEqual(vals(coreConv2d(x, w, null, { groups: 2, padding: 1 })));
    expect(vals(F.conv2d(x, w, undefined, { groups: 2 }))).toEqual(vals(coreConv2d(x, w, null, { groups: 2 })));
    const b = randn([6], { generator: g, dtype: 'float64' });
    // the bias adds per output channel
    expect(vals(F.conv2d(x, w, b, { groups: 2 }).sub(F.conv2d(x, w, null, { groups: 2 })).select(1, 3).sub(b.select(0, 3)).abs().amax())[0]).toBeLessThan(1e-12);
  });
  test('shapes of every op', () => {
    expect(F.conv1d(randn([2, 3, 10]), randn([4, 3, 3]), null, { stride: 2, padding: 1 }).shape).toEqual([2, 4, 5]);
    expect(F.convTranspose1d(randn([2, 3, 6]), randn([3, 2, 3]), null, { stride: 2 }).shape).toEqual([2, 2, 13]);
    expect(F.convTranspose2d(randn([1, 4, 4, 4]), randn([4, 3, 3, 3]), randn([3]), { stride: 2, padding: 1, outputPadding: 1 }).shape).toEqual([1, 3, 8, 8]);
    expect(F.unfold(randn([2, 3, 5, 5]), 3, { padding: 1 }).shape).toEqual([2, 27, 25]);
    expect(F.fold(randn([2, 12, 12]), [4, 5], 2).shape).toEqual([2, 3, 4, 5]);
    expect(F.pad(randn([1, 3, 8, 8]), [1, 1, 2, 2], 'reflect').shape).toEqual([1, 3, 12, 10]);
  });
  test('integer input gets the hint to convert', () => {
    const xi = tensor([[[1, 2, 3]]], { dtype: 'int32' });
    expect(() => F.conv1d(xi, randn([1, 1, 2]))).toThrow(/conv1d: expected a floating point input, got int32 \(convert it with \.float\(\)/);
    expect(() => F.unfold(tensor([[[[1]]]], { dtype: 'int32' }), 1)).toThrow(/unfold: expected a floating point input, got int32/);
  });
});
