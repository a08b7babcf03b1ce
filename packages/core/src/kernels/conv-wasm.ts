/**
 * Whole-batch convolutions and max pooling in the wasm module's linear memory (wasm/conv.as beside
 * wasm/gemm.as). A conv copies its operands in once, then for each image and group runs im2col,
 * the GEMM and col2im on memory regions there, and copies the result out once: the column matrix
 * never travels to JS and back, and the weight is copied once per batch instead of once per image.
 *
 * The GEMM calls are the ones ops/conv.ts makes through kernels/gemm.ts (same kernel, same operand
 * values and leading dims), so results are bitwise those of the per-image path (one exception: the
 * JS transposed conv adds +0 for the column entries that fall outside the image, which turns a -0
 * there into +0; the wasm col2im skips them). Each driver returns false, having changed nothing,
 * where that path would not run the one-thread wasm GEMM (backend 'js', products under WASM_MIN_MACS
 * under 'auto', the two-thread GEMM, no memory): the caller then runs its per-image loop. A batch
 * whose regions would pass CHUNK_BYTES runs in chunks of images (pooling: of planes).
 *
 * Max pooling with whole windows and its gradient run the same way, bitwise equal to the JS loops.
 */
import type { FloatArray } from './float-array';
import type { ConvGeom } from './im2col';
import { wasmGemmApplies } from './gemm';
import { wasmFor } from './elementwise';
import { wantsThreads } from './gemm-threads';
import { align16, ensureMemory, heapF32, heapF64, heapI32View, wasmKernels, type KernelExports } from './wasm-module';

/** The kernels, when kernels/gemm.ts would run an M×N×K product of this dtype on the one-thread wasm GEMM. */
function gemmKernels(M: number, N: number, K: number, f64: boolean): KernelExports | null {
  if (!wasmGemmApplies(M, N, K)) return null;
  if (!f64 && wantsThreads(M, N, K)) return null;
  return wasmKernels();
}

/** Byte pointers for consecutive regions of `counts` elements of `sz` bytes from `base`, and the end. */
function regions(base: number, sz: number, counts: number[]): number[] {
  const ptrs: number[] = [];
  let p = align16(base);
  for (const n of counts) {
    ptrs.push(p);
    p = align16(p + n * sz);
  }
  ptrs.push(p);
  return ptrs;
}

const heapOf = (f64: boolean): FloatArray => (f64 ? heapF64() : heapF32());

/** Geometry arguments of the im2col/col2im kernels after (src, dst). */
const geomArgs = (g: ConvGeom): [number, number, number, number, number, number, number, number, number, number, number, number, number] =>
  [g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow];

/**
 * Each of the N·O rows of L elements at byte pointer `at` set to bias[o] (the row's channel; the O
 * values copied to `biasAt` first), or all zeros.
 */
function fillRows(k: KernelExports, f64: boolean, at: number, bias: FloatArray | null, biasAt: number, N: number, O: number, L: number): void {
  const heap = heapOf(f64), sz = f64 ? 8 : 4;
  if (!bias) {
    heap.fill(0, at / sz, at / sz + N * O * L);
    return;
  }
  heap.set(bias.subarray(0, O), biasAt / sz);
  (f64 ? k.fillRowsF64 : k.fillRowsF32)(at, biasAt, N, O, L);
}

/**
 * Images per chunk: the whole batch unless its per-image regions (`perImage` bytes) pass CHUNK_BYTES,
 * so that a large batch does not grow wasm memory (which is never shrunk) to its full size.
 */
let CHUNK_BYTES = 32 << 20;
const chunkOf = (N: number, perImage: number): number => Math.max(1, Math.min(N, Math.floor(CHUNK_BYTES / Math.max(1, perImage))));

/** @internal Tests: the chunk budget in bytes (returns the previous one), to run batches in several chunks. */
export function _setConvChunkBytes(bytes: number): number {
  const old = CHUNK_BYTES;
  CHUNK_BYTES = bytes;
  return old;
}

/**
 * conv forward: out [N, O, L] = bias + W_g · im2col(x[n], group g) for each image and group (bias
 * [O] written first, the GEMM adding onto it, as ops/conv.ts's loop; null: the GEMM writes out);
 * x [N, C, H, W], w [O, K], `g` the per-group geometry (g.C = C / groups). `direct`: the image is its
 * own column matrix (1×1 kernel, stride 1, no padding).
 */
export function convForwardWasm(
  xs: FloatArray, ws: FloatArray, bias: FloatArray | null, out: FloatArray, N: number, C: number, O: number, groups: number,
  g: ConvGeom, direct: boolean,
): boolean {
  const f64 = xs instanceof Float64Array, sz = f64 ? 8 : 4;
  const Cg = C / groups, Og = O / groups, K = Cg * g.kh * g.kw, L = g.oh * g.ow, HW = g.H * g.W;
  const k = gemmKernels(Og, L, K, f64);
  if (k === null || N === 0) return false;
  const B = chunkOf(N, (C * HW + O * L) * sz);
  const [xP, oP, wP, cP, bP, end] = regions(k.workspaceBytes(), sz, [B * C * HW, B * O * L, O * K, direct ? 0 : K * L, O]);
  if (!ensureMemory(k, end)) return false;
  const heap = heapOf(f64);
  heap.set(ws.subarray(0, O * K), wP / sz);
  const gemmFn = f64 ? k.dgemm : k.sgemm, im2col = f64 ? k.im2colF64 : k.im2colF32;
  const ga = geomArgs(g), beta = bias ? 1 : 0;
  for (let n0 = 0; n0 < N; n0 += B) {
    const nb = Math.min(B, N - n0);
    heap.set(xs.subarray(n0 * C * HW, (n0 + nb) * C * HW), xP / sz);
    if (bias) fillRows(k, f64, oP, bias, bP, nb, O, L);
    for (let n = 0; n < nb; n++) {
      for (let gi = 0; gi < groups; gi++) {
        const xPtr = xP + (n * C + gi * Cg) * HW * sz;
        if (!direct) im2col(xPtr, cP, ...ga);
        gemmFn(0, 0, Og, L, K, 1, wP + gi * Og * K * sz, K, direct ? xPtr : cP, L, beta, oP + (n * O + gi * Og) * L * sz, L, 0);
      }
    }
    out.set(heap.subarray(oP / sz, oP / sz + nb * O * L), n0 * O * L);
  }
  return true;
}

/**
 * conv weight gradient: out [O, K] = Σₙ up[n]_g · im2col(img[n], group g)ᵀ per group; img [N, C, H, W]
 * (g's image, g.C = C / groups), up [N, O, L].
 */
export function convWeightGradWasm(
  xs: FloatArray, us: FloatArray, out: FloatArray, N: number, C: number, O: number, groups: number, g: ConvGeom,
): boolean {
  const f64 = xs instanceof Float64Array, sz = f64 ? 8 : 4;
  const Cg = C / groups, Og = O / groups, K = Cg * g.kh * g.kw, L = g.oh * g.ow, HW = g.H * g.W;
  const k = gemmKernels(Og, K, L, f64);
  if (k === null || N === 0) return false;
  const B = chunkOf(N, (C * HW + O * L) * sz);
  const [xP, uP, oP, cP, end] = regions(k.workspaceBytes(), sz, [B * C * HW, B * O * L, O * K, K * L]);
  if (!ensureMemory(k, end)) return false;
  const heap = heapOf(f64);
  const gemmFn = f64 ? k.dgemm : k.sgemm, im2col = f64 ? k.im2colF64 : k.im2colF32;
  const ga = geomArgs(g);
  for (let n0 = 0; n0 < N; n0 += B) {
    const nb = Math.min(B, N - n0);
    heap.set(xs.subarray(n0 * C * HW, (n0 + nb) * C * HW), xP / sz);
    heap.set(us.subarray(n0 * O * L, (n0 + nb) * O * L), uP / sz);
    for (let n = 0; n < nb; n++) {
      for (let gi = 0; gi < groups; gi++) {
        im2col(xP + (n * C + gi * Cg) * HW * sz, cP, ...ga);
        gemmFn(0, 1, Og, K, L, 1, uP + (n * O + gi * Og) * L * sz, L, cP, L, n0 + n > 0 ? 1 : 0, oP + gi * Og * K * sz, K, 0);
      }
    }
  }
  out.set(heap.subarray(oP / sz, oP / sz + O * K));
  return true;
}

/**
 * Transposed conv: out [N, O, H, W] = bias (or zeros) + col2im(W_gᵀ · x[n]_g) for each image and group;
 * x [N, Cin, L], w [Cin, K] (K = O/groups·kh·kw), `g` the per-group geometry of the output (g.C = O / groups).
 */
export function convTransposeWasm(
  xs: FloatArray, ws: FloatArray, bias: FloatArray | null, out: FloatArray, N: number, Cin: number, O: number, groups: number, g: ConvGeom,
): boolean {
  const f64 = xs instanceof Float64Array, sz = f64 ? 8 : 4;
  const Cgi = Cin / groups, Og = O / groups, K = Og * g.kh * g.kw, L = g.oh * g.ow, HW = g.H * g.W;
  const k = gemmKernels(K, L, Cgi, f64);
  if (k === null || N === 0) return false;
  const B = chunkOf(N, (Cin * L + O * HW) * sz);
  const [xP, oP, wP, cP, bP, end] = regions(k.workspaceBytes(), sz, [B * Cin * L, B * O * HW, Cin * K, K * L, O]);
  if (!ensureMemory(k, end)) return false;
  const heap = heapOf(f64);
  heap.set(ws.subarray(0, Cin * K), wP / sz);
  const gemmFn = f64 ? k.dgemm : k.sgemm, col2im = f64 ? k.col2imF64 : k.col2imF32;
  const ga = geomArgs(g);
  for (let n0 = 0; n0 < N; n0 += B) {
    const nb = Math.min(B, N - n0);
    heap.set(xs.subarray(n0 * Cin * L, (n0 + nb) * Cin * L), xP / sz);
    fillRows(k, f64, oP, bias, bP, nb, O, HW);
    for (let n = 0; n < nb; n++) {
      for (let gi = 0; gi < groups; gi++) {
        gemmFn(1, 0, K, L, Cgi, 1, wP + gi * Cgi * K * sz, K, xP + (n * Cin + gi * Cgi) * L * sz, L, 0, cP, L, 0);
        col2im(cP, oP + (n * O + gi * Og) * HW * sz, ...ga);
      }
    }
    out.set(heap.subarray(oP / sz, oP / sz + nb * O * HW), n0 * O * HW);
  }
  return true;
}

/** One axis of a pooling plan whose windows are all whole: k taps from o·s + off, d apart. */
export interface RegularAxis { k: number; s: number; d: number; off: number }

/**
 * Max pooling with whole windows over `planes` planes H×W -> OH×OW: window maxima into out and their
 * in-plane indices into idx (ops/pooling.ts's maxKernelRegular, bit for bit).
 */
export function maxPoolWasm(
  src: FloatArray, out: FloatArray, idx: Int32Array, planes: number, H: number, W: number, OH: number, OW: number,
  rh: RegularAxis, rw: RegularAxis,
): boolean {
  const f64 = src instanceof Float64Array, sz = f64 ? 8 : 4;
  const n = H * W, m = OH * OW, B = chunkOf(planes, n * sz + m * (sz + 4));
  const [sP, oP, iP, end] = regions(0, sz, [B * n, B * m, (B * m * 4) / sz]);
  const k = wasmFor(end);
  if (k === null) return false;
  const heap = heapOf(f64), ix = heapI32View().subarray(iP / 4, iP / 4 + B * m);
  for (let p0 = 0; p0 < planes; p0 += B) {
    const pb = Math.min(B, planes - p0);
    heap.set(src.subarray(p0 * n, (p0 + pb) * n), sP / sz);
    (f64 ? k.maxPool2dF64 : k.maxPool2dF32)(sP, oP, iP, pb, H, W, OH, OW, rh.k, rw.k, rh.s, rw.s, rh.d, rw.d, rh.off, rw.off);
    out.set(heap.subarray(oP / sz, oP / sz + pb * m), p0 * m);
    idx.set(ix.subarray(0, pb * m), p0 * m);
  }
  return true;
}

/** out (planes×M) = zeros plus src (planes×K) added at the in-plane indices idx (negative ones skipped). */
export function scatterAddWasm(src: FloatArray, idx: Int32Array, out: FloatArray, planes: number, K: number, M: number): boolean {
  const f64 = src instanceof Float64Array, sz = f64 ? 8 : 4;
  const B = chunkOf(planes, K * (sz + 4) + M * sz);
  const [sP, iP, oP, end] = regions(0, sz, [B * K, (B * K * 4) / sz, B * M]);
  const k = wasmFor(end);
  if (k === null) return false;
  const heap = heapOf(f64), ix = heapI32View().subarray(iP / 4, iP / 4 + B * K);
  for (let p0 = 0; p0 < planes; p0 += B) {
    const pb = Math.min(B, planes - p0);
    heap.set(src.subarray(p0 * K, (p0 + pb) * K), sP / sz);
    ix.set(idx.subarray(p0 * K, (p0 + pb) * K));
    (f64 ? k.scatterAddF64 : k.scatterAddF32)(sP, iP, oP, pb, K, M);
    out.set(heap.subarray(oP / sz, oP / sz + pb * M), p0 * M);
  }
  return true;
}

/**
 * The gradient of a 2×2, stride-2 max pooling without padding over planes H×W (OH = floor(H/2), OW =
 * floor(W/2)): each window's gradient g at its index idx, zeros elsewhere — scatterAddWasm's values
 * without zeroing the output first (the windows do not overlap).
 */
export function maxPool2x2BackwardWasm(g: FloatArray, idx: Int32Array, out: FloatArray, planes: number, H: number, W: number, OH: number, OW: number): boolean {
  const f64 = g instanceof Float64Array, sz = f64 ? 8 : 4;
  const m = OH * OW, n = H * W, B = chunkOf(planes, m * (sz + 4) + n * sz);
  const [gP, iP, oP, end] = regions(0, sz, [B * m, (B * m * 4) / sz, B * n]);
  const k = wasmFor(end);
  if (k === null) return false;
  const heap = heapOf(f64), ix = heapI32View().subarray(iP / 4, iP / 4 + B * m);
  for (let p0 = 0; p0 < planes; p0 += B) {
    const pb = Math.min(B, planes - p0);
    heap.set(g.subarray(p0 * m, (p0 + pb) * m), gP / sz);
    ix.set(idx.subarray(p0 * m, (p0 + pb) * m));
    (f64 ? k.maxPool2x2BackwardF64 : k.maxPool2x2BackwardF32)(gP, iP, oP, pb, H, W, OH, OW);
    out.set(heap.subarray(oP / sz, oP / sz + pb * n), p0 * n);
  }
  return true;
}
