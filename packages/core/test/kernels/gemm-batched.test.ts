/**
 * gemmBatched against the per-entry path it replaces (one gemm call per batch entry): results must be
 * identical bit for bit, whatever the route a batch takes (one call into wasm per group of entries, the
 * tall-GEMM shortcut for a shared B, JS for tiny entries, two threads for large ones).
 */
import { gemm, gemmBatched, kernelThreadsReady, setKernelBackend, type FloatArray } from '../../src/kernels/gemm';
import { threadedGemmCalls } from '../../src/kernels/gemm-threads';
import { _setBatchBytes, BATCH_BYTES } from '../../src/kernels/gemm-wasm';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Deterministic pseudo-random generator (LCG), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fill(x: FloatArray, r: () => number): void {
  for (let i = 0; i < x.length; i++) x[i] = 2 * r() - 1;
}

interface BatchCase {
  batch: number; tA: boolean; tB: boolean; M: number; N: number; K: number; alpha: number; beta: number;
  lda: number; ldb: number; ldc: number; sA: number; sB: number; sC: number; aOff: number; bOff: number; cOff: number;
}

/** A random case: leading dims with gaps, batch strides that are 0 (shared operand), tight, gappy or overlapping. */
function randomCase(r: () => number, maxDim: number): BatchCase {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <X>(xs: X[]) => xs[Math.floor(r() * xs.length)];
  const batch = int(1, 6), M = int(1, maxDim), N = int(1, maxDim), K = int(0, maxDim);
  const tA = r() < 0.5, tB = r() < 0.5;
  const aRows = tA ? K : M, aCols = tA ? M : K, bRows = tB ? N : K, bCols = tB ? K : N;
  const lda = Math.max(aCols, 1) + pick([0, 0, 1, 7]), ldb = Math.max(bCols, 1) + pick([0, 0, 3]), ldc = N + pick([0, 0, 2]);
  const span = (rows: number, ld: number) => Math.max(rows, 1) * ld;
  const stride = (rows: number, ld: number) => pick([0, span(rows, ld), span(rows, ld) + int(1, 40), 3 * span(rows, ld), Math.max(1, span(rows, ld) >> 1)]);
  return {
    batch, tA, tB, M, N, K, alpha: pick([1, 1, -0.75]), beta: pick([0, 0, 1, 0.5]), lda, ldb, ldc,
    sA: stride(aRows, lda), sB: stride(bRows, ldb), sC: M * ldc + pick([0, 0, 5]), aOff: int(0, 3), bOff: int(0, 3), cOff: int(0, 3),
  };
}

function runBoth(T: Ctor, c: BatchCase, r: () => number): [FloatArray, FloatArray] {
  const aRows = c.tA ? c.K : c.M, bRows = c.tB ? c.N : c.K;
  const A = new T(c.aOff + (c.batch - 1) * c.sA + Math.max(aRows, 1) * c.lda + 2);
  const B = new T(c.bOff + (c.batch - 1) * c.sB + Math.max(bRows, 1) * c.ldb + 2);
  const C0 = new T(c.cOff + c.batch * c.sC + 2);
  fill(A, r); fill(B, r); fill(C0, r);
  const perEntry = C0.slice(), batched = C0.slice();
  for (let i = 0; i < c.batch; i++) {
    gemm(c.tA, c.tB, c.M, c.N, c.K, c.alpha, A, c.aOff + i * c.sA, c.lda, B, c.bOff + i * c.sB, c.ldb, c.beta, perEntry, c.cOff + i * c.sC, c.ldc);
  }
  gemmBatched(c.batch, c.tA, c.tB, c.M, c.N, c.K, c.alpha, A, c.aOff, c.lda, c.sA, B, c.bOff, c.ldb, c.sB, c.beta, batched, c.cOff, c.ldc, c.sC);
  return [perEntry, batched];
}

/** Index of the first element whose bits differ (Object.is: -0 and +0 differ), or -1. */
function firstBitDiff(x: FloatArray, y: FloatArray): number {
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

afterEach(() => setKernelBackend('auto'));

describe('gemmBatched equals per-entry gemm bit for bit', () => {
  it.each(['auto', 'wasm', 'js'] as const)('random shapes, transposes, shared and strided operands (%s)', (be) => {
    setKernelBackend(be);
    const r = rng(be.length * 7919);
    for (const T of [Float32Array, Float64Array]) {
      for (let t = 0; t < 150; t++) {
        const c = randomCase(r, t % 3 === 0 ? 40 : 9);
        const [perEntry, batched] = runBoth(T, c, r);
        const d = firstBitDiff(perEntry, batched);
        if (d >= 0) throw new Error(`${T.name} ${JSON.stringify(c)}: element ${d} is ${batched[d]}, per entry ${perEntry[d]}`);
      }
    }
  });

  it('the attention shapes and the matmul VJP forms at full size', () => {
    const r = rng(5);
    for (const T of [Float32Array, Float64Array]) {
      for (const [M, N, K] of [[64, 64, 16], [64, 16, 64], [16, 64, 64], [1, 33, 20], [33, 1, 20]]) {
        for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]]) {
          const lda = tA ? M : K, ldb = tB ? K : N;
          const c: BatchCase = { batch: 12, tA, tB, M, N, K, alpha: 1, beta: 0, lda, ldb, ldc: N, sA: M * K, sB: K * N, sC: M * N, aOff: 0, bOff: 0, cOff: 0 };
          const [perEntry, batched] = runBoth(T, c, r);
          expect(firstBitDiff(perEntry, batched)).toBe(-1);
          // B shared across the batch ([b,m,k]·[k,n]): the tall-GEMM shortcut when not transA
          const [p2, b2] = runBoth(T, { ...c, sB: 0 }, r);
          expect(firstBitDiff(p2, b2)).toBe(-1);
        }
      }
    }
  });

  it('entries large enough for the two-thread path', async () => {
    const threads = await kernelThreadsReady();
    const before = threadedGemmCalls();
    const r = rng(9);
    const c: BatchCase = { batch: 3, tA: false, tB: true, M: 96, N: 96, K: 96, alpha: 1, beta: 0, lda: 96, ldb: 96, ldc: 96, sA: 96 * 96, sB: 96 * 96, sC: 96 * 96, aOff: 0, bOff: 0, cOff: 0 };
    const [perEntry, batched] = runBoth(Float32Array, c, r);
    expect(firstBitDiff(perEntry, batched)).toBe(-1);
    if (threads) expect(threadedGemmCalls() - before).toBe(2 * c.batch); // each entry, both ways
  });

  it('splits a batch larger than the wasm staging limit into groups with the same result', () => {
    expect(BATCH_BYTES).toBeGreaterThan(0);
    _setBatchBytes(3000); // a handful of entries per group
    try {
      const r = rng(11);
      for (const T of [Float32Array, Float64Array]) {
        for (let t = 0; t < 40; t++) {
          const c = { ...randomCase(r, 12), batch: 9 };
          const [perEntry, batched] = runBoth(T, c, r);
          expect(firstBitDiff(perEntry, batched)).toBe(-1);
        }
      }
    } finally {
      _setBatchBytes(BATCH_BYTES);
    }
  });
});
