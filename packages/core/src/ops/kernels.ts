/**
 * The strided loops every elementwise and reduction op runs on. Fast paths for contiguous operands;
 * the general path walks an odometer over the output shape with one pointer per operand, so
 * broadcasting (stride 0) and views (any strides) cost no copies.
 */
import { Tensor, stridedCopy } from '../tensor';
import { DType, TypedArray, allocate, allocateUninit } from '../dtype';
import { numelOf, broadcastStrides, sameShape } from '../shape';
import { reluBackwardF32, reluF32, simdApplies } from '../kernels/elementwise';
import { runKernel } from '../compile/capture';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)

export type BinaryFn = (x: number, y: number) => number;
export type UnaryFn = (x: number) => number;

function contiguousRange(t: Tensor): TypedArray | null {
  if (!t.isContiguous()) return null;
  const o = t.nd.offset;
  const d = t._storage.data;
  return o === 0 && d.length === t.numel() ? d : (d.subarray(o, o + t.numel()) as TypedArray);
}

type Arr = TypedArray;
interface BinaryLoops {
  flat(a: Arr, b: Arr, out: Arr, n: number): void;
  left(a: Arr, y: number, out: Arr, n: number): void;
  right(x: number, b: Arr, out: Arr, n: number): void;
  /** f(a, b) with b one value per row (b[bo + r]) or, with `aRows`, a one value per row. */
  rows(a: Arr, ao: number, b: Arr, bo: number, out: Arr, rows: number, cols: number, aRows: boolean): void;
  /** f(a, b) with b one value per column (b[bo + j]) or, with `aCols`, a one value per column. */
  cols(a: Arr, ao: number, b: Arr, bo: number, out: Arr, rows: number, cols: number, aCols: boolean): void;
  strided(ad: Arr, ao: number, as: number[], bd: Arr, bo: number, bs: number[], out: Arr, shape: number[], n: number): void;
}
interface UnaryLoops {
  flat(a: Arr, out: Arr, n: number): void;
}

/** The elementwise loops around a scalar function `f` (self-contained: compiled copies are made from its source). */
function binaryLoops(f: BinaryFn): BinaryLoops {
  return {
    flat(a, b, out, n) { for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]); },
    left(a, y, out, n) { for (let i = 0; i < n; i++) out[i] = f(a[i], y); },
    right(x, b, out, n) { for (let i = 0; i < n; i++) out[i] = f(x, b[i]); },
    rows(a, ao, b, bo, out, rows, cols, aRows) {
      for (let r = 0, o = 0; r < rows; r++) {
        if (aRows) { const x = a[ao + r]; for (let j = 0; j < cols; j++, o++) out[o] = f(x, b[bo + o]); }
        else { const y = b[bo + r]; for (let j = 0; j < cols; j++, o++) out[o] = f(a[ao + o], y); }
      }
    },
    cols(a, ao, b, bo, out, rows, cols, aCols) {
      for (let r = 0, o = 0; r < rows; r++) {
        if (aCols) for (let j = 0; j < cols; j++, o++) out[o] = f(a[ao + j], b[bo + o]);
        else for (let j = 0; j < cols; j++, o++) out[o] = f(a[ao + o], b[bo + j]);
      }
    },
    strided(ad, ao, as, bd, bo, bs, out, shape, n) {
      const nd = shape.length, last = shape[nd - 1], al = as[nd - 1], bl = bs[nd - 1];
      const idx = new Array<number>(nd).fill(0);
      let ai = ao, bi = bo, o = 0;
      for (let r = 0, outer = n / last; r < outer; r++) {
        let x = ai, y = bi;
        for (let j = 0; j < last; j++) { out[o++] = f(ad[x], bd[y]); x += al; y += bl; }
        for (let d = nd - 2; d >= 0; d--) {
          idx[d]++; ai += as[d]; bi += bs[d];
          if (idx[d] < shape[d]) break;
          ai -= as[d] * shape[d]; bi -= bs[d] * shape[d]; idx[d] = 0;
        }
      }
    },
  };
}
function unaryLoops(f: UnaryFn): UnaryLoops {
  return { flat(a, out, n) { for (let i = 0; i < n; i++) out[i] = f(a[i]); } };
}

// Each op (`key`) gets its own copy of the loops, compiled from the factory's source, so that the call
// to its `f` is monomorphic and inlined by the JIT (shared loops calling many different `f`s run several
// times slower). Where code generation is not allowed (strict CSP) or the source does not stand alone
// (an instrumented build), the factory itself is used.
let codegen = true;
function loopsFor<T>(cache: Map<string, T>, key: string | undefined, factory: (f: never) => T, f: unknown, probe: (k: T) => void): T {
  if (key === undefined || !codegen) return factory(f as never);
  let k = cache.get(key);
  if (!k) {
    try {
      k = (new Function(`return (${factory.toString()});`)() as (f: unknown) => T)(f);
      probe(k);
    } catch {
      codegen = false;
      return factory(f as never);
    }
    cache.set(key, k);
  }
  return k;
}
const binaryCache = new Map<string, BinaryLoops>();
const unaryCache = new Map<string, UnaryLoops>();
// One-element calls that fail at once if a compiled copy cannot run (float32: the common dtype, so the
// probe adds no new array kind to the loops' type feedback).
const one = (): Float32Array => new Float32Array(1);
const probeBinary = (k: BinaryLoops): void => k.strided(one(), 0, [0], one(), 0, [0], one(), [1], 1);
const probeUnary = (k: UnaryLoops): void => k.flat(one(), one(), 1);

// Ops with a WebAssembly SIMD float32 kernel (kernels/elementwise.ts), keyed like the compiled loops.
// Each computes what its scalar function does, so the two paths give the same values.
const SIMD_UNARY: Record<string, (a: Float32Array, out: Float32Array) => void> = { relu: reluF32 };
const SIMD_BINARY: Record<string, (a: Float32Array, b: Float32Array, out: Float32Array) => void> = { reluMask: reluBackwardF32 };

/** An output every element of which the caller writes: float outputs may reuse a recycled buffer. */
const outputOf = (dtype: DType, n: number): TypedArray =>
  dtype === 'float32' || dtype === 'float64' ? allocateUninit(dtype, n) : allocate(dtype, n);

/** Elementwise f(x). `key` names a fixed f (the op) so its compiled loop is reused; omit it for closures over arguments. */
export function mapUnary(x: Tensor, dtype: DType, f: UnaryFn, key?: string, gpu?: WG.UnaryArgs): Tensor {
  if (x._storage.gpu !== null) return WG.unary(x, dtype, gpu?.op ?? key, gpu?.args); // webgpu (issue 17): closures name their device kernel and its scalars
  const n = x.numel();
  const out = outputOf(dtype, n);
  runKernel(() => {
    const src = contiguousRange(x) ?? x._contigData();
    const simd = key === undefined ? undefined : SIMD_UNARY[key];
    if (simd !== undefined && src instanceof Float32Array && out instanceof Float32Array && simdApplies(n)) simd(src, out);
    else loopsFor(unaryCache, key, unaryLoops, f, probeUnary).flat(src, out, n);
  }, out);
  return Tensor._fromData(out, x.shape, dtype);
}

/** Elementwise f(a, b) over the broadcast `shape`. `key` as for mapUnary. */
export function mapBinary(a: Tensor, b: Tensor, shape: number[], dtype: DType, f: BinaryFn, key?: string): Tensor {
  if (a._storage.gpu !== null || b._storage.gpu !== null) return WG.binary(a, b, shape, dtype, key); // webgpu (issue 17)
  const n = numelOf(shape);
  const out = outputOf(dtype, n);
  const k = loopsFor(binaryCache, key, binaryLoops, f, probeBinary);
  const ca = sameShape(a._shape, shape) ? contiguousRange(a) : null;
  const cb = sameShape(b._shape, shape) ? contiguousRange(b) : null;
  const simd = key === undefined ? undefined : SIMD_BINARY[key];
  // The scalar operands are read inside the kernel: a compiled step's replay reads them again.
  if (simd !== undefined && ca instanceof Float32Array && cb instanceof Float32Array && out instanceof Float32Array && simdApplies(n)) runKernel(() => simd(ca, cb, out), out);
  else if (ca && b.numel() === 1) runKernel(() => k.left(ca, b._storage.data[b.nd.offset], out, n), out);
  else if (cb && a.numel() === 1) runKernel(() => k.right(a._storage.data[a.nd.offset], cb, out, n), out);
  else if (ca && cb) runKernel(() => k.flat(ca, cb, out, n), out);
  else if (n > 0 && shape.length === 0) runKernel(() => { out[0] = f(a._storage.data[a.nd.offset], b._storage.data[b.nd.offset]); }, out);
  else if (n > 0) {
    const as = broadcastStrides(a._shape, a.nd.stride, shape);
    const bs = broadcastStrides(b._shape, b.nd.stride, shape);
    const ad = a._storage.data, bd = b._storage.data, ao = a.nd.offset, bo = b.nd.offset;
    // The two broadcasts that reductions' gradients and normalizations make ([N, C] with [N, 1] or with
    // [C]) run as plain row loops, without the strided loop's per-element odometer.
    const cols = shape[shape.length - 1], rows = n / cols;
    const nd = shape.length;
    const aRowMajor = nd >= 2 && rowMajor(as, shape, nd), bRowMajor = nd >= 2 && rowMajor(bs, shape, nd);
    if (aRowMajor && perRow(bs, shape)) runKernel(() => k.rows(ad, ao, bd, bo, out, rows, cols, false), out);
    else if (bRowMajor && perRow(as, shape)) runKernel(() => k.rows(ad, ao, bd, bo, out, rows, cols, true), out);
    else if (aRowMajor && perCol(bs, shape)) runKernel(() => k.cols(ad, ao, bd, bo, out, rows, cols, false), out);
    else if (bRowMajor && perCol(as, shape)) runKernel(() => k.cols(ad, ao, bd, bo, out, rows, cols, true), out);
    else runKernel(() => k.strided(ad, ao, as, bd, bo, bs, out, shape, n), out);
  } else runKernel(() => undefined, out);
  return Tensor._fromData(out, shape, dtype);
}

/** Whether broadcast strides `s` are row-major over dims [0, end) of `shape` (size-1 dims may have any stride). */
function rowMajor(s: readonly number[], shape: readonly number[], end: number): boolean {
  for (let d = end - 1, acc = 1; d >= 0; acc *= shape[d], d--) if (shape[d] !== 1 && s[d] !== acc) return false;
  return true;
}
/** One value per row of `shape`'s last dim ([N, C] against [N, 1]). */
const perRow = (s: readonly number[], shape: readonly number[]): boolean => s[s.length - 1] === 0 && rowMajor(s, shape, s.length - 1);
/** One value per column ([N, C] against [C]). */
function perCol(s: readonly number[], shape: readonly number[]): boolean {
  const last = s.length - 1;
  if (s[last] !== 1) return false;
  for (let d = 0; d < last; d++) if (s[d] !== 0 && shape[d] !== 1) return false;
  return true;
}

/** Ternary select for `where`: out = c ? a : b with three-way broadcasting. */
export function mapWhere(c: Tensor, a: Tensor, b: Tensor, shape: number[], dtype: DType): Tensor {
  if (c._storage.gpu !== null || a._storage.gpu !== null || b._storage.gpu !== null) return WG.where(c, a, b, shape, dtype); // webgpu (issue 17)
  const n = numelOf(shape);
  const out = allocate(dtype, n);
  const nd = shape.length;
  const cs = broadcastStrides(c._shape, c.nd.stride, shape);
  const as = broadcastStrides(a._shape, a.nd.stride, shape);
  const bs = broadcastStrides(b._shape, b.nd.stride, shape);
  const cd = c._storage.data, ad = a._storage.data, bd = b._storage.data;
  runKernel(() => {
    const idx = new Array<number>(nd).fill(0);
    let ci = c.nd.offset, ai = a.nd.offset, bi = b.nd.offset;
    for (let o = 0; o < n; o++) {
      out[o] = cd[ci] ? ad[ai] : bd[bi];
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]++;
        ci += cs[d]; ai += as[d]; bi += bs[d];
        if (idx[d] < shape[d]) break;
        ci -= cs[d] * shape[d]; ai -= as[d] * shape[d]; bi -= bs[d] * shape[d];
        idx[d] = 0;
      }
    }
  }, out);
  return Tensor._fromData(out, shape, dtype);
}

/**
 * Row-major values of `x` with the `dims` (sorted, normalised) moved last, so that each run of
 * `inner` consecutive values is one reduction group. Returns the groups' count and size.
 */
export function groupsFor(x: Tensor, dims: number[]): { data: TypedArray; outer: number; inner: number; keptShape: number[] } {
  const sh = x._shape;
  const kept = sh.map((_, i) => i).filter((i) => !dims.includes(i));
  const inner = numelOf(dims.map((d) => sh[d]));
  const keptShape = kept.map((d) => sh[d]);
  return { data: groupsReader(x, dims)(), outer: numelOf(keptShape), inner, keptShape };
}

/**
 * groupsFor's values for a kernel closure: a reader called inside the kernel. A transposing copy's
 * buffer is allocated here, once, outside the kernel (under a capture it joins the arena) and refilled
 * on every call, so a replay constructs no array (compile, issue 15). The buffer is only read by the
 * kernel that calls the reader; it is never an output.
 */
export function groupsReader(x: Tensor, dims: number[]): () => TypedArray {
  const sh = x._shape;
  if (dims.every((d, i) => d === sh.length - dims.length + i)) return contigReader(x);
  const order = [...sh.map((_, i) => i).filter((i) => !dims.includes(i)), ...dims];
  const v = new Tensor(x._storage, order.map((d) => sh[d]), order.map((d) => x.nd.stride[d]), x.nd.offset, x.dtype);
  const data = allocate(x.dtype, x.numel());
  return () => { stridedCopy(v, data); return data; };
}

/**
 * `x._contigData()` for a kernel closure, as a reader called inside the kernel: a non-contiguous x is
 * copied into a buffer allocated here, once, outside the kernel (so under a capture it belongs to the
 * arena) instead of a fresh array per run; a replay then constructs nothing (compile, issue 15). The
 * values are read when the reader runs, as `_contigData()` would. Only for inputs a kernel reads: the
 * buffer is reused by every run, so it must not become an output or be kept after the kernel returns.
 */
export function contigReader(x: Tensor): () => TypedArray {
  if (x.isContiguous() || x._storage.gpu !== null) return () => x._contigData();
  const data = allocate(x.dtype, x.numel());
  return () => { stridedCopy(x, data); return data; };
}

/** The count and size of `dims`' reduction groups (groupsFor without the values). */
export function groupShape(x: Tensor, dims: number[]): { outer: number; inner: number } {
  const sh = x._shape;
  return { inner: numelOf(dims.map((d) => sh[d])), outer: numelOf(sh.filter((_, i) => !dims.includes(i))) };
}

/** Shape of a reduction's result: reduced dims dropped, or kept as size 1. */
export function reducedShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((s, i) => (dims.includes(i) ? 1 : s)) : shape.filter((_, i) => !dims.includes(i));
}
