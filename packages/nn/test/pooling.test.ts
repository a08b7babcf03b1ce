/**
 * Pooling layers: each is its functional op with the constructor's options (checked against the op on
 * the same input), PyTorch's defaults (stride = kernelSize), returnIndices typing, MaxUnpool round
 * trips, a small CNN-style stack, printing and option errors. The op values themselves are checked
 * against PyTorch in packages/core/test/ops/pooling.test.ts and by the oracle.
 */
import { Tensor, randn, Generator, zeros } from '@tapegrad/core';
import {
  F, Sequential, Flatten, Linear, ReLU, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, MaxUnpool1d, MaxUnpool2d,
} from '@tapegrad/nn';
import { expectClose } from './helpers';

const g = new Generator(7);
const x4 = randn([2, 3, 7, 6], { generator: g, dtype: 'float64' });
const x3 = randn([2, 3, 9], { generator: g, dtype: 'float64' });
const same = (a: Tensor, b: Tensor): void => {
  expect(a.shape).toEqual(b.shape);
  expectClose(a, Array.from(b.dataSync()), 0);
};

describe('pooling layers', () => {
  it('equal their functional ops with the same options', () => {
    same(new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }).call(x4), F.maxPool2d(x4, 3, { stride: 2, padding: 1, ceilMode: true }));
    same(new MaxPool2d([2, 3], { dilation: [1, 2] }).call(x4), F.maxPool2d(x4, [2, 3], { dilation: [1, 2] }));
    same(new MaxPool1d(2, { stride: 1 }).call(x3), F.maxPool1d(x3, 2, { stride: 1 }));
    same(new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).call(x4), F.avgPool2d(x4, 3, { stride: 2, padding: 1, countIncludePad: false }));
    same(new AvgPool2d(2, { divisorOverride: 3 }).call(x4), F.avgPool2d(x4, 2, { divisorOverride: 3 }));
    same(new AvgPool1d(3, { ceilMode: true, stride: 2 }).call(x3), F.avgPool1d(x3, 3, { ceilMode: true, stride: 2 }));
    same(new AdaptiveAvgPool2d([null, 2]).call(x4), F.adaptiveAvgPool2d(x4, [null, 2]));
    same(new AdaptiveAvgPool1d(4).call(x3), F.adaptiveAvgPool1d(x3, 4));
    same(new AdaptiveMaxPool2d(3).call(x4), F.adaptiveMaxPool2d(x4, 3));
    same(new AdaptiveMaxPool1d(4).call(x3), F.adaptiveMaxPool1d(x3, 4));
  });

  it("PyTorch's defaults: stride is the kernel size; global average pooling", () => {
    const p = new MaxPool2d(2);
    expect(p.stride).toBe(2);
    expect(p.call(x4).shape).toEqual([2, 3, 3, 3]);
    expect(new AvgPool1d(4).call(x3).shape).toEqual([2, 3, 2]);
    expectClose(new AdaptiveAvgPool2d(1).call(x4).flatten(), Array.from(x4.mean([2, 3]).dataSync()), 1e-12);
    expect(new MaxPool2d(2).call(x4.select(0, 0)).shape).toEqual([3, 3, 3]); // unbatched
  });

  it('returnIndices: [values, indices] into MaxUnpool', () => {
    const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x4);
    expect(idx.dtype).toBe('int32');
    const u = new MaxUnpool2d(2).call(y, idx, [7, 6]);
    expect(u.shape).toEqual([2, 3, 7, 6]);
    same(u.flatten(2).gather(2, idx.flatten(2)).reshape(y.shape), y);
    expect(u.select(2, 6).abs().sum().item()).toBe(0); // the extra row of outputSize [7, 6] stays zero
    const [y1, i1] = new MaxPool1d(3, { returnIndices: true }).call(x3);
    same(new MaxUnpool1d(3).call(y1, i1).gather(2, i1), y1);
    const [ya, ia] = new AdaptiveMaxPool2d([2, 2], { returnIndices: true }).call(x4);
    same(x4.flatten(2).gather(2, ia.flatten(2)).reshape(ya.shape), ya);
  });

  it('train a LeNet-like stack: the gradient flows through pooling', () => {
    const net = new Sequential(new MaxPool2d(2), new ReLU(), new AvgPool2d(1), new Flatten(), new Linear(27, 2, { dtype: 'float64' }));
    const x = x4.clone().requiresGrad_();
    (net.call(x) as Tensor).sum().backward();
    expect(x.grad!.shape).toEqual(x4.shape);
    // Max pooling sends each window's gradient to one position: at most 9 non-zeros per plane.
    expect(x.grad!.ne(0).sum().item()).toBeLessThanOrEqual(2 * 3 * 9);
    expect(x.grad!.ne(0).sum().item()).toBeGreaterThan(0);
  });

  it('printing and option errors', () => {
    expect(new MaxPool2d(3, { stride: 2 }).toString()).toBe('MaxPool2d(kernelSize=3, stride=2, padding=0, dilation=1, ceilMode=false)');
    expect(new AdaptiveAvgPool2d([null, 7]).toString()).toBe('AdaptiveAvgPool2d(outputSize=[null, 7])');
    expect(new Sequential(new AvgPool2d([2, 3])).toString()).toContain('AvgPool2d(kernelSize=[2, 3], stride=[2, 3], padding=0)');
    expect(() => new MaxPool2d(2, { ceil_mode: true } as never)).toThrow(/MaxPool2d: unknown option 'ceil_mode'.*expected one of stride, padding, dilation, returnIndices, ceilMode/);
    expect(() => new AvgPool1d(2, { divisorOverride: 2 } as never)).toThrow(/AvgPool1d: unknown option 'divisorOverride'/);
    expect(() => new AdaptiveMaxPool2d(2, { return_indices: true } as never)).toThrow(/unknown option 'return_indices'/);
    expect(() => new MaxPool2d(4).call(zeros([1, 1, 3, 3]))).toThrow(/maxPool2d: the kernel \[4, 4\].*larger than the padded input \[3, 3\]/);
    expect(() => new MaxPool2d(2).call(zeros([3, 3]))).toThrow(/maxPool2d: expected a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input, got 2-D/);
  });
});
