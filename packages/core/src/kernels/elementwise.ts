/**
 * float32 kernels (WebAssembly SIMD, from wasm/elementwise.as) for elementwise add / mul / relu,
 * relu's backward and row-wise softmax / log-softmax, each with a plain-JS twin used when the
 * backend is 'js' or SIMD is unavailable. The ops call relu, its backward and the row softmaxes
 * for float32 tensors of at least SIMD_MIN elements (see ops/kernels.ts and ops/activation.ts):
 * with the copies into wasm memory included, relu on 64x128 takes ~5 us against ~28 us for the
 * JS loop (whose data-dependent branch mispredicts), log-softmax on 64x10 ~4 us against ~32 us.
 *
 * Every function writes `out` (which may be the same array as an input) and takes whole
 * arrays: callers pass contiguous data, e.g. `tensor.dataSync()` or a subarray.
 */
import { kernelBackend } from './backend';
import { align16, ensureMemory, heapF32, wasmKernels, type KernelExports } from './wasm-module';

function checkSameLength(fn: string, arrays: Array<[string, Float32Array]>): number {
  const n = arrays[0][1].length;
  for (const [name, a] of arrays) {
    if (!(a instanceof Float32Array)) {
      throw new Error(`${fn}: ${name} must be a Float32Array, got ${a === null ? 'null' : (a as object)?.constructor?.name ?? typeof a}`);
    }
    if (a.length !== n) {
      throw new Error(`${fn}: ${arrays.map(([nm, x]) => `${nm} has ${x.length}`).join(', ')} elements; all must match`);
    }
  }
  return n;
}

/** The kernels when the wasm path applies and memory for `bytes` is available, else null (also used by optim-update.ts). */
export function wasmFor(bytes: number): KernelExports | null {
  if (kernelBackend() !== 'wasm') return null;
  const k = wasmKernels();
  return k !== null && ensureMemory(k, bytes) ? k : null;
}

function binary(fn: 'addF32' | 'mulF32', a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = checkSameLength(fn, [['a', a], ['b', b], ['out', out]]);
  const k = wasmFor(8 * n);
  if (k !== null) {
    const heap = heapF32();
    heap.set(a, 0);
    heap.set(b, n);
    k[fn](0, 4 * n, 0, n);
    out.set(heap.subarray(0, n));
    return;
  }
  if (fn === 'addF32') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  else for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
}

/**
 * out[i] = a[i] + b[i] (float32, same lengths).
 * @example addF32(new Float32Array([1, 2]), new Float32Array([3, 4]), out) // out = [4, 6]
 */
export function addF32(a: Float32Array, b: Float32Array, out: Float32Array): void {
  binary('addF32', a, b, out);
}

/**
 * out[i] = a[i] * b[i] (float32, same lengths).
 * @example mulF32(new Float32Array([1, 2]), new Float32Array([3, 4]), out) // out = [3, 8]
 */
export function mulF32(a: Float32Array, b: Float32Array, out: Float32Array): void {
  binary('mulF32', a, b, out);
}

/**
 * out[i] = a[i] < 0 ? 0 : a[i]: NaN and -0 kept, as PyTorch's relu.
 * @example reluF32(new Float32Array([-1, 2]), out) // out = [0, 2]
 */
export function reluF32(a: Float32Array, out: Float32Array): void {
  const n = checkSameLength('reluF32', [['a', a], ['out', out]]);
  const k = wasmFor(4 * n);
  if (k !== null) {
    const heap = heapF32();
    heap.set(a, 0);
    k.reluF32(0, 0, n);
    out.set(heap.subarray(0, n));
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = a[i];
    out[i] = x < 0 ? 0 : x;
  }
}

/**
 * relu's backward, PyTorch's threshold_backward: out[i] = y[i] <= 0 ? 0 : g[i] (y is relu's output;
 * a NaN y passes g through).
 * @example reluBackwardF32(new Float32Array([5, 6]), new Float32Array([0, 2]), out) // out = [0, 6]
 */
export function reluBackwardF32(g: Float32Array, y: Float32Array, out: Float32Array): void {
  const n = checkSameLength('reluBackwardF32', [['g', g], ['y', y], ['out', out]]);
  const k = wasmFor(8 * n);
  if (k !== null) {
    const heap = heapF32();
    heap.set(g, 0);
    heap.set(y, n);
    k.reluBackwardF32(0, 4 * n, 0, n);
    out.set(heap.subarray(0, n));
    return;
  }
  for (let i = 0; i < n; i++) out[i] = y[i] <= 0 ? 0 : g[i];
}

/**
 * Column sums of a rows x cols float32 matrix (rows contiguous): out[j] = Σ_r x[r, j], accumulated in
 * float64 in row order and rounded once, on both paths (so they agree bit for bit).
 * @example sumRowsF32(new Float32Array([1, 2, 3, 4]), out, 2, 2) // out = [4, 6]
 */
export function sumRowsF32(x: Float32Array, out: Float32Array, nRows: number, cols: number): void {
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array)) throw new Error('sumRowsF32: x and out must be Float32Arrays');
  if (!Number.isInteger(nRows) || !Number.isInteger(cols) || nRows < 0 || cols < 0 || nRows * cols !== x.length || out.length !== cols) {
    throw new Error(`sumRowsF32: rows=${nRows} x cols=${cols} does not describe x (${x.length} elements) and out (${out.length})`);
  }
  const accBytes = align16(8 * cols), xBytes = align16(4 * x.length);
  const k = wasmFor(accBytes + xBytes + 4 * cols);
  if (k !== null) {
    const heap = heapF32();
    heap.set(x, accBytes / 4);
    k.sumRowsF32(accBytes, accBytes + xBytes, 0, nRows, cols);
    out.set(heap.subarray((accBytes + xBytes) / 4, (accBytes + xBytes) / 4 + cols));
    return;
  }
  columnSumsInto(x, nRows, cols, out);
}

// columnSumsInto's float64 accumulators for a narrower output: grow-only and reused by every call (a
// kernel that allocated them per run would allocate on every replay of a compiled step). Only read
// inside columnSumsInto, before it returns; never an output.
let acc64 = new Float64Array(0);

/**
 * The JS column sums into out[0, cols): float64 accumulators, rows added in order (sumRowsF32's fallback;
 * ops/reduce.ts for any dtype). A Float64Array out is its own accumulator (the same additions).
 */
export function columnSumsInto(x: ArrayLike<number>, nRows: number, cols: number, out: { [i: number]: number }): void {
  let acc: Float64Array;
  if (out instanceof Float64Array) acc = out;
  else {
    if (acc64.length < cols) acc64 = new Float64Array(cols);
    acc = acc64;
  }
  acc.fill(0, 0, cols);
  for (let r = 0; r < nRows; r++) {
    const base = r * cols;
    for (let j = 0; j < cols; j++) acc[j] += x[base + j];
  }
  if (acc !== out) for (let j = 0; j < cols; j++) out[j] = acc[j];
}

/** Below this many elements the plain-JS loops win (the wasm call and copies cost ~0.5 us). */
export const SIMD_MIN = 64;

/** Whether the ops should take these kernels for float32 arrays of n elements. */
export function simdApplies(n: number): boolean {
  return n >= SIMD_MIN && kernelBackend() === 'wasm';
}

function rows(fn: string, x: Float32Array, out: Float32Array, nRows: number, cols: number, log: boolean): void {
  const n = checkSameLength(fn, [['x', x], ['out', out]]);
  if (!Number.isInteger(nRows) || !Number.isInteger(cols) || nRows < 0 || cols < 0 || nRows * cols !== n) {
    throw new Error(`${fn}: rows=${nRows} x cols=${cols} does not describe the ${n} elements of x`);
  }
  const k = wasmFor(4 * n);
  if (k !== null) {
    const heap = heapF32();
    heap.set(x, 0);
    k.softmaxRowsF32(0, 0, nRows, cols, log ? 1 : 0);
    out.set(heap.subarray(0, n));
    return;
  }
  for (let r = 0; r < nRows; r++) {
    const b = r * cols;
    let m = -Infinity;
    for (let j = b; j < b + cols; j++) {
      const v = x[j];
      if (v > m || v !== v) m = v; // NaN propagates, as in the wasm kernel and PyTorch
      if (m !== m) break;
    }
    let s = 0;
    for (let j = b; j < b + cols; j++) {
      const e = Math.exp(x[j] - m);
      if (!log) out[j] = e;
      s += e;
    }
    if (log) {
      const lse = Math.log(s);
      for (let j = b; j < b + cols; j++) out[j] = x[j] - m - lse;
    } else {
      const inv = 1 / s;
      for (let j = b; j < b + cols; j++) out[j] *= inv;
    }
  }
}

/**
 * Softmax of each row of a rows x cols float32 matrix (rows contiguous):
 * out[r, j] = exp(x[r, j] - max_r) / Σ_j exp(x[r, j] - max_r). -Infinity logits give exactly 0.
 * The wasm exp is a ~1 ulp polynomial (subnormal results included, as PyTorch gives them).
 * @example softmaxRowsF32(new Float32Array([0, Math.log(3)]), out, 1, 2) // out ≈ [0.25, 0.75]
 */
export function softmaxRowsF32(x: Float32Array, out: Float32Array, nRows: number, cols: number): void {
  rows('softmaxRowsF32', x, out, nRows, cols, false);
}

/**
 * Log-softmax of each row: out[r, j] = (x[r, j] - max_r) - log Σ_j exp(x[r, j] - max_r).
 * @example logSoftmaxRowsF32(new Float32Array([0, 0]), out, 1, 2) // out ≈ [-0.6931, -0.6931]
 */
export function logSoftmaxRowsF32(x: Float32Array, out: Float32Array, nRows: number, cols: number): void {
  rows('logSoftmaxRowsF32', x, out, nRows, cols, true);
}
