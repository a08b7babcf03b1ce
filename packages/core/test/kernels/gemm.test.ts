import fc from 'fast-check';
import { gemm, gemmBatched, kernelBackend, setKernelBackend, WASM_MIN_MACS, type FloatArray } from '../../src/kernels/gemm';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  aOff: number;
  bOff: number;
  cOff: number;
  /** extra elements per stored row beyond the row length (ld = rowLength + pad) */
  aPad: number;
  bPad: number;
  cPad: number;
}

/** Deterministic pseudo-random values in [-1, 1) (LCG), so failures reproduce. */
function fill(x: FloatArray, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
}

/** Builds operands for a case; A/B/C hold random values everywhere, gaps included. */
function operands(T: Ctor, c: Case, seed: number) {
  const aRows = c.transA ? c.K : c.M, aCols = c.transA ? c.M : c.K;
  const bRows = c.transB ? c.N : c.K, bCols = c.transB ? c.K : c.N;
  const lda = aCols + c.aPad, ldb = bCols + c.bPad, ldc = c.N + c.cPad;
  const A = new T(c.aOff + aRows * lda + 3);
  const B = new T(c.bOff + bRows * ldb + 3);
  const C = new T(c.cOff + c.M * ldc + 3);
  fill(A, seed);
  fill(B, seed + 1);
  fill(C, seed + 2);
  return { A, B, C, lda, ldb, ldc };
}

/**
 * The definition, in float64 from the (already rounded) stored values. Also returns, per
 * element, the scale |alpha|·Σ|a·b| + |beta·c| that bounds the rounding error.
 */
function reference(c: Case, A: FloatArray, lda: number, B: FloatArray, ldb: number, C: FloatArray, ldc: number) {
  const out = Float64Array.from(C);
  const scale = new Float64Array(C.length);
  for (let i = 0; i < c.M; i++) {
    for (let j = 0; j < c.N; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < c.K; p++) {
        const a = c.transA ? A[c.aOff + p * lda + i] : A[c.aOff + i * lda + p];
        const b = c.transB ? B[c.bOff + j * ldb + p] : B[c.bOff + p * ldb + j];
        s += a * b;
        mag += Math.abs(a * b);
      }
      const idx = c.cOff + i * ldc + j;
      const old = c.beta === 0 ? 0 : c.beta * C[idx];
      out[idx] = c.alpha * s + old;
      scale[idx] = Math.abs(c.alpha) * mag + Math.abs(old);
    }
  }
  return { out, scale };
}

function firstDifference(x: FloatArray, y: FloatArray): number {
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

/** Runs gemm on a case and checks every element of C (window and untouched rest). */
function check(T: Ctor, c: Case, seed = 7): void {
  const { A, B, C, lda, ldb, ldc } = operands(T, c, seed);
  const { out, scale } = reference(c, A, lda, B, ldb, C, ldc);
  const A0 = A.slice(), B0 = B.slice();
  gemm(c.transA, c.transB, c.M, c.N, c.K, c.alpha, A, c.aOff, lda, B, c.bOff, ldb, c.beta, C, c.cOff, ldc);
  const rel = T === Float32Array ? 1e-5 : 1e-12;
  // float32 results are rounded to float32 once more when stored.
  const storeUlp = T === Float32Array ? 2 ** -24 : 2 ** -53;
  for (let k = 0; k < C.length; k++) {
    const tol = rel * scale[k] + storeUlp * Math.abs(out[k]);
    const expected = T === Float32Array ? Math.fround(out[k]) : out[k];
    if (!(Math.abs(C[k] - expected) <= tol)) {
      throw new Error(
        `${kernelBackend()} ${T.name} ${JSON.stringify(c)}: C[${k}] = ${C[k]}, expected ${expected} (tol ${tol})`,
      );
    }
  }
  // Operands are read-only (compared with a loop: toEqual is slow on large typed arrays).
  expect(firstDifference(A, A0)).toBe(-1);
  expect(firstDifference(B, B0)).toBe(-1);
}

const base: Case = {
  transA: false, transB: false, M: 1, N: 1, K: 1, alpha: 1, beta: 0,
  aOff: 0, bOff: 0, cOff: 0, aPad: 0, bPad: 0, cPad: 0,
};
const FORMS: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
// Odd sizes around the micro-tiles (4x8 / 4x4 and 5x8 / 5x4), k-block (256) and m-block (128 / 120)
// edges. The last three take gemm.as's 5x8 kernel (K >= 64 and a wide enough N, see its rule).
const SIZES: Array<[number, number, number]> = [
  [1, 1, 1], [3, 5, 7], [1, 17, 3], [17, 1, 65], [4, 8, 4], [5, 9, 13], [8, 16, 1],
  [17, 3, 65], [65, 130, 17], [130, 17, 33], [7, 12, 300], [33, 20, 513],
  [10, 300, 70], [37, 260, 600], [131, 257, 65],
];
const BACKENDS = ['wasm', 'js'] as const;
const DTYPES: Ctor[] = [Float32Array, Float64Array];

afterEach(() => setKernelBackend('auto'));

describe('gemm: hand-derived values', () => {
  it.each(BACKENDS)('computes the documented 2x3 · 3x2 example (%s)', (be) => {
    setKernelBackend(be);
    for (const T of DTYPES) {
      const A = new T([1, 2, 3, 4, 5, 6]);
      const B = new T([1, 0, 0, 1, 1, 1]);
      const C = new T(4);
      gemm(false, false, 2, 2, 3, 1, A, 0, 3, B, 0, 2, 0, C, 0, 2);
      // row 0: [1*1+3*1, 2*1+3*1] = [4, 5]; row 1: [4+6, 5+6] = [10, 11]
      expect(Array.from(C)).toEqual([4, 5, 10, 11]);
    }
  });

  it.each(BACKENDS)('Aᵀ·B and A·Bᵀ of small integer matrices (%s)', (be) => {
    setKernelBackend(be);
    // A stored 2x2 = [[1,2],[3,4]], B stored 2x2 = [[5,6],[7,8]]
    const A = new Float32Array([1, 2, 3, 4]);
    const B = new Float32Array([5, 6, 7, 8]);
    const C = new Float32Array(4);
    gemm(true, false, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, C, 0, 2);
    // Aᵀ = [[1,3],[2,4]]; Aᵀ·B = [[1*5+3*7, 1*6+3*8], [2*5+4*7, 2*6+4*8]]
    expect(Array.from(C)).toEqual([26, 30, 38, 44]);
    gemm(false, true, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, C, 0, 2);
    // Bᵀ = [[5,7],[6,8]]; A·Bᵀ = [[1*5+2*6, 1*7+2*8], [3*5+4*6, 3*7+4*8]]
    expect(Array.from(C)).toEqual([17, 23, 39, 53]);
    gemm(true, true, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, C, 0, 2);
    // Aᵀ·Bᵀ = (B·A)ᵀ; B·A = [[5+18, 10+24], [7+24, 14+32]] = [[23,34],[31,46]]
    expect(Array.from(C)).toEqual([23, 31, 34, 46]);
  });

  it.each(BACKENDS)('alpha scales the product and beta the old C (%s)', (be) => {
    setKernelBackend(be);
    const A = new Float64Array([1, 2]); // 1x2
    const B = new Float64Array([3, 4]); // 2x1
    const C = new Float64Array([10]);
    gemm(false, false, 1, 1, 2, 2, A, 0, 2, B, 0, 1, 0.5, C, 0, 1);
    expect(C[0]).toBe(2 * (3 + 8) + 0.5 * 10); // 27
  });
});

describe.each(BACKENDS)('gemm vs naive float64 triple loop (%s backend)', (be) => {
  beforeEach(() => setKernelBackend(be));

  for (const T of DTYPES) {
    it(`${T.name}: every transpose form and odd size, compact operands`, () => {
      for (const [transA, transB] of FORMS) {
        for (const [M, N, K] of SIZES) check(T, { ...base, transA, transB, M, N, K });
      }
    });

    it(`${T.name}: offsets, leading dims larger than the row, alpha and beta`, () => {
      const ab: Array<[number, number]> = [[1, 0], [2.5, 0], [1, 1], [-0.5, 0.75], [1, -2]];
      for (const [transA, transB] of FORMS) {
        // includes matrix-vector shapes (M = 1 or N = 1), which the wasm kernel special-cases
        for (const [M, N, K] of [[3, 5, 7], [17, 9, 33], [65, 33, 130], [1, 37, 70], [41, 1, 9], [1, 1, 19], [37, 260, 70]] as const) {
          for (const [alpha, beta] of ab) {
            check(T, { transA, transB, M, N, K, alpha, beta, aOff: 3, bOff: 5, cOff: 2, aPad: 2, bPad: 7, cPad: 3 });
          }
        }
      }
    });

    it(`${T.name}: huge leading dims (sparse views) and wide/deep blocks`, () => {
      check(T, { ...base, M: 9, N: 6, K: 5, aPad: 500, bPad: 300, cPad: 200, aOff: 1, cOff: 4 });
      check(T, { ...base, transA: true, transB: true, M: 9, N: 6, K: 5, aPad: 400, bPad: 333 });
      // N past the column block of both backends (wasm 2048, js 1024)
      check(T, { ...base, M: 2, N: 2051, K: 3 });
      check(T, { ...base, transB: true, M: 5, N: 1030, K: 2, beta: 1 });
      // matrix-vector with K past the wasm scratch for the vector (takes the blocked path)
      check(T, { ...base, transA: true, M: 1, N: 2, K: 32769, beta: 0.5 });
    });
  }

  // issue 15: gemm.as picks the 5x8 or the 4x8 micro-kernel by shape; both must give the same bits, or
  // a product's rows would depend on how many rows came with them (batching, threads, tall GEMMs).
  // M = 10 (K = 200, N = 128) takes the 5x8 kernel, its first 8 rows alone the 4x8 one.
  if (be === 'wasm') {
    it('the 5x8 and 4x8 micro-kernels give the same bits (M = 10 vs its first 8 rows)', () => {
      const M = 10, N = 128, K = 300;
      for (const T of DTYPES) {
        for (const [transA, transB] of FORMS) {
          for (const [alpha, beta] of [[1, 0], [-0.75, 0.5]]) {
            const A = new T(M * K), B = new T(K * N), C0 = new T(M * N);
            fill(A, 3); fill(B, 4); fill(C0, 5);
            const lda = transA ? M : K, ldb = transB ? K : N;
            const C10 = C0.slice(), C8 = C0.slice(0, 8 * N);
            gemm(transA, transB, M, N, K, alpha, A, 0, lda, B, 0, ldb, beta, C10, 0, N);
            gemm(transA, transB, 8, N, K, alpha, A, 0, lda, B, 0, ldb, beta, C8, 0, N);
            expect(firstDifference(C8, C10.subarray(0, 8 * N))).toBe(-1);
            // and the values are right (not merely equal to each other)
            check(T, { ...base, transA, transB, M, N, K, alpha, beta });
          }
        }
      }
    });
  }

  it('beta = 0 ignores NaN and Infinity already in C', () => {
    for (const T of DTYPES) {
      const A = new T([1, 2, 3, 4]);
      const B = new T([1, 1, 1, 1]);
      const C = new T([NaN, Infinity, -Infinity, NaN]);
      gemm(false, false, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, C, 0, 2);
      expect(Array.from(C)).toEqual([3, 3, 7, 7]);
    }
  });

  it('alpha = 0 or K = 0 only scales C by beta (beta = 0 zeroes it)', () => {
    const A = new Float32Array([NaN, NaN]);
    const B = new Float32Array([1, 1]);
    const C = new Float32Array([1, 2]);
    gemm(false, false, 1, 2, 1, 0, A, 0, 1, B, 0, 2, 3, C, 0, 2);
    expect(Array.from(C)).toEqual([3, 6]);
    gemm(false, false, 1, 2, 0, 1, A, 0, 0, B, 0, 2, 0, C, 0, 2);
    expect(Array.from(C)).toEqual([0, 0]);
  });

  it('M = 0 or N = 0 leaves C untouched', () => {
    const C = new Float64Array([5, 6]);
    gemm(false, false, 0, 2, 3, 1, new Float64Array(0), 0, 3, new Float64Array(6), 0, 2, 0, C, 0, 2);
    gemm(false, false, 1, 0, 3, 1, new Float64Array(3), 0, 3, new Float64Array(0), 0, 0, 0, C, 0, 0);
    expect(Array.from(C)).toEqual([5, 6]);
  });

  it('fast-check: random sizes, forms, offsets, leading dims, alpha/beta and dtype', () => {
    fc.assert(
      fc.property(
        fc.record({
          transA: fc.boolean(),
          transB: fc.boolean(),
          M: fc.integer({ min: 1, max: 40 }),
          N: fc.integer({ min: 1, max: 40 }),
          K: fc.integer({ min: 1, max: 70 }),
          alpha: fc.constantFrom(1, -1, 0.5, 3),
          beta: fc.constantFrom(0, 1, -0.25),
          aOff: fc.integer({ min: 0, max: 5 }),
          bOff: fc.integer({ min: 0, max: 5 }),
          cOff: fc.integer({ min: 0, max: 5 }),
          aPad: fc.integer({ min: 0, max: 6 }),
          bPad: fc.integer({ min: 0, max: 6 }),
          cPad: fc.integer({ min: 0, max: 6 }),
        }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        (c, f64, seed) => check(f64 ? Float64Array : Float32Array, c, seed),
      ),
      { numRuns: 150 },
    );
  });
});

describe('gemm: auto backend', () => {
  it('agrees with both forced backends on either side of the small-size threshold', () => {
    expect(WASM_MIN_MACS).toBeGreaterThan(0);
    for (const [M, N, K] of [[2, 3, 4], [20, 30, 40], [64, 10, 128]] as const) {
      for (const T of DTYPES) check(T, { ...base, transB: true, M, N, K, alpha: 0.5, beta: 0.5 });
    }
  });

  it('reuses and grows wasm memory across calls of different sizes', () => {
    setKernelBackend('wasm');
    check(Float32Array, { ...base, M: 3, N: 3, K: 3 });
    check(Float32Array, { ...base, M: 150, N: 140, K: 260, transA: true });
    check(Float64Array, { ...base, M: 140, N: 150, K: 270, transB: true });
    check(Float32Array, { ...base, M: 5, N: 6, K: 7 });
  });
});

describe('gemm: argument errors', () => {
  const f = (n: number) => new Float32Array(n);
  it('rejects mixed or non-float arrays', () => {
    expect(() => gemm(false, false, 1, 1, 1, 1, f(1), 0, 1, new Float64Array(1), 0, 1, 0, f(1), 0, 1)).toThrow(
      'gemm: A, B and C must all be Float32Array or all Float64Array, got Float32Array, Float64Array, Float32Array',
    );
    const bad = [1] as unknown as Float32Array;
    expect(() => gemm(false, false, 1, 1, 1, 1, bad, 0, 1, f(1), 0, 1, 0, f(1), 0, 1)).toThrow(/got Array, /);
  });
  it('rejects bad dimensions', () => {
    expect(() => gemm(false, false, -1, 1, 1, 1, f(1), 0, 1, f(1), 0, 1, 0, f(1), 0, 1)).toThrow(
      'gemm: M must be a non-negative integer, got -1',
    );
    expect(() => gemm(false, false, 1, 1.5, 1, 1, f(1), 0, 1, f(2), 0, 2, 0, f(2), 0, 2)).toThrow(
      'gemm: N must be a non-negative integer, got 1.5',
    );
  });
  it('rejects a leading dimension smaller than the stored row', () => {
    expect(() => gemm(false, false, 2, 2, 3, 1, f(6), 0, 2, f(6), 0, 2, 0, f(4), 0, 2)).toThrow(
      'gemm: lda=2 is smaller than the stored row length 3 of A (A is M x K, stored 2x3)',
    );
    expect(() => gemm(false, true, 2, 2, 3, 1, f(6), 0, 3, f(6), 0, 2, 0, f(4), 0, 2)).toThrow(
      'gemm: ldb=2 is smaller than the stored row length 3 of B (transB: B is N x K, stored 2x3)',
    );
  });
  it('rejects operands too short for their offset and leading dimension', () => {
    expect(() => gemm(false, false, 2, 2, 2, 1, f(4), 1, 2, f(4), 0, 2, 0, f(4), 0, 2)).toThrow(
      'gemm: A has 4 elements but a 2x2 operand (A is M x K) at offset 1 with lda=2 needs 5',
    );
    expect(() => gemm(false, false, 2, 2, 2, 1, f(4), 0, 2, f(4), 0, 2, 0, f(4), 0, 3)).toThrow(
      'gemm: C has 4 elements but a 2x2 operand (C is M x N) at offset 0 with ldc=3 needs 5',
    );
  });
  it('rejects an unknown backend name', () => {
    expect(() => setKernelBackend('gpu' as 'js')).toThrow("setKernelBackend: expected 'wasm', 'js' or 'auto', got \"gpu\"");
  });
});

describe('kernelBackend', () => {
  it("resolves 'auto' to wasm on this engine (Node has WebAssembly SIMD) and honours 'js'", () => {
    expect(kernelBackend()).toBe('wasm');
    setKernelBackend('js');
    expect(kernelBackend()).toBe('js');
    setKernelBackend('wasm');
    expect(kernelBackend()).toBe('wasm');
  });

  it('falls back to JS when WebAssembly SIMD is not supported', () => {
    const spy = jest.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('../../src/kernels/gemm') as typeof import('../../src/kernels/gemm');
        expect(fresh.kernelBackend()).toBe('js');
        expect(() => fresh.setKernelBackend('wasm')).toThrow(/no WebAssembly SIMD support/);
        const C = new Float32Array(4);
        fresh.gemm(false, false, 2, 2, 3, 1, new Float32Array([1, 2, 3, 4, 5, 6]), 0, 3,
          new Float32Array([1, 0, 0, 1, 1, 1]), 0, 2, 0, C, 0, 2);
        expect(Array.from(C)).toEqual([4, 5, 10, 11]);
      });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('gemmBatched', () => {
  function naiveBatched(
    batch: number, tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number,
    A: FloatArray, aOff: number, lda: number, sA: number, B: FloatArray, bOff: number, ldb: number, sB: number,
    beta: number, C: FloatArray, cOff: number, ldc: number, sC: number,
  ): Float64Array {
    const out = Float64Array.from(C);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++) {
            const a = tA ? A[aOff + b * sA + p * lda + i] : A[aOff + b * sA + i * lda + p];
            const v = tB ? B[bOff + b * sB + j * ldb + p] : B[bOff + b * sB + p * ldb + j];
            s += a * v;
          }
          const idx = cOff + b * sC + i * ldc + j;
          out[idx] = alpha * s + (beta === 0 ? 0 : beta * C[idx]);
        }
      }
    }
    return out;
  }

  it('computes the documented 2 x (2x2 · 2x2) example', () => {
    const A = new Float64Array([1, 2, 3, 4, 0, 1, 1, 0]);
    const B = new Float64Array([1, 0, 0, 1, 2, 0, 0, 2]);
    const C = new Float64Array(8);
    gemmBatched(2, false, false, 2, 2, 2, 1, A, 0, 2, 4, B, 0, 2, 4, 0, C, 0, 2, 4);
    // entry 0: A0·I = A0; entry 1: [[0,1],[1,0]]·2I = [[0,2],[2,0]]
    expect(Array.from(C)).toEqual([1, 2, 3, 4, 0, 2, 2, 0]);
  });

  it.each(BACKENDS)('matches a naive loop for every form, shared operands and offsets (%s)', (be) => {
    setKernelBackend(be);
    for (const T of DTYPES) {
      for (const [tA, tB] of FORMS) {
        for (const [sAx, sBx] of [[1, 1], [1, 0], [0, 1]]) {
          const batch = 3, M = 5, N = 6, K = 7;
          const lda = (tA ? M : K) + 1, ldb = (tB ? K : N) + 2, ldc = N + 1;
          const sA = sAx * ((tA ? K : M) * lda + 2), sB = sBx * ((tB ? N : K) * ldb + 1), sC = M * ldc + 3;
          const A = new T(2 + batch * ((tA ? K : M) * lda + 2)), B = new T(1 + batch * ((tB ? N : K) * ldb + 1));
          const C = new T(4 + batch * sC);
          fill(A, 11); fill(B, 12); fill(C, 13);
          const want = naiveBatched(batch, tA, tB, M, N, K, 0.5, A, 2, lda, sA, B, 1, ldb, sB, 0.25, C, 4, ldc, sC);
          gemmBatched(batch, tA, tB, M, N, K, 0.5, A, 2, lda, sA, B, 1, ldb, sB, 0.25, C, 4, ldc, sC);
          const tol = T === Float32Array ? 1e-5 : 1e-12;
          for (let k = 0; k < C.length; k++) expect(Math.abs(C[k] - want[k])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[k])) * K);
        }
      }
    }
  });

  it('runs [b,m,k]·[k,n] (shared B, stacked A and C) as one tall GEMM with the same result', () => {
    const batch = 4, M = 3, N = 5, K = 6;
    const A = new Float32Array(batch * M * K), B = new Float32Array(K * N), C = new Float32Array(batch * M * N);
    fill(A, 3); fill(B, 4); C.fill(NaN);
    const want = naiveBatched(batch, false, false, M, N, K, 1, A, 0, K, M * K, B, 0, N, 0, 0, C, 0, N, M * N);
    gemmBatched(batch, false, false, M, N, K, 1, A, 0, K, M * K, B, 0, N, 0, 0, C, 0, N, M * N);
    for (let k = 0; k < C.length; k++) expect(Math.abs(C[k] - want[k])).toBeLessThanOrEqual(1e-5 * K);
  });

  it('rejects bad batch arguments', () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => gemmBatched(-1, false, false, 1, 1, 1, 1, f(1), 0, 1, 1, f(1), 0, 1, 1, 0, f(1), 0, 1, 1)).toThrow(
      'gemm: batch must be a non-negative integer, got -1',
    );
    expect(() => gemmBatched(2, false, false, 1, 1, 1, 1, f(2), 0, 1, 1, f(2), 0, 1, 1, 0, f(2), 0, 1, 0)).toThrow(
      'gemmBatched: strideC=0 would write every batch entry to the same C window',
    );
    // the last entry's A window runs past the array: detected before anything is written
    const C = new Float32Array([7, 7, 7]);
    expect(() => gemmBatched(3, false, false, 1, 1, 1, 1, f(2), 0, 1, 1, f(3), 0, 1, 1, 0, C, 0, 1, 1)).toThrow(
      'gemm: A has 2 elements but a 1x1 operand (A is M x K) at offset 2 with lda=1 needs 3',
    );
    expect(Array.from(C)).toEqual([7, 7, 7]);
  });
});
