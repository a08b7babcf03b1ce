/**
 * Pooling ops against PyTorch 1.13 (fixtures/pytorch/pooling-resample.json: values, indices and
 * gradients, float64 and float32), plus the error cases. gradcheck and gradgradcheck run on every
 * op through the OpInfo registry (opinfo.ts).
 */
import {
  Tensor, tensor, zeros, randn, Generator, grad,
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  maxUnpool1d, maxUnpool2d,
} from '@tapegrad/core';
import { expectClose } from '../helpers/approx';
import { torchCases, fromFlat, upstream, TorchCase } from '../helpers/pytorch-cases';

type Run = (x: Tensor, a: Record<string, unknown>, c: TorchCase) => Tensor | [Tensor, Tensor];
/* eslint-disable @typescript-eslint/no-explicit-any */
const RUN: Record<string, Run> = {
  maxPool1d: (x, { kernelSize, ...o }) => maxPool1d(x, kernelSize as number, { ...o, returnIndices: true }),
  maxPool2d: (x, { kernelSize, ...o }) => maxPool2d(x, kernelSize as number, { ...o, returnIndices: true }),
  avgPool1d: (x, { kernelSize, ...o }) => avgPool1d(x, kernelSize as number, o),
  avgPool2d: (x, { kernelSize, ...o }) => avgPool2d(x, kernelSize as number, o),
  adaptiveAvgPool1d: (x, a) => adaptiveAvgPool1d(x, a.outputSize as number),
  adaptiveAvgPool2d: (x, a) => adaptiveAvgPool2d(x, a.outputSize as number),
  adaptiveMaxPool1d: (x, a) => adaptiveMaxPool1d(x, a.outputSize as number, { returnIndices: true }),
  adaptiveMaxPool2d: (x, a) => adaptiveMaxPool2d(x, a.outputSize as number, { returnIndices: true }),
  maxUnpool2d: (x, { kernelSize, ...o }, c) => maxUnpool2d(x, fromFlat(c.indices!, 'int32'), kernelSize as number, o as any),
};
const cases = torchCases.filter((c) => c.op in RUN);

describe('pooling against PyTorch 1.13', () => {
  it('covers every pooling op', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(RUN)));
  });
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 2e-6;
    test.each(cases.map((c) => [c.name, c] as const))(`${dtype}: %s`, (_n, c) => {
      const x = fromFlat(c.x, dtype).requiresGrad_();
      const r = RUN[c.op](x, c.args, c);
      const y = Array.isArray(r) ? r[0] : r;
      expect(y.dtype).toBe(dtype);
      expectClose(y, fromFlat(c.out), tol, tol);
      expect(y.shape).toEqual(c.out.shape);
      if (Array.isArray(r) && c.op !== 'maxUnpool2d') {
        expect(r[1].dtype).toBe('int32');
        expect(Array.from(r[1].dataSync())).toEqual(c.indices!.data);
      }
      y.mul(upstream(y.shape, dtype)).sum().backward();
      expectClose(x.grad!, fromFlat(c.grad), tol, tol);
    });
  }
});

describe('pooling semantics', () => {
  const g = new Generator(5);
  it('batched and unbatched inputs agree, and strided views equal their copies', () => {
    const x = randn([2, 3, 6, 5], { generator: g, dtype: 'float64' });
    expectClose(maxPool2d(x.select(0, 1), 2), maxPool2d(x, 2).select(0, 1), 0, 0);
    expectClose(avgPool2d(x.select(0, 1), 3, { stride: 1 }), avgPool2d(x, 3, { stride: 1 }).select(0, 1), 0, 0);
    const t = x.transpose(2, 3);
    expectClose(maxPool2d(t, [2, 3]), maxPool2d(t.contiguous(), [2, 3]), 0, 0);
    expectClose(avgPool1d(x.flatten(2).transpose(1, 2), 2), avgPool1d(x.flatten(2).transpose(1, 2).contiguous(), 2), 0, 0);
  });

  it('max pooling propagates NaN and pads with -inf (not zeros)', () => {
    const x = tensor([[[-3, NaN, -1, -2]]], { dtype: 'float32' });
    expect(Array.from(maxPool1d(x, 2).dataSync())).toEqual([NaN, -1]);
    expect(Array.from(maxPool1d(tensor([[[-3, -4, -1]]], { dtype: 'float32' }), 2, { stride: 2, padding: 1 }).dataSync())).toEqual([-3, -1]);
  });

  it('avg pooling divisors: countIncludePad, divisorOverride', () => {
    const x = tensor([[[1, 2, 3, 4]]], { dtype: 'float64' });
    expect(Array.from(avgPool1d(x, 2, { stride: 2, padding: 1 }).dataSync())).toEqual([0.5, 2.5, 2]);
    expect(Array.from(avgPool1d(x, 2, { stride: 2, padding: 1, countIncludePad: false }).dataSync())).toEqual([1, 2.5, 4]);
    const x2 = x.reshape([1, 1, 2, 2]);
    expect(Array.from(avgPool2d(x2, 2, { divisorOverride: 2 }).dataSync())).toEqual([5]);
  });

  it('maxUnpool2d inverts maxPool2d at the maxima, unbatched too, and maxUnpool1d', () => {
    const x = randn([3, 4, 6], { generator: g, dtype: 'float64' });
    const [y, idx] = maxPool2d(x, 2, { returnIndices: true });
    const u = maxUnpool2d(y, idx, 2);
    expect(u.shape).toEqual([3, 4, 6]);
    expectClose(u.flatten(1).gather(1, idx.flatten(1)), y.flatten(1), 0, 0);
    expect(u.ne(0).sum().item()).toBe(3 * 2 * 3);
    expectClose(u.sum(), y.sum(), 1e-12, 0);
    const [y1, i1] = maxPool1d(x, 3, { returnIndices: true });
    expectClose(maxUnpool1d(y1, i1, 3).gather(2, i1), y1, 0, 0);
  });

  it('second derivatives: the gradient of max pooling is linear in the upstream, avg pooling`s too', () => {
    const x = randn([1, 1, 4, 4], { generator: g, dtype: 'float64' }).requiresGrad_();
    const v = randn([1, 1, 2, 2], { generator: g, dtype: 'float64' }).requiresGrad_();
    for (const f of [(t: Tensor) => maxPool2d(t, 2), (t: Tensor) => avgPool2d(t, 3, { stride: 1 })]) {
      const [gx] = grad([f(x).mul(v).sum()], [x], { createGraph: true });
      // d/dv of <gx, x> = f(x) itself: the double-backward of the pooling VJP.
      const [gv] = grad([gx!.mul(x).sum()], [v]);
      expectClose(gv!, f(x).detach(), 1e-12, 1e-12);
    }
  });
});

describe('pooling errors', () => {
  const x4 = zeros([1, 2, 5, 5]);
  it('wrong rank, integer input, zero-size dims', () => {
    expect(() => maxPool2d(zeros([5, 5]), 2)).toThrow('maxPool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got 2-D input of shape [5, 5]');
    expect(() => avgPool1d(zeros([1, 1, 2, 5]), 2)).toThrow(/avgPool1d: expected a 2-D \[C, L\] or 3-D \[N, C, L\] input, got 4-D/);
    expect(() => maxPool2d(zeros([1, 2, 5, 5], { dtype: 'int32' }), 2)).toThrow('maxPool2d: expected a floating point input, got int32');
    expect(() => adaptiveAvgPool2d(zeros([1, 0, 5]), 2)).toThrow(/adaptiveAvgPool2d: expected non-zero sizes except for the batch dim/);
    expect(maxPool2d(zeros([0, 2, 4, 4]), 2).shape).toEqual([0, 2, 2, 2]);
  });
  it('kernel larger than the padded input', () => {
    expect(() => maxPool2d(x4, 6)).toThrow('maxPool2d: the kernel [6, 6] (kernelSize [6, 6], dilation [1, 1]) is larger than the padded input [5, 5] of input [1, 2, 5, 5]: calculated output size [0, 0] is too small');
    expect(() => maxPool2d(x4, 3, { dilation: 3 })).toThrow(/kernel \[7, 7\].*larger than the padded input \[5, 5\]/);
    expect(() => avgPool1d(zeros([1, 3]), 3, { padding: 1, stride: 1 })).not.toThrow();
  });
  it('padding over half the kernel (PyTorch`s rule)', () => {
    expect(() => maxPool2d(x4, 3, { padding: 2 })).toThrow('maxPool2d: padding should be at most half of the kernel size, but got padding [2, 2] for kernelSize [3, 3]');
    expect(() => avgPool2d(x4, [2, 4], { padding: [1, 3] })).toThrow(/padding \[1, 3\] for kernelSize \[2, 4\]/);
    expect(() => avgPool2d(x4, 2, { padding: 1 })).not.toThrow();
  });
  it('negative, zero, non-integer and mis-shaped sizes', () => {
    expect(() => maxPool2d(x4, 0)).toThrow('maxPool2d: kernelSize must contain integers >= 1, got 0');
    expect(() => maxPool2d(x4, 2.5)).toThrow(/kernelSize must contain integers >= 1, got 2.5/);
    expect(() => maxPool2d(x4, [2, 2, 2])).toThrow('maxPool2d: kernelSize must be an integer or a list of 2 integers, got [2, 2, 2]');
    expect(() => avgPool2d(x4, 2, { stride: -1 })).toThrow(/stride must contain integers >= 1, got -1/);
    expect(() => maxPool1d(zeros([1, 5]), 2, { padding: -1 })).toThrow(/padding must contain integers >= 0, got -1/);
    expect(() => adaptiveAvgPool2d(x4, [2, -1])).toThrow('adaptiveAvgPool2d: outputSize must contain integers >= 0, got [2, -1]');
    expect(() => adaptiveMaxPool1d(zeros([1, 5]), 1.5)).toThrow(/outputSize must contain integers >= 0/);
    expect(() => avgPool2d(x4, 2, { divisorOverride: 0 })).toThrow('avgPool2d: divisorOverride must be a non-zero integer, got 0');
  });
  it('unknown or snake_case options', () => {
    expect(() => maxPool2d(x4, 2, { ceil_mode: true } as never)).toThrow(/maxPool2d: unknown option 'ceil_mode'.*expected one of stride, padding, dilation, ceilMode, returnIndices/);
    expect(() => avgPool1d(zeros([1, 4]), 2, { divisorOverride: 2 } as never)).toThrow(/avgPool1d: unknown option 'divisorOverride'/);
  });
  it('maxUnpool2d: indices dtype, shape, range, outputSize', () => {
    const [y, idx] = maxPool2d(x4, 2, { returnIndices: true });
    expect(() => maxUnpool2d(y, idx.to('float32'), 2)).toThrow('maxUnpool2d: indices must be an int32 Tensor (the indices maxPool returns), got float32');
    expect(() => maxUnpool2d(y, idx.narrow(3, 0, 1), 2)).toThrow('maxUnpool2d: expected indices of the input\'s shape [1, 2, 2, 2], got [1, 2, 2, 1]');
    expect(() => maxUnpool2d(y, idx.add(20), 2)).toThrow(/maxUnpool2d: found an invalid max index 2\d \(the output planes have size 4x4, indices must be in \[0, 15\]\)/);
    expect(() => maxUnpool2d(y, idx, 2, { outputSize: [7, 4] })).toThrow('maxUnpool2d: invalid outputSize [7, 4] (dim 0 must be between 3 and 5)');
    expect(maxUnpool2d(y, idx, 2, { outputSize: [1, 2, 5, 5] }).shape).toEqual([1, 2, 5, 5]);
  });
});

describe('pooling over random configurations against a direct loop over the definition', () => {
  // PyTorch's rules written out plainly: output size floor/ceil((n + 2p − d(k − 1) − 1) / s) + 1, a ceil-mode
  // window may not start in the right padding; max over the taps inside the input; averages divide by the
  // window clipped to the padded input (countIncludePad) or to the input.
  const outLen = (n: number, k: number, s: number, p: number, d: number, ceil: boolean): number => {
    let o = Math[ceil ? 'ceil' : 'floor']((n + 2 * p - d * (k - 1) - 1) / s) + 1;
    if (ceil && (o - 1) * s >= n + p) o--;
    return o;
  };
  const gen = new Generator(11);
  const configs = Array.from({ length: 60 }, (_, i) => {
    const r = (lo: number, hi: number): number => lo + Math.floor(gen.random() * (hi - lo + 1));
    const k = [r(1, 4), r(1, 4)], s = [r(1, 3), r(1, 3)], d = [r(1, 2), r(1, 2)];
    const p = k.map((kk) => r(0, Math.floor(kk / 2)));
    const H = r(d[0] * (k[0] - 1) + 1, 9), W = r(d[1] * (k[1] - 1) + 1, 9);
    return { i, k, s, p, d, H, W, ceil: gen.random() < 0.5, cip: gen.random() < 0.5 };
  });
  test.each(configs)('config %#: k $k s $s p $p d $d on $H×$W, ceil $ceil', ({ k, s, p, d, H, W, ceil, cip }) => {
    const x = randn([2, H, W], { generator: gen, dtype: 'float64' });
    const v = Array.from(x.dataSync());
    const OH = outLen(H, k[0], s[0], p[0], d[0], ceil), OW = outLen(W, k[1], s[1], p[1], d[1], ceil);
    const mx: number[] = [], av: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let best = -Infinity;
          for (let i = 0; i < k[0]; i++) {
            for (let j = 0; j < k[1]; j++) {
              const h = oh * s[0] - p[0] + i * d[0], w = ow * s[1] - p[1] + j * d[1];
              if (h >= 0 && h < H && w >= 0 && w < W) best = Math.max(best, v[b * H * W + h * W + w]);
            }
          }
          mx.push(best);
          const h0 = oh * s[0] - p[0], w0 = ow * s[1] - p[1];
          const h1 = Math.min(h0 + k[0], H + p[0]), w1 = Math.min(w0 + k[1], W + p[1]);
          const padded = (h1 - h0) * (w1 - w0);
          let sum = 0, count = 0;
          for (let h = Math.max(h0, 0); h < Math.min(h1, H); h++) for (let w = Math.max(w0, 0); w < Math.min(w1, W); w++) { sum += v[b * H * W + h * W + w]; count++; }
          av.push(sum / (cip ? padded : count));
        }
      }
    }
    const y = maxPool2d(x, k, { stride: s, padding: p, dilation: d, ceilMode: ceil });
    expect(y.shape).toEqual([2, OH, OW]);
    expectClose(y, mx, 0, 0);
    const a = avgPool2d(x, k, { stride: s, padding: p, ceilMode: ceil, countIncludePad: cip });
    // avg pooling has no dilation: compare only the configurations with d = 1
    if (d[0] === 1 && d[1] === 1) expectClose(a, av, 1e-12, 1e-12);
  });
});

describe('saved indices', () => {
  it('an in-place change to the returned indices is caught at backward, naming the op', () => {
    const x = randn([1, 1, 4, 4], { generator: new Generator(2), dtype: 'float64' }).requiresGrad_();
    const [y, idx] = maxPool2d(x, 2, { returnIndices: true });
    idx.fill_(0);
    expect(() => y.sum().backward()).toThrow(/maxPool2d/);
  });
});
