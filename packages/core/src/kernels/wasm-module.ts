/**
 * Loads the kernel module (compiled from wasm/*.as, embedded as base64 in
 * wasm-bytes.generated.ts) synchronously at import, and manages its linear memory.
 * Every kernel call copies its operands in, runs, and copies results out; memory grows as
 * needed and is kept for later calls (never shrunk). No fetch, no fs: works in Node, browsers
 * and workers.
 */
import { decodeBase64 } from './base64';
import { GEMM_WASM_BASE64 } from './wasm-bytes.generated';
import { GEMM_RELAXED_WASM_BASE64 } from './wasm-relaxed-bytes.generated';

type GemmFn = (
  transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number,
) => void;

type GemmBatchedFn = (
  batch: number, transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, sa: number, b: number, ldb: number, sb: number,
  beta: number, c: number, ldc: number, sc: number, work: number,
) => void;

/** The module's exports (see wasm/gemm.as, wasm/elementwise.as, wasm/optim.as and wasm/conv.as for the contracts). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  workspaceBytes(): number;
  sgemm: GemmFn;
  dgemm: GemmFn;
  sgemmBatched: GemmBatchedFn;
  dgemmBatched: GemmBatchedFn;
  addF32(a: number, b: number, out: number, n: number): void;
  mulF32(a: number, b: number, out: number, n: number): void;
  reluF32(a: number, out: number, n: number): void;
  reluBackwardF32(g: number, y: number, out: number, n: number): void;
  sumRowsF32(x: number, out: number, acc: number, rows: number, cols: number): void;
  softmaxRowsF32(x: number, out: number, rows: number, cols: number, log: number): void;
  sgdF32(x: number, g: number, n: number, nlr: number): void;
  sgdMomentumF32(x: number, g: number, b: number, n: number, nlr: number, momentum: number): void;
  adamF32(
    x: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, c1: number, c2: number,
    stepSize: number, bc2Sqrt: number, eps: number, wd: number, decay: number, sign: number,
  ): void;
  // recurrent cells (issue 13)
  lstmCellF32(gx: number, gh: number, c: number, out: number, acts: number, rows: number, H: number): void;
  lstmCellBackwardF32(grad: number, acts: number, c: number, dg: number, dc: number, rows: number, H: number): void;
  // convolution and pooling (issue 12; wasm/conv.as)
  im2colF32: ConvGeomFn; im2colF64: ConvGeomFn;
  col2imF32: ConvGeomFn; col2imF64: ConvGeomFn;
  maxPool2dF32: MaxPoolFn; maxPool2dF64: MaxPoolFn;
  scatterAddF32(src: number, idx: number, out: number, planes: number, K: number, M: number): void;
  scatterAddF64(src: number, idx: number, out: number, planes: number, K: number, M: number): void;
  maxPool2x2BackwardF32(g: number, idx: number, out: number, planes: number, H: number, W: number, OH: number, OW: number): void;
  maxPool2x2BackwardF64(g: number, idx: number, out: number, planes: number, H: number, W: number, OH: number, OW: number): void;
  fillRowsF32(dst: number, bias: number, N: number, O: number, L: number): void;
  fillRowsF64(dst: number, bias: number, N: number, O: number, L: number): void;
  // Transformer row kernels (issue 13; wasm/rows.as)
  layerNormF32(x: number, w: number, b: number, out: number, stats: number, rows: number, C: number, eps: number): void;
  layerNormBackwardF32(g: number, x: number, w: number, stats: number, dx: number, dw: number, db: number, rows: number, C: number): void;
  scaledSoftmaxF32(x: number, bias: number, rowOff: number, out: number, rows: number, S: number, scale: number): void;
  softmaxBackwardF32(w: number, g: number, out: number, rows: number, S: number, c: number): void;
  moveHeads(src: number, out: number, N: number, L: number, H: number, runBytes: number, split: number): void;
  squaredErrorSumF32(x: number, t: number, n: number): number;
  squaredErrorGradF32(x: number, t: number, out: number, n: number, gm: number): void;
}

/** im2col/col2im on byte pointers: (src, dst, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow). */
type ConvGeomFn = (
  src: number, dst: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number,
  ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
) => void;
/** (src, out, idx, planes, H, W, OH, OW, kh, kw, sh, sw, dh, dw, offH, offW). */
type MaxPoolFn = (
  src: number, out: number, idx: number, planes: number, H: number, W: number, OH: number, OW: number,
  kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, offH: number, offW: number,
) => void;

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

let kernels: KernelExports | null = null;
let heapBuffer: ArrayBuffer | null = null;
let heap32 = new Float32Array(0);
let heap64 = new Float64Array(0);
// The pooling kernels' index regions: a view made with the others, so a kernel call constructs none.
let heapI32 = new Int32Array(0);

function load(): void {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return;
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) return;
  } catch {
    return;
  }
  const bytes = decodeBase64(GEMM_WASM_BASE64);
  try {
    kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
  } catch {
    // Some browsers refuse synchronous compilation on the main thread above a size limit
    // (older Chrome: 4 KB; this module is ~17 KB). Use the JS paths until async compile lands.
    WebAssembly.instantiate(bytes, {}).then(
      (r) => {
        kernels = r.instance.exports as unknown as KernelExports;
      },
      () => undefined,
    );
  }
}
load();

// The relaxed-SIMD build (fused multiply-add in the GEMM micro-kernel), compiled on first use where
// the engine validates it; undefined = not tried yet, null = unavailable.
let relaxed: KernelExports | null | undefined;
let relaxedWanted = true;

function relaxedKernels(): KernelExports | null {
  if (relaxed === undefined) {
    relaxed = null;
    try {
      const bytes = decodeBase64(GEMM_RELAXED_WASM_BASE64);
      if (WebAssembly.validate(bytes)) {
        relaxed = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
      }
    } catch {
      relaxed = null;
    }
  }
  return relaxed;
}

/** The compiled kernels, or null when WebAssembly SIMD is unavailable (or not compiled yet). */
export function wasmKernels(): KernelExports | null {
  if (relaxedWanted && kernels !== null) return relaxedKernels() ?? kernels;
  return kernels;
}

/** Asks for (true, the default) or declines the relaxed-SIMD build; public wrapper: backend.ts setRelaxedSimd. */
export function setRelaxedWanted(enabled: boolean): void {
  relaxedWanted = enabled;
}

/** Whether the kernels in use are the relaxed-SIMD build; public wrapper: backend.ts relaxedSimdActive. */
export function relaxedInUse(): boolean {
  const k = wasmKernels();
  return k !== null && k === relaxed;
}

/** A float32 view of the module memory as of the last ensureMemory call. */
export function heapF32(): Float32Array {
  return heap32;
}

/** A float64 view of the module memory as of the last ensureMemory call. */
export function heapF64(): Float64Array {
  return heap64;
}

/** An int32 view of the module memory as of the last ensureMemory call. */
export function heapI32View(): Int32Array {
  return heapI32;
}

/** Rounds a byte count up to a multiple of 16 (v128 alignment). */
export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * Makes sure linear memory has at least `bytes` bytes and that heapF32()/heapF64() view the
 * current buffer (a grow detaches the old one). Returns false if the engine will not grow it that far (wasm32 tops out at 4 GiB).
 */
export function ensureMemory(k: KernelExports, bytes: number): boolean {
  const mem = k.memory;
  const have = mem.buffer.byteLength;
  if (bytes > have) {
    // Grow by at least half the current size so a run of slowly increasing shapes does not
    // regrow (and re-view) the memory on every call; fall back to the exact need.
    const need = Math.ceil((bytes - have) / 65536);
    const generous = Math.max(need, Math.ceil(have / 65536 / 2));
    try {
      mem.grow(generous);
    } catch {
      try {
        mem.grow(need);
      } catch {
        return false;
      }
    }
  }
  if (mem.buffer !== heapBuffer) {
    heapBuffer = mem.buffer;
    heap32 = new Float32Array(heapBuffer);
    heap64 = new Float64Array(heapBuffer);
    heapI32 = new Int32Array(heapBuffer);
  }
  return true;
}
