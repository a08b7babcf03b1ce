/** matmul in every form against a naive triple loop over random shapes (fast-check), plus mm/bmm/dot/linear values. */
import fc from 'fast-check';
import * as core from '@tapegrad/core';
import { Generator, Tensor, tensor, randn } from '@tapegrad/core';
import { expectClose } from '../helpers/approx';
import { ravel, unravel } from '../helpers/reference';

/** torch.matmul semantics written out: promote 1-D, broadcast batch dims, multiply, drop the added dims. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const A = Array.from(a.dataSync(), Number), B = Array.from(b.dataSync(), Number);
  const sa = a.ndim === 1 ? [1, a.shape[0]] : a.shape, sb = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const [n, k] = sa.slice(-2), m = sb[sb.length - 1];
  const ba = sa.slice(0, -2), bb = sb.slice(0, -2);
  const nb = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: nb }, (_, i) => Math.max(ba[ba.length - nb + i] ?? 1, bb[bb.length - nb + i] ?? 1));
  const nBatch = batch.reduce((p, s) => p * s, 1);
  const out: number[] = [];
  for (let q = 0; q < nBatch; q++) {
    const bi = unravel(q, batch);
    const ia = ba.map((s, i) => (s === 1 ? 0 : bi[nb - ba.length + i]));
    const ib = bb.map((s, i) => (s === 1 ? 0 : bi[nb - bb.length + i]));
    const oa = ravel(ia, ba) * n * k, ob = ravel(ib, bb) * k * m;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[oa + i * k + p] * B[ob + p * m + j];
      out.push(s);
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [n]), ...(b.ndim === 1 ? [] : [m])];
  return { shape, data: out };
}

const formArb = fc.record({
  n: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 0, max: 5 }), m: fc.integer({ min: 1, max: 5 }),
  batchA: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), batchB: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  vecA: fc.boolean(), vecB: fc.boolean(), transA: fc.boolean(), transB: fc.boolean(), seed: fc.integer({ min: 1, max: 1e9 }),
  dtype: fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'>,
});

describe('matmul over random forms', () => {
  test('values and shapes match the naive definition (1-D, 2-D, batched, broadcast batches, transposed operands)', () => {
    fc.assert(fc.property(formArb, ({ n, k, m, batchA, batchB, vecA, vecB, transA, transB, seed, dtype }) => {
      // Make the batch shapes broadcastable: where they clash, use 1 on the left.
      const nb = Math.min(batchA.length, batchB.length);
      const bA = batchA.map((s, i) => { const j = i - (batchA.length - nb); return j >= 0 && s !== batchB[batchB.length - nb + j] && batchB[batchB.length - nb + j] !== 1 ? 1 : s; });
      const g = new Generator(seed);
      const mk = (shape: number[], trans: boolean): Tensor => {
        if (!trans || shape.length < 2) return randn(shape, { dtype, generator: g });
        const sw = [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]];
        return randn(sw, { dtype, generator: g }).transpose(-1, -2); // a transposed (non-contiguous) operand
      };
      const a = vecA ? mk([k], false) : mk([...bA, n, k], transA);
      const b = vecB ? mk([k], false) : mk([...batchB, k, m], transB);
      const out = core.matmul(a, b);
      const ref = naiveMatmul(a, b);
      expect(out.shape).toEqual(ref.shape);
      expect(out.dtype).toBe(dtype);
      expectClose(out, ref.data, dtype === 'float32' ? 1e-5 : 1e-12, dtype === 'float32' ? 1e-5 : 1e-12);
    }), { numRuns: 300 });
  });
});

describe('mm, bmm, dot, linear values', () => {
  test('hand values', () => {
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float32' }), b = tensor([[5, 6], [7, 8]], { dtype: 'float32' });
    expect(core.mm(a, b).toArray()).toEqual([[19, 22], [43, 50]]);
    expect(core.bmm(a.unsqueeze(0), b.unsqueeze(0)).toArray()).toEqual([[[19, 22], [43, 50]]]);
    expect(core.dot(tensor([1, 2, 3], { dtype: 'float32' }), tensor([4, 5, 6], { dtype: 'float32' })).item()).toBe(32);
    // F.linear(x, W, b) = x Wᵀ + b
    expect(core.linear(tensor([[1, 1]], { dtype: 'float32' }), a, tensor([10, 20], { dtype: 'float32' })).toArray()).toEqual([[13, 27]]);
    expect(a.matmul(tensor([1, 1], { dtype: 'float32' })).toArray()).toEqual([3, 7]);
    expect(tensor([1, 1], { dtype: 'float32' }).matmul(a).toArray()).toEqual([4, 6]);
  });

  test('float32 @ float64 is refused, as PyTorch (expected scalar type Float but found Double)', () => {
    expect(() => core.matmul(tensor([[1.5]]), tensor([[2]], { dtype: 'float64' }))).toThrow(/matmul: expected other to have the same dtype as input \(float32\), but got other float64/);
  });

  test('gradients: dA = G Bᵀ, dB = Aᵀ G', () => {
    const A = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true });
    const B = tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64', requiresGrad: true });
    const G = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    A.matmul(B).backward(G);
    expect(A.grad!.toArray()).toEqual([[1, 2, 3], [3, 4, 7]]);
    expect(B.grad!.toArray()).toEqual([[13, 18], [17, 24], [21, 30]]);
  });
});

// baddbmm (issue 13)
describe('baddbmm', () => {
  const f64 = (v: number[], shape: number[]): Tensor => tensor(Float64Array.from(v)).reshape(shape);
  test('beta·input + alpha·(b1 @ b2), input broadcast', () => {
    const b1 = f64([1, 2, 3, 4], [1, 2, 2]), b2 = f64([1, 0, 0, 1], [1, 2, 2]);
    expectClose(core.baddbmm(f64([1, 1, 1, 1], [1, 2, 2]), b1, b2), [2, 3, 4, 5]);
    expectClose(f64([10, 20], [2]).baddbmm(b1, b2, { beta: 0.5, alpha: 2 }), [7, 14, 11, 18]);
    expectClose(core.baddbmm(f64([NaN], [1]), b1, b2, { beta: 0 }), [1, 2, 3, 4]);
  });
  test('gradients: beta for input (summed over broadcast), alpha·G·b2ᵀ for batch1', () => {
    const inp = f64([0, 0], [2]).requiresGrad_(), b1 = f64([1, 2, 3, 4], [1, 2, 2]).requiresGrad_();
    core.baddbmm(inp, b1, f64([1, 0, 0, 1], [1, 2, 2]), { beta: 3, alpha: -1 }).sum().backward();
    expectClose(inp.grad!, [6, 6]);
    expectClose(b1.grad!, [-1, -1, -1, -1]);
  });
  test('errors: input that does not broadcast, unknown option, bmm shapes', () => {
    const b1 = f64([1, 2, 3, 4], [1, 2, 2]);
    expect(() => core.baddbmm(f64([1, 2, 3], [3]), b1, b1)).toThrow(/baddbmm: shapes \[3\] and \[1, 2, 2\] cannot be broadcast/);
    expect(() => core.baddbmm(core.zeros([2, 2, 2], { dtype: 'float64' }), b1, b1)).toThrow(/baddbmm: input of shape \[2, 2, 2\] does not broadcast to the product's shape \[1, 2, 2\]/);
    expect(() => core.baddbmm(f64([1], [1]), b1, b1, { gamma: 1 } as object)).toThrow(/baddbmm: unknown option 'gamma'/);
    expect(() => core.baddbmm(f64([1], [1]), b1, f64([1, 2, 3], [1, 3, 1]))).toThrow(/baddbmm: batch1 \[1, 2, 2\] and batch2 \[1, 3, 1\] cannot be multiplied: inner sizes 2 and 3 differ/);
  });
});

describe("linear's gradient in a backward walk (issue 15: the products without matmul's views)", () => {
  const bits = (t: Tensor): number[] => Array.from(new Uint8Array((t.dataSync() as Float32Array).slice().buffer));
  for (const dtype of ['float32', 'float64'] as const) {
    it(`equals g·W, gᵀ·x and Σg taken through matmul and sum, bit for bit (${dtype})`, () => {
      const g = new Generator(5);
      for (const [n, inF, outF] of [[64, 784, 128], [64, 128, 10], [3, 1, 2], [1, 5, 1]]) {
        const x = randn([n, inF], { generator: g, dtype, requiresGrad: true });
        const w = randn([outF, inF], { generator: g, dtype, requiresGrad: true });
        const b = randn([outF], { generator: g, dtype, requiresGrad: true });
        const up = randn([n, outF], { generator: g, dtype });
        const [gx, gw, gb] = core.grad(core.linear(x, w, b), [x, w, b], { gradOutputs: [up] });
        const want = core.noGrad(() => [up.matmul(w), up.t().matmul(x), up.sum(0)]);
        expect(bits(gx!)).toEqual(bits(want[0]));
        expect(bits(gw!)).toEqual(bits(want[1]));
        expect(bits(gb!)).toEqual(bits(want[2]));
      }
    });
  }
});
