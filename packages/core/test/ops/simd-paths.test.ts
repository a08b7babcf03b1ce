/**
 * The float32 fast paths a training step takes: relu and its backward and the row softmaxes on the
 * WebAssembly SIMD kernels, and sums over leading dims without a transposing copy. Each must give what
 * the general path gives: bitwise where the arithmetic is the same, within float32 rounding for the
 * softmaxes (the kernel's exp is a ~1-ulp polynomial), with the backend forced both ways.
 */
import fc from 'fast-check';
import { Generator, randn, setKernelBackend, tensor, type Tensor } from '@tapegrad/core';

afterEach(() => setKernelBackend('auto'));

function both<T>(f: () => T): { simd: T; js: T } {
  setKernelBackend('auto');
  const simd = f();
  setKernelBackend('js');
  const js = f();
  setKernelBackend('auto');
  return { simd, js };
}
const vals = (t: Tensor): number[] => Array.from(t.dataSync() as ArrayLike<number>);

describe('relu on float32 (SIMD when at least 64 elements)', () => {
  it('forward and backward agree bitwise with the JS path, including NaN, ±0 and ±Infinity', () => {
    const special = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -1e-40];
    const x0 = randn([37, 5], { generator: new Generator(3) });
    const data = vals(x0).map((v, i) => (i % 11 === 0 ? special[(i / 11) % special.length] : v));
    const run = () => {
      const x = tensor(data, { dtype: 'float32' }).reshape([37, 5]).requiresGrad_();
      const y = x.relu();
      y.backward(tensor(data.map((_, i) => i + 0.5), { dtype: 'float32' }).reshape([37, 5]));
      return { y: vals(y), g: vals(x.grad!) };
    };
    const { simd, js } = both(run);
    expect(simd.y).toEqual(js.y);
    expect(simd.g).toEqual(js.g);
    // PyTorch's threshold_backward: the gradient passes where the output is NaN or positive.
    simd.g.forEach((g, i) => expect(g).toBe(simd.y[i] > 0 || Number.isNaN(simd.y[i]) ? i + 0.5 : 0));
  });
});

describe('softmax / logSoftmax along the last dim of float32 (SIMD row kernel)', () => {
  it.each([['softmax'], ['logSoftmax']] as const)('%s matches the float64 result within float32 rounding, random shapes', (op) => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 1000 }), (rows, cols, seed) => {
      const x32 = randn([rows, cols], { generator: new Generator(seed) }).mul(5);
      const want = vals(x32.double()[op](-1)); // float64 from the same float32 inputs
      const { simd, js } = both(() => vals(x32[op](-1)));
      for (let i = 0; i < want.length; i++) {
        const tol = 4e-7 * Math.max(1, Math.abs(want[i]));
        expect(Math.abs(simd[i] - want[i])).toBeLessThanOrEqual(tol);
        expect(Math.abs(js[i] - want[i])).toBeLessThanOrEqual(tol);
      }
    }));
  });

  it('rows with ±Infinity and NaN give what PyTorch gives, and tiny probabilities stay subnormal, on both paths', () => {
    const inf = Infinity;
    // 8 rows of 8 (64 elements: the SIMD path under 'auto'); expectations from torch 1.13.
    const rows = [
      [inf, 1, 2, 3, 4, 5, 6, 7], // +inf max: a NaN row (both ops)
      [-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf], // all -inf: NaN row
      [-inf, 1, 1, 1, 1, 1, 1, 1], // a -inf logit: probability 0, log-probability -inf
      [NaN, 0, 0, 0, 0, 0, 0, 0], // NaN anywhere: NaN row
      [0, -100, -90, -104, -103.2, -87.5, -50, 3], // exp below 2^-126: subnormal, not flushed
      [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 0], [-5, 5, -5, 5, -5, 5, -5, 5],
    ];
    const x = tensor(rows.flat(), { dtype: 'float32' }).reshape([8, 8]);
    const ref64 = (op: 'softmax' | 'logSoftmax') => vals(x.double()[op](1).float());
    for (const op of ['softmax', 'logSoftmax'] as const) {
      const { simd, js } = both(() => vals(x[op](1)));
      for (const got of [simd, js]) {
        for (let j = 0; j < 8; j++) {
          expect(got[j]).toBeNaN();
          expect(got[8 + j]).toBeNaN();
          expect(got[24 + j]).toBeNaN();
        }
        expect(got[16]).toBe(op === 'softmax' ? 0 : -inf);
        expect(got[17]).toBeCloseTo(op === 'softmax' ? 1 / 7 : -Math.log(7), 6);
        const want = ref64(op);
        for (let i = 32; i < 64; i++) {
          // relative, so the subnormal probabilities (1.4e-45, 3.9e-41, 4.7e-40) count as much as the large ones
          expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6 * Math.abs(want[i]) + 1.5e-45);
        }
      }
    }
  });

  it('softmax + cross-entropy gradient is p − y on the SIMD path (hand-derived)', () => {
    const x = randn([16, 10], { generator: new Generator(5) }).requiresGrad_();
    const y = tensor(Array.from({ length: 16 }, (_, i) => i % 10), { dtype: 'int32' });
    x.logSoftmax(1).gather(1, y.reshape([16, 1])).neg().sum().backward();
    const p = vals(x.detach().softmax(1));
    vals(x.grad!).forEach((g, i) => expect(g).toBeCloseTo(p[i] - (i % 10 === (Math.floor(i / 10) % 10) ? 1 : 0), 6));
  });
});

describe('sum over leading dims of a contiguous tensor (no transposing copy)', () => {
  it('is bitwise the sum the general path computes, for float32, float64 and int32', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: 0, max: 1000 }), (shape, seed) => {
      for (const dtype of ['float32', 'float64'] as const) {
        const x = randn(shape, { generator: new Generator(seed), dtype });
        for (let k = 1; k < shape.length; k++) {
          const dims = Array.from({ length: k }, (_, i) => i);
          // A non-contiguous copy of the same values takes the general (groupsFor) path.
          const strided = x.transpose(0, shape.length - 1).contiguous().transpose(0, shape.length - 1);
          expect(vals(x.sum(dims))).toEqual(vals(strided.sum(dims)));
        }
      }
      const xi = tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => (i * 7919) % 1000 - 500)).reshape(shape);
      expect(vals(xi.sum(0))).toEqual(vals(xi.transpose(0, shape.length - 1).contiguous().transpose(0, shape.length - 1).sum(0)));
    }));
  });

  it("a bias gradient is the column sum of the output gradient (hand-computed)", () => {
    const x = randn([4, 3], { generator: new Generator(1) });
    const b = tensor([0, 0, 0], { dtype: 'float32', requiresGrad: true });
    x.add(b).mul(tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], { dtype: 'float32' })).sum().backward();
    expect(vals(b.grad!)).toEqual([22, 26, 30]);
  });
});
