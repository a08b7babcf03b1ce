/**
 * Runs GEMM through the WebAssembly SIMD kernels (wasm/gemm.as, loaded by wasm-module.ts) by
 * copying the operands into the module's linear memory. Arguments are validated by `gemm` in
 * gemm.ts.
 *
 * float32 runs the f32x4 kernel (4x8 or 5x8 micro-tile, picked by shape in gemm.as); float64 the f64x2
 * kernel (4x4 or 5x4).
 *
 * Memory layout per call (byte offsets, all 16-byte aligned):
 *   [0, workspace)  packing buffers owned by the kernel
 *   A, B, C         operand copies; C is copied in only when beta != 0
 */
import type { FloatArray } from './float-array';
import { align16, ensureMemory, heapF32, heapF64, wasmKernels } from './wasm-module';

/**
 * Leading dimension to use inside wasm memory for a rows x cols operand stored with `ld`:
 * keep `ld` (one bulk copy of the whole span) unless the gaps would more than double the
 * copied volume, then compact rows to `cols`.
 */
export function wasmLd(rows: number, cols: number, ld: number): number {
  if (ld === cols || rows <= 1) return ld;
  return (rows - 1) * ld + cols <= 2 * rows * cols ? ld : cols;
}

export function spanOf(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** Copies a rows x cols operand (leading dim ldSrc) to heap[dst...] with leading dim ldDst. */
export function copyIn(
  src: FloatArray, off: number, rows: number, cols: number, ldSrc: number,
  heap: FloatArray, dst: number, ldDst: number,
): void {
  if (rows === 0 || cols === 0) return;
  if (ldDst === ldSrc) {
    heap.set(src.subarray(off, off + spanOf(rows, cols, ldSrc)), dst);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = off + r * ldSrc;
    const d = dst + r * ldDst;
    // subarray() allocates; for short rows a plain loop is cheaper.
    if (cols >= 32) heap.set(src.subarray(s, s + cols), d);
    else for (let j = 0; j < cols; j++) heap[d + j] = src[s + j];
  }
}

/** Copies the compact M x N result heap[src...] back into C (leading dim ldc). */
export function copyOut(heap: FloatArray, src: number, M: number, N: number, C: FloatArray, cOff: number, ldc: number): void {
  if (ldc === N) {
    C.set(heap.subarray(src, src + M * N), cOff);
    return;
  }
  for (let i = 0; i < M; i++) {
    const s = src + i * N;
    const d = cOff + i * ldc;
    if (N >= 32) C.set(heap.subarray(s, s + N), d);
    else for (let j = 0; j < N; j++) C[d + j] = heap[s + j];
  }
}

/**
 * Where a product's operands go in wasm memory (element leading dims, byte pointers from `base`): A and
 * B with the leading dims wasmLd picks, then the compact M x N C; `end` is the first byte past C.
 */
export interface OperandLayout {
  aRows: number; aCols: number; ldaW: number; aPtr: number;
  bRows: number; bCols: number; ldbW: number; bPtr: number;
  cPtr: number; end: number;
}

export function operandLayout(
  transA: boolean, transB: boolean, M: number, N: number, K: number, lda: number, ldb: number, base: number, sz: number,
): OperandLayout {
  const aRows = transA ? K : M, aCols = transA ? M : K;
  const bRows = transB ? N : K, bCols = transB ? K : N;
  const ldaW = wasmLd(aRows, aCols, lda), ldbW = wasmLd(bRows, bCols, ldb);
  const aPtr = align16(base);
  const bPtr = align16(aPtr + spanOf(aRows, aCols, ldaW) * sz);
  const cPtr = align16(bPtr + spanOf(bRows, bCols, ldbW) * sz);
  return { aRows, aCols, ldaW, aPtr, bRows, bCols, ldbW, bPtr, cPtr, end: cPtr + M * N * sz };
}

/** Copies A, B (and C when beta != 0) to their places in `heap` (element size `sz`). */
export function copyOperandsIn(
  L: OperandLayout, M: number, N: number, A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  beta: number, C: FloatArray, cOff: number, ldc: number, heap: FloatArray, sz: number,
): void {
  copyIn(A, aOff, L.aRows, L.aCols, lda, heap, L.aPtr / sz, L.ldaW);
  copyIn(B, bOff, L.bRows, L.bCols, ldb, heap, L.bPtr / sz, L.ldbW);
  if (beta !== 0) copyIn(C, cOff, M, N, ldc, heap, L.cPtr / sz, N);
}

/**
 * Same contract as `gemm` in gemm.ts, computed by the wasm kernels. Returns false (and
 * leaves C untouched) when wasm is unavailable or its memory cannot grow enough.
 */
export function gemmWasm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
): boolean {
  const w = wasmKernels();
  if (w === null) return false;
  const f64 = A instanceof Float64Array;
  const sz = f64 ? 8 : 4;
  const L = operandLayout(transA, transB, M, N, K, lda, ldb, w.workspaceBytes(), sz);
  if (!ensureMemory(w, L.end)) return false; // beyond what a wasm32 memory can grow to
  const heap: FloatArray = f64 ? heapF64() : heapF32();
  copyOperandsIn(L, M, N, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc, heap, sz);
  (f64 ? w.dgemm : w.sgemm)(transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, L.aPtr, L.ldaW, L.bPtr, L.ldbW, beta, L.cPtr, N, 0);
  copyOut(heap, L.cPtr / sz, M, N, C, cOff, ldc);
  return true;
}

/**
 * Where one operand's batch goes in wasm memory: `ldW` the leading dim there, `strideW` the element
 * stride between entries (0: one copy shared by all), `bulk` whether the whole strided region is copied
 * as one span (it is not much larger than the entries themselves) rather than entry by entry.
 */
interface BatchOperand { ldW: number; strideW: number; bulk: boolean; elems: number }

function batchOperand(batch: number, rows: number, cols: number, ld: number, stride: number): BatchOperand {
  if (stride === 0 || batch === 1) {
    const ldW = wasmLd(rows, cols, ld);
    return { ldW, strideW: 0, bulk: false, elems: spanOf(rows, cols, ldW) };
  }
  const whole = (batch - 1) * stride + spanOf(rows, cols, ld);
  if (whole <= 2 * batch * rows * cols) return { ldW: ld, strideW: stride, bulk: true, elems: whole };
  const ldW = wasmLd(rows, cols, ld);
  const each = spanOf(rows, cols, ldW);
  return { ldW, strideW: each, bulk: false, elems: batch * each };
}

function copyBatchIn(
  L: BatchOperand, batch: number, src: FloatArray, off: number, rows: number, cols: number, ld: number, stride: number,
  heap: FloatArray, dst: number,
): void {
  if (L.bulk) {
    heap.set(src.subarray(off, off + L.elems), dst);
    return;
  }
  const n = L.strideW === 0 ? 1 : batch;
  for (let i = 0; i < n; i++) copyIn(src, off + i * stride, rows, cols, ld, heap, dst + i * L.strideW, L.ldW);
}

/**
 * Most bytes of operands one batched call places in wasm memory; a larger batch runs in groups of
 * entries. Sized for cache, not only for memory growth: a group copied in whole should still be in L2
 * when its entries are computed. Measured (in-process, 2-core Zen 5, 1 MB L2): 256x(64x64x64) took
 * 5.4-5.7 ms in f32 and 11.6-13.6 ms in f64 with groups of 256 KiB-1 MiB, 7.0-10.3 and 15.4-16.7 ms
 * with 32 MiB; 256 KiB-1 MiB were within noise of each other on every shape tried.
 */
export const BATCH_BYTES = 512 << 10;
let batchBytes = BATCH_BYTES;

/** @internal Sets the group limit (tests: groups of a few entries). */
export function _setBatchBytes(bytes: number): void {
  batchBytes = bytes;
}

/**
 * Same contract as `gemmBatched` in gemm.ts (arguments validated there, M, N > 0): every entry is the
 * product `gemmWasm` would compute, bitwise (the wasm side runs the same kernel entry by entry), but the
 * operands of a group of entries are copied in and C out once, with one call into wasm. Returns false
 * (C untouched) when wasm is unavailable or its memory cannot grow enough.
 */
export function gemmWasmBatched(
  batch: number, transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, strideA: number,
  B: FloatArray, bOff: number, ldb: number, strideB: number,
  beta: number, C: FloatArray, cOff: number, ldc: number, strideC: number,
): boolean {
  const w = wasmKernels();
  if (w === null) return false;
  const f64 = A instanceof Float64Array;
  const sz = f64 ? 8 : 4;
  const aRows = transA ? K : M, aCols = transA ? M : K;
  const bRows = transB ? N : K, bCols = transB ? K : N;
  const perEntry = (aRows * aCols + bRows * bCols + M * N) * sz;
  const group = Math.max(1, Math.min(batch, Math.floor(batchBytes / Math.max(perEntry, 1))));
  const ws = w.workspaceBytes();
  const fn = f64 ? w.dgemmBatched : w.sgemmBatched;
  const compactC = ldc === N && strideC === M * N;
  for (let b0 = 0; b0 < batch; b0 += group) {
    const g = Math.min(group, batch - b0);
    const LA = batchOperand(g, aRows, aCols, lda, strideA);
    const LB = batchOperand(g, bRows, bCols, ldb, strideB);
    const aPtr = align16(ws);
    const bPtr = align16(aPtr + LA.elems * sz);
    const cPtr = align16(bPtr + LB.elems * sz);
    if (!ensureMemory(w, cPtr + g * M * N * sz)) {
      // Only the first group can fail (later ones are no larger), so nothing has been written yet.
      if (b0 === 0) return false;
      throw new Error('gemm: WebAssembly memory could not hold a batch group no larger than the first');
    }
    const heap: FloatArray = f64 ? heapF64() : heapF32();
    copyBatchIn(LA, g, A, aOff + b0 * strideA, aRows, aCols, lda, strideA, heap, aPtr / sz);
    copyBatchIn(LB, g, B, bOff + b0 * strideB, bRows, bCols, ldb, strideB, heap, bPtr / sz);
    const c0 = cOff + b0 * strideC, cW = cPtr / sz;
    if (beta !== 0) {
      if (compactC) heap.set(C.subarray(c0, c0 + g * M * N), cW);
      else for (let i = 0; i < g; i++) copyIn(C, c0 + i * strideC, M, N, ldc, heap, cW + i * M * N, N);
    }
    fn(g, transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, aPtr, LA.ldW, LA.strideW, bPtr, LB.ldW, LB.strideW,
      beta, cPtr, N, M * N, 0);
    if (compactC) C.set(heap.subarray(cW, cW + g * M * N), c0);
    else for (let i = 0; i < g; i++) copyOut(heap, cW + i * M * N, M, N, C, c0 + i * strideC, ldc);
  }
  return true;
}
