/**
 * Loads the WebAssembly SIMD GEMM module (compiled from wasm/gemm.as, embedded as base64 in
 * wasm-bytes.generated.ts) synchronously at import, and runs products through it by copying
 * the operands into its linear memory. Arguments are validated by `gemm` in gemm.ts.
 *
 * float32 runs the f32x4 kernel (4x8 micro-tile); float64 runs the f64x2 kernel (4x4).
 *
 * Memory layout per call (byte offsets, all 16-byte aligned):
 *   [0, workspace)  packing buffers owned by the kernel
 *   A, B, C         operand copies; C is copied in only when beta != 0
 * Memory grows as needed and is kept for later calls (never shrunk).
 */
import { decodeBase64 } from './base64';
import type { FloatArray } from './float-array';
import { GEMM_WASM_BASE64 } from './wasm-bytes.generated';

type GemmFn = (
  transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number,
) => void;

interface GemmExports {
  memory: WebAssembly.Memory;
  workspaceBytes(): number;
  sgemm: GemmFn;
  dgemm: GemmFn;
}

/**
 * Smallest module using a SIMD instruction: `(func (result v128) i32.const 0 i32x4.splat)`.
 * WebAssembly.validate on it is false on engines without fixed-width SIMD.
 */
export const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //       type section: () -> v128
  0x03, 0x02, 0x01, 0x00, //                         function section: one func of type 0
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b, // code: i32.const 0; i32x4.splat; end
]);

let wasm: GemmExports | null = null;
let workspace = 0;
let heapBuffer: ArrayBuffer | null = null;
let heap32 = new Float32Array(0);
let heap64 = new Float64Array(0);

function install(instance: WebAssembly.Instance): void {
  wasm = instance.exports as unknown as GemmExports;
  workspace = align16(wasm.workspaceBytes());
}

function load(): void {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return;
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) return;
  } catch {
    return;
  }
  const bytes = decodeBase64(GEMM_WASM_BASE64);
  try {
    install(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
  } catch {
    // Some browsers refuse synchronous compilation on the main thread above a size limit
    // (older Chrome: 4 KB; this module is ~7 KB). Use the JS path until async compile lands.
    WebAssembly.instantiate(bytes, {}).then(
      (r) => install(r.instance),
      () => undefined,
    );
  }
}
load();

/** True when the SIMD module is compiled and ready. */
export function wasmAvailable(): boolean {
  return wasm !== null;
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

/** Makes sure linear memory has `bytes` bytes; refreshes the typed views after a grow. */
function ensureMemory(w: GemmExports, bytes: number): void {
  const mem = w.memory;
  const have = mem.buffer.byteLength;
  if (bytes > have) mem.grow(Math.ceil((bytes - have) / 65536));
  if (mem.buffer !== heapBuffer) {
    heapBuffer = mem.buffer;
    heap32 = new Float32Array(heapBuffer);
    heap64 = new Float64Array(heapBuffer);
  }
}

/**
 * Leading dimension to use inside wasm memory for a rows x cols operand stored with `ld`:
 * keep `ld` (one bulk copy of the whole span) unless the gaps would more than double the
 * copied volume, then compact rows to `cols`.
 */
function wasmLd(rows: number, cols: number, ld: number): number {
  if (ld === cols || rows <= 1) return ld;
  return (rows - 1) * ld + cols <= 2 * rows * cols ? ld : cols;
}

function spanOf(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** Copies a rows x cols operand (leading dim ldSrc) to heap[dst...] with leading dim ldDst. */
function copyIn(
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
function copyOut(heap: FloatArray, src: number, M: number, N: number, C: FloatArray, cOff: number, ldc: number): void {
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
 * Same contract as `gemm` in gemm.ts, computed by the wasm kernels. Returns false (and
 * leaves C untouched) when wasm is unavailable or its memory cannot grow enough.
 */
export function gemmWasm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  beta: number, C: FloatArray, cOff: number, ldc: number,
): boolean {
  const w = wasm;
  if (w === null) return false;
  const f64 = A instanceof Float64Array;
  const sz = f64 ? 8 : 4;
  const aRows = transA ? K : M;
  const aCols = transA ? M : K;
  const bRows = transB ? N : K;
  const bCols = transB ? K : N;
  const ldaW = wasmLd(aRows, aCols, lda);
  const ldbW = wasmLd(bRows, bCols, ldb);
  const aPtr = workspace;
  const bPtr = align16(aPtr + spanOf(aRows, aCols, ldaW) * sz);
  const cPtr = align16(bPtr + spanOf(bRows, bCols, ldbW) * sz);
  const end = cPtr + M * N * sz;
  try {
    ensureMemory(w, end);
  } catch {
    return false; // beyond what the engine lets a wasm32 memory grow to
  }
  const heap: FloatArray = f64 ? heap64 : heap32;
  copyIn(A, aOff, aRows, aCols, lda, heap, aPtr / sz, ldaW);
  copyIn(B, bOff, bRows, bCols, ldb, heap, bPtr / sz, ldbW);
  if (beta !== 0) copyIn(C, cOff, M, N, ldc, heap, cPtr / sz, N);
  (f64 ? w.dgemm : w.sgemm)(transA ? 1 : 0, transB ? 1 : 0, M, N, K, alpha, aPtr, ldaW, bPtr, ldbW, beta, cPtr, N, 0);
  copyOut(heap, cPtr / sz, M, N, C, cOff, ldc);
  return true;
}
