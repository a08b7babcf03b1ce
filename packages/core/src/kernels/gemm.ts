/**
 * General matrix multiply for row-major float storage: the kernel behind `matmul` and its
 * backward pass. Two implementations sit behind one entry point:
 *
 * - `'wasm'`: WebAssembly SIMD (compiled from wasm/gemm.as; packed panels + register-blocked
 *   micro-kernel, and a matrix-vector path when M or N is 1). float32 uses f32x4 with a 4x8 or a
 *   5x8 micro-tile (gemm.as picks by shape; both give the same bits); float64 also runs in wasm,
 *   f64x2 with a 4x4 or 5x4 micro-tile (about half the float32 rate, still ~5x the JS path). Operands are copied into the module's linear memory
 *   each call (~2% of a 512^3 call).
 * - `'js'`: packed, cache-blocked TypeScript with a 4x4 register tile (gemm-js.ts), used when
 *   SIMD is unavailable, when forced with `setKernelBackend('js')`, and under `'auto'` for
 *   tiny products where the wasm call's fixed cost exceeds the arithmetic.
 *
 * In Node, float32 products of at least THREAD_MIN_MACS multiply-adds run on two threads (the
 * caller and one worker, gemm-threads.ts), bitwise identical to one thread; `setKernelThreads(1)`
 * turns that off. Browsers always use one thread.
 *
 * Every transpose form runs at the same speed on the wasm path (packing absorbs the
 * transposition), so callers should pass transA/transB rather than materialising transposes.
 */
import type { FloatArray } from './float-array';
import { gemmJs, scaleRows } from './gemm-js';
import { gemmWasm, gemmWasmBatched } from './gemm-wasm';
import { gemmThreaded, wantsThreads } from './gemm-threads';
import { requestedBackend } from './backend';

export type { FloatArray } from './float-array';
export { kernelBackend, setKernelBackend, setRelaxedSimd, relaxedSimdActive } from './backend';
export { setKernelThreads, kernelThreads, kernelThreadsReady, THREAD_MIN_MACS } from './gemm-threads';

/**
 * Under 'auto', products with M*N*K below this many multiply-adds take the JS path: the wasm
 * call's fixed cost (~0.35 us: copies, packing, edge tiles) loses only there. Measured with
 * scripts/bench-gemm.mjs (small-size table): 4^3 js 0.37 us vs wasm 0.38 us; 6^3 wasm wins.
 */
export const WASM_MIN_MACS = 128;

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'object';
}

function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`gemm: ${name} must be a non-negative integer, got ${v}`);
}

function checkOperand(
  name: string, X: FloatArray, off: number, ld: number, rows: number, cols: number, layout: string,
): void {
  checkDim(`${name} offset`, off);
  checkDim(`ld${name.toLowerCase()}`, ld);
  if (rows === 0 || cols === 0) return;
  if (ld < cols) {
    throw new Error(
      `gemm: ld${name.toLowerCase()}=${ld} is smaller than the stored row length ${cols} of ${name} (${layout}, stored ${rows}x${cols})`,
    );
  }
  const need = off + (rows - 1) * ld + cols;
  if (need > X.length) {
    throw new Error(
      `gemm: ${name} has ${X.length} elements but a ${rows}x${cols} operand (${layout}) at offset ${off} with ld${name.toLowerCase()}=${ld} needs ${need}`,
    );
  }
}

/** Throws a specific error for any argument `gemm` cannot honour. */
function validate(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
): void {
  const f32 = A instanceof Float32Array;
  if (!(f32 || A instanceof Float64Array) || !(B instanceof A.constructor) || !(C instanceof A.constructor)) {
    throw new Error(
      `gemm: A, B and C must all be Float32Array or all Float64Array, got ${typeName(A)}, ${typeName(B)}, ${typeName(C)}`,
    );
  }
  checkDim('M', M);
  checkDim('N', N);
  checkDim('K', K);
  if (typeof alpha !== 'number' || typeof beta !== 'number') {
    throw new Error(`gemm: alpha and beta must be numbers, got ${typeName(alpha)} and ${typeName(beta)}`);
  }
  checkOperand('A', A, aOff, lda, transA ? K : M, transA ? M : K, transA ? 'transA: A is K x M' : 'A is M x K');
  checkOperand('B', B, bOff, ldb, transB ? N : K, transB ? K : N, transB ? 'transB: B is N x K' : 'B is K x N');
  checkOperand('C', C, cOff, ldc, M, N, 'C is M x N');
}

/**
 * Whether an M×N×K product goes to a WebAssembly kernel (one or two threads) rather than the JS loops:
 * the backend forced to 'wasm', or 'auto' and at least WASM_MIN_MACS multiply-adds. gemm, gemmBatched and
 * the conv kernels (conv-wasm.ts) all decide with this, so their results agree bit for bit.
 * @example if (wasmGemmApplies(64, 128, 784)) console.log('SIMD GEMM');
 */
export function wasmGemmApplies(M: number, N: number, K: number): boolean {
  const requested = requestedBackend();
  return requested === 'wasm' || (requested === 'auto' && M * N * K >= WASM_MIN_MACS);
}

/**
 * Row-major GEMM: `C[cOff + i*ldc + j] = alpha * sum_p opA(i,p)*opB(p,j) + beta * C[...]`
 * for 0 <= i < M, 0 <= j < N, 0 <= p < K, where
 * `opA(i,p) = transA ? A[aOff + p*lda + i] : A[aOff + i*lda + p]` and
 * `opB(p,j) = transB ? B[bOff + j*ldb + p] : B[bOff + p*ldb + j]`.
 * A, B and C must all be Float32Array or all Float64Array. With beta = 0 the old contents of
 * C are ignored (even NaN); with alpha = 0 or K = 0, C is only scaled by beta. Elements of C
 * outside the M x N window (the gaps when ldc > N) are never changed. C must not overlap A or B.
 * @example
 * // C(2x2) = A(2x3) · B(3x2)
 * const A = new Float32Array([1, 2, 3, 4, 5, 6]), B = new Float32Array([1, 0, 0, 1, 1, 1]);
 * const C = new Float32Array(4);
 * gemm(false, false, 2, 2, 3, 1, A, 0, 3, B, 0, 2, 0, C, 0, 2); // C = [4, 5, 10, 11]
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
): void {
  validate(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
  if (M === 0 || N === 0) return;
  if (K === 0 || alpha === 0) {
    scaleRows(M, N, beta, C, cOff, ldc);
    return;
  }
  const useWasm = wasmGemmApplies(M, N, K);
  if (useWasm && A instanceof Float32Array && wantsThreads(M, N, K) &&
    gemmThreaded(transA, transB, M, N, K, alpha, A, aOff, lda, B as Float32Array, bOff, ldb, beta, C as Float32Array, cOff, ldc)) {
    return;
  }
  if (useWasm && gemmWasm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)) return;
  gemmJs(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
}

/**
 * `batch` independent GEMMs with the same shapes: for b in [0, batch),
 * `gemm(transA, transB, M, N, K, alpha, A, aOff + b*strideA, lda, B, bOff + b*strideB, ldb,
 *        beta, C, cOff + b*strideC, ldc)`.
 * A stride of 0 reuses one operand for every batch entry (e.g. [b,m,k]·[k,n] has strideB = 0);
 * the C windows of different entries must not overlap (strideC = 0 is rejected).
 * Results equal those per-entry calls bit for bit, but cost less: on the wasm path a group of entries
 * is copied into WebAssembly memory, computed and copied out in one call, and when B is shared and the
 * A and C batches are stacked row blocks (no transA, strideA = M*lda, strideC = M*ldc, M >= 2), the
 * whole batch runs as one M*batch-row GEMM.
 * @example
 * // two 2x2 products, stacked: C[b] = A[b] · B[b]
 * gemmBatched(2, false, false, 2, 2, 2, 1, A, 0, 2, 4, B, 0, 2, 4, 0, C, 0, 2, 4);
 */
export function gemmBatched(
  batch: number, transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, strideA: number,
  B: FloatArray, bOff: number, ldb: number, strideB: number,
  beta: number, C: FloatArray, cOff: number, ldc: number, strideC: number,
): void {
  checkDim('batch', batch);
  checkDim('strideA', strideA);
  checkDim('strideB', strideB);
  checkDim('strideC', strideC);
  if (batch === 0) return;
  // Validate the last entry (highest offsets) up front so a bad call writes nothing.
  const last = batch - 1;
  validate(transA, transB, M, N, K, alpha, A, aOff + last * strideA, lda, B, bOff + last * strideB, ldb,
    beta, C, cOff + last * strideC, ldc);
  if (M === 0 || N === 0) return;
  if (batch > 1 && strideC === 0) {
    throw new Error('gemmBatched: strideC=0 would write every batch entry to the same C window');
  }
  // Each entry gets exactly the kernel its own gemm call would pick (JS for tiny products, two threads
  // for large float32 ones, else wasm), so batched results equal per-entry results bit for bit.
  const useWasm = wasmGemmApplies(M, N, K);
  if (batch > 1 && useWasm && K > 0 && alpha !== 0) {
    // [b,m,k]·[k,n] with A and C stacked row blocks: one tall GEMM. Every C element sees the same
    // micro-kernel arithmetic whatever its row (blocking along M changes nothing per element); M >= 2
    // keeps each entry off the matrix-vector kernel, whose summation order differs.
    if (strideB === 0 && !transA && M >= 2 && strideA === M * lda && strideC === M * ldc) {
      gemm(false, transB, M * batch, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
      return;
    }
    if (!(A instanceof Float32Array && wantsThreads(M, N, K)) &&
      gemmWasmBatched(batch, transA, transB, M, N, K, alpha, A, aOff, lda, strideA, B, bOff, ldb, strideB, beta, C, cOff, ldc, strideC)) {
      return;
    }
  }
  for (let b = 0; b < batch; b++) {
    gemm(transA, transB, M, N, K, alpha, A, aOff + b * strideA, lda, B, bOff + b * strideB, ldb, beta, C, cOff + b * strideC, ldc);
  }
}
