/**
 * Batch normalisation with the batch's statistics as one primitive (ops/batch-norm.ts, nn's F.batchNorm in
 * training mode): values, statistics and gradients equal the definition written in Tensor ops, the fused
 * backward and the taped one (createGraph) agree, second derivatives are the composition's, and the
 * gradients pass finite differences.
 */
import { Tensor, randn, grad, gradcheck, gradgradcheck, manualSeed, compile } from '@tapegrad/core';
import { batchNormTraining } from '../../src/ops/batch-norm';

const d = { dtype: 'float64' } as const;

/** The definition in Tensor ops, with the batch's statistics over every dim but 1. */
function composed(x: Tensor, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  let y = x.sub(x.mean(dims, true)).div(x.var(dims, { unbiased: false, keepdim: true }).add(eps).sqrt());
  if (w) y = y.mul(w.reshape(bshape));
  if (b) y = y.add(b.reshape(bshape));
  return y;
}
const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

describe('batchNormTraining (fused primitive)', () => {
  beforeEach(() => manualSeed(0));

  it.each([[[6, 3]], [[4, 3, 5]], [[2, 3, 4, 5]], [[2, 2, 2, 3, 2]]])('equals the composition for x %j: values, statistics, first-order gradients (fused backward), float64', (shape) => {
    const C = shape[1];
    const x = randn(shape, d).requiresGrad_(), w = randn([C], d).requiresGrad_(), b = randn([C], d).requiresGrad_();
    const g = randn(shape, d);
    const { y, mean, variance } = batchNormTraining(x, w, b, 1e-5);
    const want = composed(x, w, b, 1e-5);
    expect(maxDiff(y, want)).toBeLessThan(1e-13);
    const dims = shape.map((_, i) => i).filter((i) => i !== 1);
    expect(maxDiff(mean, x.mean(dims))).toBeLessThan(1e-15);
    expect(maxDiff(variance, x.var(dims, { unbiased: false }))).toBeLessThan(1e-14);
    expect(mean.requiresGrad || variance.requiresGrad).toBe(false);
    const got = grad(y, [x, w, b], { gradOutputs: g, retainGraph: true });
    const ref = grad(want, [x, w, b], { gradOutputs: g });
    for (let i = 0; i < 3; i++) expect(maxDiff(got[i]!, ref[i]!)).toBeLessThan(1e-12);
    expect(y.gradFn!.name()).toBe('NativeBatchNormBackward0');
  });

  it('without weight or bias, and with only some inputs requiring grad', () => {
    const x = randn([5, 2, 3], d).requiresGrad_(), b = randn([2], d);
    const g = randn([5, 2, 3], d);
    const { y } = batchNormTraining(x, null, b, 1e-3);
    expect(maxDiff(y, composed(x, null, b, 1e-3))).toBeLessThan(1e-13);
    const [gx] = grad(y, [x], { gradOutputs: g });
    const [rx] = grad(composed(x, null, b, 1e-3), [x], { gradOutputs: g });
    expect(maxDiff(gx!, rx!)).toBeLessThan(1e-12);
  });

  it('passes gradcheck and gradgradcheck (the taped backward under createGraph)', () => {
    const x = randn([3, 2, 4], d).requiresGrad_(), w = randn([2], d).requiresGrad_(), b = randn([2], d).requiresGrad_();
    const f = (xx: Tensor, ww: Tensor, bb: Tensor): Tensor => batchNormTraining(xx, ww, bb, 1e-3).y;
    expect(gradcheck(f, [x, w, b]).ok).toBe(true);
    expect(gradgradcheck(f, [x, w, b]).ok).toBe(true);
  });

  it('second derivatives through createGraph equal the composition\'s', () => {
    const x = randn([4, 3, 2], d).requiresGrad_(), w = randn([3], d).requiresGrad_();
    const g = randn([4, 3, 2], d), h = randn([4, 3, 2], d);
    const [gx] = grad(batchNormTraining(x, w, null, 1e-3).y, [x], { gradOutputs: g, createGraph: true });
    const [gx2] = grad(composed(x, w, null, 1e-3), [x], { gradOutputs: g, createGraph: true });
    const [a, aw] = grad(gx!.mul(h).sum(), [x, w]);
    const [r, rw] = grad(gx2!.mul(h).sum(), [x, w]);
    expect(maxDiff(a!, r!)).toBeLessThan(1e-11);
    expect(maxDiff(aw!, rw!)).toBeLessThan(1e-11);
  });

  it('float32 matches the float64 result to float32 rounding', () => {
    const x = randn([8, 4, 3, 3], d), w = randn([4], d), b = randn([4], d);
    const y32 = batchNormTraining(x.float(), w.float(), b.float(), 1e-5).y;
    expect(y32.dtype).toBe('float32');
    expect(maxDiff(y32.double(), batchNormTraining(x, w, b, 1e-5).y)).toBeLessThan(5e-6);
  });

  it('a compiled step replays it and equals eager mode bit for bit', () => {
    const w = randn([3]).requiresGrad_(), b = randn([3]).requiresGrad_();
    const step = (x: Tensor): Tensor => {
      w.grad = null;
      b.grad = null;
      const { y } = batchNormTraining(x, w, b, 1e-5);
      y.square().sum().backward();
      return w.grad!.add(b.grad!);
    };
    const f = compile(step);
    const xs = [randn([4, 3, 5]), randn([4, 3, 5]), randn([4, 3, 5]), randn([4, 3, 5])];
    for (const x of xs) expect(Array.from(f(x).dataSync())).toEqual(Array.from(step(x).dataSync()));
    expect(f.stats().replays).toBeGreaterThan(0);
  });

  it('errors name the op and the shapes', () => {
    expect(() => batchNormTraining(randn([4]), null, null, 1e-5)).toThrow(/batchNorm: expected an input of at least 2 dims \[N, C, \.\.\.\], got shape \[4\]/);
    expect(() => batchNormTraining(randn([4, 3]), randn([2]), null, 1e-5)).toThrow(/batchNorm: weight should contain 3 elements/);
  });
});
