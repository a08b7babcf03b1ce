/**
 * Pure-TypeScript GEMM: the path when WebAssembly SIMD is unavailable (or forced with
 * setKernelBackend('js')), and the cheapest path for tiny products under 'auto' (no copy
 * into wasm memory). Arguments are validated by `gemm` in gemm.ts; this file assumes they
 * are in range.
 *
 * Same blocking as the wasm kernel, in scalar JS (why each piece is there):
 * - Blocks of B (KC x NC) and A (MC x KC) are packed into Float64Array scratch, 4-column /
 *   4-row panels, zero-padded at the edges. The packed copies make the hot loop read two
 *   unit-stride streams whatever the transpose form (no 4 KiB-stride cache aliasing for Aᵀ
 *   or Bᵀ), keep that loop monomorphic (always Float64Array, whether the caller passed f32
 *   or f64: V8 optimises one element kind better than two), and fold alpha into A once.
 * - The micro-kernel keeps a 4x4 tile of C in 16 local doubles, so each p step does 8 loads
 *   for 16 multiply-adds; C is touched once per tile per k block.
 * Measured (scripts/bench-gemm.mjs): ~4-5 GFLOP/s for 512^3, vs ~2 for a 4-way unrolled
 * i-k-j loop that streams rows of C (which also needed a transposed copy of B for Bᵀ).
 * Accumulation is in float64 even for float32 operands; C is rounded once per k block.
 */
import type { FloatArray } from './float-array';

const MR = 4;
const NR = 4;
/** Depth of a packed block: a 4-wide B panel (KC x 4 doubles = 8 KiB) stays in L1. */
const KC = 256;
/** Rows of A per packed block: MC x KC doubles = 128 KiB, in L2. */
const MC = 64;
/** Columns of B per packed block: KC x NC doubles = 2 MiB, bounds the scratch size. */
const NC = 1024;

let packA = new Float64Array(0);
let packB = new Float64Array(0);
const tile = new Float64Array(MR * NR);

/** C[i, 0:N] *= beta for every row; beta = 0 writes zeros (so NaN in C is ignored). */
export function scaleRows(M: number, N: number, beta: number, C: FloatArray, cOff: number, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < M; i++) {
    const row = cOff + i * ldc;
    if (beta === 0) C.fill(0, row, row + N);
    else for (let j = row; j < row + N; j++) C[j] *= beta;
  }
}

/** Same contract as `gemm` in gemm.ts, computed in plain TypeScript. */
export function gemmJs(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
): void {
  scaleRows(M, N, beta, C, cOff, ldc);
  if (M === 0 || N === 0 || K === 0 || alpha === 0) return;
  // opA(i,p) = A[aOff + i*ars + p*acs]; opB(p,j) = B[bOff + p*brs + j*bcs]
  const ars = transA ? 1 : lda;
  const acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb;
  const bcs = transB ? ldb : 1;
  const kcMax = Math.min(K, KC);
  const ncMax = Math.min(N, NC);
  const mcMax = Math.min(M, MC);
  const needB = kcMax * (ncMax + NR);
  const needA = kcMax * (mcMax + MR);
  if (packB.length < needB) packB = new Float64Array(needB);
  if (packA.length < needA) packA = new Float64Array(needA);
  const pa = packA;
  const pb = packB;

  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let p0 = 0; p0 < K; p0 += KC) {
      const kc = Math.min(KC, K - p0);
      // Pack B[p0:p0+kc, j0:j0+nc] into 4-column panels: pb[jr*kc + p*4 + c].
      for (let jr = 0; jr < nc; jr += NR) {
        const nr = Math.min(NR, nc - jr);
        let d = jr * kc;
        const s0 = bOff + p0 * brs + (j0 + jr) * bcs;
        for (let p = 0; p < kc; p++, d += NR) {
          const s = s0 + p * brs;
          pb[d] = B[s];
          pb[d + 1] = nr > 1 ? B[s + bcs] : 0;
          pb[d + 2] = nr > 2 ? B[s + 2 * bcs] : 0;
          pb[d + 3] = nr > 3 ? B[s + 3 * bcs] : 0;
        }
      }
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        // Pack alpha * A[i0:i0+mc, p0:p0+kc] into 4-row panels: pa[ir*kc + p*4 + r].
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = Math.min(MR, mc - ir);
          let d = ir * kc;
          const s0 = aOff + (i0 + ir) * ars + p0 * acs;
          for (let p = 0; p < kc; p++, d += MR) {
            const s = s0 + p * acs;
            pa[d] = alpha * A[s];
            pa[d + 1] = mr > 1 ? alpha * A[s + ars] : 0;
            pa[d + 2] = mr > 2 ? alpha * A[s + 2 * ars] : 0;
            pa[d + 3] = mr > 3 ? alpha * A[s + 3 * ars] : 0;
          }
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            let qa = ir * kc;
            let qb = jr * kc;
            const qe = qa + MR * kc;
            for (; qa < qe; qa += MR, qb += NR) {
              const b0 = pb[qb], b1 = pb[qb + 1], b2 = pb[qb + 2], b3 = pb[qb + 3];
              const x0 = pa[qa], x1 = pa[qa + 1], x2 = pa[qa + 2], x3 = pa[qa + 3];
              c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
              c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
              c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
              c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
            }
            let c = cOff + (i0 + ir) * ldc + j0 + jr;
            if (mr === MR && nr === NR) {
              C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += ldc;
              C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += ldc;
              C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += ldc;
              C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
            } else {
              // Edge tile: only the mr x nr valid part exists in C.
              tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
              tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
              tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
              tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
              for (let r = 0; r < mr; r++, c += ldc) {
                for (let j = 0; j < nr; j++) C[c + j] += tile[r * NR + j];
              }
            }
          }
        }
      }
    }
  }
}
