import { Tensor, randn, layerNorm, grad, manualSeed, tensor } from '@tapegrad/core';

const d = { dtype: 'float64' } as const;

/** The definition written out in Tensor ops. */
function composed(x: Tensor, k: number, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  let y = x.sub(x.mean(dims, true)).div(x.var(dims, { unbiased: false, keepdim: true }).add(eps).sqrt());
  if (w) y = y.mul(w);
  if (b) y = y.add(b);
  return y;
}

const maxDiff = (a: Tensor, b: Tensor): number => a.sub(b).abs().max().item();

describe('layerNorm (fused primitive)', () => {
  beforeEach(() => manualSeed(0));

  it('equals the composition, values and first-order gradients (fused backward), float64', () => {
    const x = randn([3, 4, 6], d).requiresGrad_(), w = randn([6], d).requiresGrad_(), b = randn([6], d).requiresGrad_();
    const g = randn([3, 4, 6], d);
    const y = layerNorm(x, [6], w, b, 1e-5);
    const want = composed(x, 1, w, b, 1e-5);
    expect(maxDiff(y, want)).toBeLessThan(1e-14);
    const got = grad(y, [x, w, b], { gradOutputs: g, retainGraph: true });
    const ref = grad(want, [x, w, b], { gradOutputs: g });
    for (let i = 0; i < 3; i++) expect(maxDiff(got[i]!, ref[i]!)).toBeLessThan(1e-13);
  });

  it('second derivatives through createGraph equal the composition\'s', () => {
    const x = randn([2, 5], d).requiresGrad_(), w = randn([5], d).requiresGrad_();
    const g = randn([2, 5], d);
    const [gx] = grad(layerNorm(x, [5], w, null, 1e-3), [x], { gradOutputs: g, createGraph: true });
    const [gx2] = grad(composed(x, 1, w, null, 1e-3), [x], { gradOutputs: g, createGraph: true });
    const h = randn([2, 5], d);
    const [a, aw] = grad(gx!.mul(h).sum(), [x, w]);
    const [r, rw] = grad(gx2!.mul(h).sum(), [x, w]);
    expect(maxDiff(a!, r!)).toBeLessThan(1e-12);
    expect(maxDiff(aw!, rw!)).toBeLessThan(1e-12);
  });

  it('normalises over several trailing dims; rows have mean 0 and variance 1 without affine', () => {
    const x = randn([4, 2, 3], d);
    const y = layerNorm(x, [2, 3]);
    expect(maxDiff(y, composed(x, 2, null, null, 1e-5))).toBeLessThan(1e-14);
    const m = y.reshape([4, 6]).mean(1);
    expect(m.abs().max().item()).toBeLessThan(1e-15);
  });

  it('float32 matches the float64 result to float32 rounding', () => {
    const x = randn([8, 16], d), w = randn([16], d), b = randn([16], d);
    const y32 = layerNorm(x.float(), [16], w.float(), b.float());
    expect(y32.dtype).toBe('float32');
    expect(maxDiff(y32.double(), layerNorm(x, [16], w, b))).toBeLessThan(2e-6);
  });

  it('errors name the shapes', () => {
    const x = randn([2, 3]);
    expect(() => layerNorm(x, [4])).toThrow(/layerNorm: given normalizedShape=\[4\], expected input with shape \[\*, 4\], but got input of size \[2, 3\]/);
    expect(() => layerNorm(x, [3], randn([4]))).toThrow(/layerNorm: weight must have shape \[3\], got \[4\]/);
    expect(() => layerNorm(tensor([[1, 2]], { dtype: 'int32' }), [2])).toThrow(/floating point input, got int32/);
  });
});
