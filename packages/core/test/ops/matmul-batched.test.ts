/**
 * Batched matmul (one gemmBatched call per bmm) against the per-entry route it replaced: every batch
 * entry multiplied on its own with mm. Bit for bit, over random shapes, transposed operands, broadcast
 * batch dims and both float dtypes, and the same for the products the matmul VJP issues.
 */
import fc from 'fast-check';
import * as core from '@tapegrad/core';
import { Generator, Tensor, randn } from '@tapegrad/core';

type Dt = 'float32' | 'float64';

function mk(shape: number[], trans: boolean, dtype: Dt, g: Generator, requiresGrad = false): Tensor {
  if (!trans) return randn(shape, { dtype, generator: g, requiresGrad });
  const sw = [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]];
  const base = randn(sw, { dtype, generator: g, requiresGrad });
  return base.transpose(-1, -2);
}

/** [..., n, m] result of multiplying each (broadcast) batch entry with mm, stacked. */
function perEntry(a: Tensor, b: Tensor): Float64Array {
  const batch = core.broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const n = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1], m = b.shape[b.ndim - 1];
  const a3 = a.expand([...batch, n, k]).reshape([-1, n, k]), b3 = b.expand([...batch, k, m]).reshape([-1, k, m]);
  const out: number[] = [];
  for (let i = 0; i < a3.shape[0]; i++) out.push(...core.mm(a3.select(0, i), b3.select(0, i)).dataSync());
  return Float64Array.from(out);
}

function expectBitEqual(got: Tensor, want: Float64Array, what: string): void {
  const d = got.dataSync();
  expect(d.length).toBe(want.length);
  for (let i = 0; i < d.length; i++) {
    if (!Object.is(d[i], want[i])) throw new Error(`${what}: element ${i} is ${d[i]}, per entry ${want[i]}`);
  }
}

const arb = fc.record({
  n: fc.integer({ min: 1, max: 24 }), k: fc.integer({ min: 1, max: 24 }), m: fc.integer({ min: 1, max: 24 }),
  batchA: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }), batchB: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
  transA: fc.boolean(), transB: fc.boolean(), seed: fc.integer({ min: 1, max: 1e9 }),
  dtype: fc.constantFrom('float32', 'float64') as fc.Arbitrary<Dt>,
});

describe('batched matmul equals per-entry mm bit for bit', () => {
  test('random shapes, transposed operands, broadcast batch dims, float32 and float64', () => {
    fc.assert(fc.property(arb, ({ n, k, m, batchA, batchB, transA, transB, seed, dtype }) => {
      const nb = Math.min(batchA.length, batchB.length);
      const bA = batchA.map((s, i) => { const j = i - (batchA.length - nb); return j >= 0 && s !== batchB[batchB.length - nb + j] && batchB[batchB.length - nb + j] !== 1 ? 1 : s; });
      const g = new Generator(seed);
      const a = mk([...bA, n, k], transA, dtype, g), b = mk([...batchB, k, m], transB, dtype, g);
      expectBitEqual(core.matmul(a, b), perEntry(a, b), `matmul ${a.shape} x ${b.shape}`);
    }), { numRuns: 200 });
  });

  test.each(['float32', 'float64'] as const)('attention-shaped bmm and the products of its VJP (%s)', (dtype) => {
    const g = new Generator(3);
    for (const [B, L, d] of [[8, 64, 16], [6, 33, 8], [4, 1, 16]]) {
      const q = randn([B, L, d], { dtype, generator: g }), kk = randn([B, L, d], { dtype, generator: g });
      const v = randn([B, L, d], { dtype, generator: g }), gS = randn([B, L, L], { dtype, generator: g });
      const kT = kk.transpose(1, 2);
      expectBitEqual(core.bmm(q, kT), perEntry(q, kT), 'q·kᵀ');
      expectBitEqual(core.bmm(gS, v), perEntry(gS, v), 'w·v');
      expectBitEqual(core.bmm(gS, kT.transpose(1, 2)), perEntry(gS, kT.transpose(1, 2)), 'g·(kᵀ)ᵀ');
      expectBitEqual(core.bmm(q.transpose(1, 2), gS), perEntry(q.transpose(1, 2), gS), 'qᵀ·g');
      expectBitEqual(core.bmm(gS.transpose(1, 2), q), perEntry(gS.transpose(1, 2), q), 'gᵀ·q');
    }
  });

  test('gradients of a batched product equal the per-entry products of G·Bᵀ and Aᵀ·G', () => {
    const g = new Generator(8);
    const a = randn([5, 12, 20], { generator: g, requiresGrad: true }), b = randn([5, 20, 9], { generator: g, requiresGrad: true });
    const G = randn([5, 12, 9], { generator: g });
    core.bmm(a, b).backward(G);
    expectBitEqual(a.grad!, perEntry(G, b.detach().transpose(1, 2)), 'dA');
    expectBitEqual(b.grad!, perEntry(a.detach().transpose(1, 2), G), 'dB');
  });
});
