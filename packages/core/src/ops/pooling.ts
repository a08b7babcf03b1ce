/**
 * Pooling over the last one or two dims: max, average, adaptive max/average, and max unpooling.
 *
 * Every pooling op reduces to a *plan*: for each output position along each spatial axis, the list
 * of input positions it reads (padding, stride, dilation, ceil mode and adaptive windows are all
 * resolved there, once), plus a divisor per output cell for averages. Two pairs of primitives run
 * plans, each pair the other's VJP, so second derivatives come for free:
 * - max pooling: the forward records the arg-max of each window; its VJP scatters the gradient to
 *   those indices (`scatterPlane`), whose VJP gathers from them (`gatherPlane`), and back.
 * - average pooling: `windowAverage` and its adjoint `windowAverageT` (both linear).
 * Indices are flat positions within each input plane (h·W + w), as PyTorch's `return_indices`.
 */
import { checkOptions } from '../options';
import { Tensor } from '../tensor';
import { allocate, allocateUninit, isFloating, TypedArray, type FloatArray, type FloatDType } from '../dtype';
import { runKernel } from '../compile/capture';
import { fmt, numelOf } from '../shape';
import { record } from '../autograd/tape';
import { maxPool2x2BackwardWasm, maxPoolWasm, scatterAddWasm } from '../kernels/conv-wasm';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)
import { adaptiveAvgPool } from '../webgpu/adaptive'; // webgpu (issue 17)

/** @internal A size argument given as one number or one per spatial dim, checked to be integers >= min. */
export function sizeTuple(op: string, name: string, v: unknown, n: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) ? (v as unknown[]) : null;
  if (!list || list.length !== n) {
    throw new TypeError(`${op}: ${name} must be an integer or a list of ${n} integers, got ${Array.isArray(v) ? fmt(v as number[]) : String(v)}`);
  }
  for (const s of list) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < min) {
      throw new RangeError(`${op}: ${name} must contain integers >= ${min}, got ${typeof v === 'number' ? v : fmt(list as number[])}`);
    }
  }
  return list as number[];
}

/** @internal Throws unless x is a floating Tensor of rank spatial+1 (unbatched) or spatial+2 (batched). */
export function checkPoolInput(op: string, x: unknown, spatial: number): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  const names = spatial === 1 ? ['L'] : ['H', 'W'];
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) {
    throw new RangeError(`${op}: expected a ${spatial + 1}-D [C, ${names.join(', ')}] or ${spatial + 2}-D [N, C, ${names.join(', ')}] input, got ${x.ndim}-D input of shape ${fmt(x._shape)}`);
  }
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating point input, got ${x.dtype}`);
  const sh = x._shape;
  for (let d = x.ndim - spatial - 1; d < x.ndim; d++) {
    if (sh[d] === 0) throw new RangeError(`${op}: expected non-zero sizes except for the batch dim, got input of shape ${fmt(sh)}`);
  }
}

// ---- plans ---------------------------------------------------------------------------------------

/** The input positions each output position of one axis reads: taps[start[o] .. start[o + 1]). */
interface Axis {
  size: number;
  out: number;
  start: Int32Array;
  taps: Int32Array;
  /** Set when every window is whole: tap j of window o is o·s + off + j·d (the kernels' fast path). */
  reg?: Regular;
}
interface Regular { k: number; s: number; d: number; off: number }

/** A pooling plan over the last two dims (1-D pooling uses a trivial first axis). */
interface Plan {
  h: Axis;
  w: Axis;
  /** Divisor per output cell (oh · OW + ow), averages only. */
  div?: Float64Array;
}

const trivialAxis: Axis = { size: 1, out: 1, start: Int32Array.of(0, 1), taps: Int32Array.of(0), reg: { k: 1, s: 1, d: 1, off: 0 } };

function axisFrom(size: number, windows: number[][], reg?: Regular): Axis {
  const start = new Int32Array(windows.length + 1);
  for (let o = 0; o < windows.length; o++) start[o + 1] = start[o] + windows[o].length;
  const whole = reg && windows.every((w, o) => w.length === reg.k && w.every((i, j) => i === o * reg.s + reg.off + j * reg.d));
  return { size, out: windows.length, start, taps: Int32Array.from(windows.flat()), reg: whole ? reg : undefined };
}

/** PyTorch's pooling_output_shape: floor (or ceil) division, and a ceil-mode window may not start in the right padding. */
function pooledSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= size + p) o--;
  return o;
}

interface SlidingArgs {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
}

function parseSliding(op: string, spatial: number, kernelSize: unknown, o: { stride?: unknown; padding?: unknown; dilation?: unknown; ceilMode?: boolean }): SlidingArgs {
  const kernel = sizeTuple(op, 'kernelSize', kernelSize, spatial, 1);
  const empty = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0);
  const stride = empty ? kernel : sizeTuple(op, 'stride', o.stride, spatial, 1);
  const padding = sizeTuple(op, 'padding', o.padding ?? 0, spatial, 0);
  const dilation = sizeTuple(op, 'dilation', o.dilation ?? 1, spatial, 1);
  for (let i = 0; i < spatial; i++) {
    if (padding[i] > kernel[i] / 2) {
      throw new RangeError(`${op}: padding should be at most half of the kernel size, but got padding ${fmt(padding)} for kernelSize ${fmt(kernel)}`);
    }
  }
  return { kernel, stride, padding, dilation, ceilMode: !!o.ceilMode };
}

function outSizes(op: string, x: Tensor, spatial: number, a: SlidingArgs): number[] {
  const sp = x._shape.slice(x.ndim - spatial);
  const out = sp.map((n, i) => pooledSize(n, a.kernel[i], a.stride[i], a.padding[i], a.dilation[i], a.ceilMode));
  if (out.some((n) => n < 1)) {
    const padded = sp.map((n, i) => n + 2 * a.padding[i]);
    const eff = a.kernel.map((k, i) => a.dilation[i] * (k - 1) + 1);
    throw new RangeError(`${op}: the kernel ${fmt(eff)} (kernelSize ${fmt(a.kernel)}, dilation ${fmt(a.dilation)}) is larger than the padded input ${fmt(padded)} of input ${fmt(x._shape)}: calculated output size ${fmt(out)} is too small`);
  }
  return out;
}

/** Sliding windows with padding and dilation; taps outside the input are dropped (max pooling). */
function slidingAxis(size: number, out: number, k: number, s: number, p: number, d: number): Axis {
  const windows: number[][] = [];
  for (let o = 0; o < out; o++) {
    const w: number[] = [];
    for (let j = 0; j < k; j++) {
      const i = o * s - p + j * d;
      if (i >= 0 && i < size) w.push(i);
    }
    windows.push(w);
  }
  return axisFrom(size, windows, { k, s, d, off: -p });
}

/** Adaptive windows [floor(o·I/O), ceil((o+1)·I/O)). */
function adaptiveAxis(size: number, out: number): Axis {
  const windows: number[][] = [];
  for (let o = 0; o < out; o++) {
    const lo = Math.floor((o * size) / out), hi = Math.ceil(((o + 1) * size) / out);
    windows.push(Array.from({ length: hi - lo }, (_, j) => lo + j));
  }
  return axisFrom(size, windows, size % out === 0 ? { k: size / out, s: size / out, d: 1, off: 0 } : undefined);
}

function planOf(axes: Axis[]): Plan {
  return axes.length === 1 ? { h: trivialAxis, w: axes[0] } : { h: axes[0], w: axes[1] };
}

const outShapeOf = (x: Tensor, spatial: number, plan: Plan): number[] =>
  [...x._shape.slice(0, x.ndim - spatial), ...(spatial === 1 ? [plan.w.out] : [plan.h.out, plan.w.out])];

// ---- max pooling primitives ------------------------------------------------------------------------

/** Window maxima and their flat in-plane indices (NaN wins, as PyTorch). */
function maxKernel(src: TypedArray, out: TypedArray, idx: Int32Array, planes: number, { h, w }: Plan): void {
  const W = w.size, OH = h.out, OW = w.out, plane = h.size * W;
  if (h.reg && w.reg) {
    const f = src instanceof Float32Array || src instanceof Float64Array;
    if (f && maxPoolWasm(src, out as typeof src, idx, planes, h.size, W, OH, OW, h.reg, w.reg)) return;
    return maxKernelRegular(src, out, idx, planes, h.size, W, OH, OW, h.reg, w.reg);
  }
  const hs = h.start, ht = h.taps, ws = w.start, wt = w.taps;
  let o = 0;
  for (let b = 0, base = 0; b < planes; b++, base += plane) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = hs[oh], h1 = hs[oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = ws[ow], w1 = ws[ow + 1];
        let best = -Infinity, bi = -1;
        for (let th = h0; th < h1; th++) {
          const row = ht[th] * W;
          for (let tw = w0; tw < w1; tw++) {
            const i = row + wt[tw];
            const v = src[base + i];
            if (v > best || v !== v) { best = v; bi = i; }
          }
        }
        out[o] = best;
        idx[o] = bi;
      }
    }
  }
}

/** maxKernel when every window is whole: tap positions by arithmetic, no tap tables (~3x faster). */
function maxKernelRegular(src: TypedArray, out: TypedArray, idx: Int32Array, planes: number, H: number, W: number, OH: number, OW: number, rh: Regular, rw: Regular): void {
  const kh = rh.k, kw = rw.k, dh = rh.d * W, dw = rw.d, plane = H * W;
  let o = 0;
  for (let b = 0, base = 0; b < planes; b++, base += plane) {
    for (let oh = 0; oh < OH; oh++) {
      const r0 = (oh * rh.s + rh.off) * W + rw.off;
      for (let ow = 0; ow < OW; ow++, o++) {
        let best = -Infinity, bi = -1;
        for (let jh = 0, r = r0 + ow * rw.s; jh < kh; jh++, r += dh) {
          for (let jw = 0, i = r; jw < kw; jw++, i += dw) {
            const v = src[base + i];
            if (v > best || v !== v) { best = v; bi = i; }
          }
        }
        out[o] = best;
        idx[o] = bi;
      }
    }
  }
}

const tail = (shape: readonly number[], spatial: number): number => numelOf(shape.slice(shape.length - spatial));

/**
 * out (shape `outShape`) = zeros with `src` written at the in-plane indices `idx` (src's shape; the
 * last `spatial` dims are a plane): added (a max-pool gradient, where overlapping windows can share a
 * maximum) or assigned (maxUnpool, as PyTorch). VJP: gather at the same indices.
 */
function scatterPlane(op: string, src: Tensor, idx: Tensor, spatial: number, outShape: number[], accumulate: boolean, pairs = false): Tensor {
  const K = tail(idx._shape, spatial), M = tail(outShape, spatial);
  const planes = K === 0 ? 0 : idx.numel() / K;
  const n = numelOf(outShape);
  // The wasm scatter zeroes its whole output itself.
  const fast = accumulate && isFloating(src.dtype);
  const out = fast ? allocateUninit(src.dtype as FloatDType, n) : allocate(src.dtype, n);
  // pairs: the indices are a 2×2 stride-2 max pooling's, whose windows tile the plane without overlap.
  const [H, W] = outShape.slice(-2), [OH, OW] = idx._shape.slice(-2);
  runKernel(() => {
    const s = src._contigData(), ix = idx._contigData() as Int32Array;
    const fs = s as FloatArray, fo = out as FloatArray; // float whenever `fast`
    const wasm = fast && (pairs ? maxPool2x2BackwardWasm(fs, ix, fo, planes, H, W, OH, OW) : scatterAddWasm(fs, ix, fo, planes, K, M));
    if (!wasm) out.fill(0); // also for maxUnpool: a replay finds the last call's values here
    for (let b = 0; b < planes && !wasm; b++) {
      const ob = b * M, ib = b * K;
      if (accumulate) for (let k = 0; k < K; k++) { const j = ix[ib + k]; if (j >= 0) out[ob + j] += s[ib + k]; }
      else for (let k = 0; k < K; k++) { const j = ix[ib + k]; if (j >= 0) out[ob + j] = s[ib + k]; }
    }
  }, out);
  const res = Tensor._fromData(out, outShape, src.dtype);
  return record(op, [src], res, (g) => [gatherPlane(`${op}Backward`, g, idx, spatial, outShape)], [idx]);
}

/** out (idx's shape) = src's planes read at the in-plane indices `idx`. VJP: scatter-add. */
function gatherPlane(op: string, src: Tensor, idx: Tensor, spatial: number, srcShape: number[]): Tensor {
  const K = tail(idx._shape, spatial), M = tail(srcShape, spatial);
  const planes = K === 0 ? 0 : idx.numel() / K;
  const out = allocate(src.dtype, idx.numel());
  runKernel(() => {
    const s = src._contigData(), ix = idx._contigData() as Int32Array;
    for (let b = 0; b < planes; b++) {
      const sb = b * M, ob = b * K;
      for (let k = 0; k < K; k++) { const j = ix[ob + k]; out[ob + k] = j >= 0 ? s[sb + j] : 0; }
    }
  }, out);
  const res = Tensor._fromData(out, idx.shape, src.dtype);
  return record(op, [src], res, (g) => [scatterPlane(`${op}Backward`, g, idx, spatial, srcShape, true)], [idx]);
}

function maxPoolRun(op: string, x: Tensor, spatial: number, plan: Plan): [Tensor, Tensor] {
  const outShape = outShapeOf(x, spatial, plan);
  const M = plan.h.size * plan.w.size, K = plan.h.out * plan.w.out;
  const planes = x.numel() / M;
  const out = allocateUninit(x.dtype as FloatDType, planes * K); // every window writes its maximum
  const idx = new Int32Array(planes * K);
  runKernel(() => maxKernel(x._contigData(), out, idx, planes, plan), out, idx);
  const indices = Tensor._fromData(idx, outShape, 'int32');
  const res = Tensor._fromData(out, outShape, x.dtype);
  const xShape = x.shape;
  // The indices are saved so that an in-place change to the ones returned to the user is caught at backward.
  const r = (a: Axis): boolean => a.reg !== undefined && a.reg.k === 2 && a.reg.s === 2 && a.reg.d === 1 && a.reg.off === 0;
  const pairs = spatial === 2 && r(plan.h) && r(plan.w);
  return [record(op, [x], res, (g) => [scatterPlane(`${op}Backward`, g, indices, spatial, xShape, true, pairs)], [indices]), indices];
}

// ---- average pooling primitives --------------------------------------------------------------------

/**
 * out[o] = (sum of src over window o) / div, or with `adjoint` out[window o] += g[o] / div: the two
 * directions of average pooling in one loop nest. Regular plans compute tap positions arithmetically.
 */
function averageKernel(src: TypedArray, out: TypedArray, planes: number, { h, w, div }: Plan, adjoint: boolean): void {
  const W = w.size, OH = h.out, OW = w.out, plane = h.size * W, d = div!;
  const hs = h.start, ht = h.taps, ws = w.start, wt = w.taps;
  const rh = h.reg, rw = w.reg;
  let o = 0;
  for (let b = 0, base = 0; b < planes; b++, base += plane) {
    for (let oh = 0, c = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++, c++) {
        if (rh && rw) {
          const r0 = base + (oh * rh.s + rh.off) * W + ow * rw.s + rw.off, dh = rh.d * W, dw = rw.d, kh = rh.k, kw = rw.k;
          if (adjoint) {
            const v = src[o] / d[c];
            for (let jh = 0, r = r0; jh < kh; jh++, r += dh) for (let jw = 0, i = r; jw < kw; jw++, i += dw) out[i] += v;
          } else {
            let sum = 0;
            for (let jh = 0, r = r0; jh < kh; jh++, r += dh) for (let jw = 0, i = r; jw < kw; jw++, i += dw) sum += src[i];
            out[o] = sum / d[c];
          }
          continue;
        }
        const h0 = hs[oh], h1 = hs[oh + 1], w0 = ws[ow], w1 = ws[ow + 1];
        if (adjoint) {
          const v = src[o] / d[c];
          for (let th = h0; th < h1; th++) {
            const row = base + ht[th] * W;
            for (let tw = w0; tw < w1; tw++) out[row + wt[tw]] += v;
          }
        } else {
          let sum = 0;
          for (let th = h0; th < h1; th++) {
            const row = base + ht[th] * W;
            for (let tw = w0; tw < w1; tw++) sum += src[row + wt[tw]];
          }
          out[o] = sum / d[c];
        }
      }
    }
  }
}

/** Window sums over divisors: x [..., H, W] -> [..., OH, OW]. VJP: its adjoint. */
function windowAverage(op: string, x: Tensor, spatial: number, plan: Plan): Tensor {
  const outShape = outShapeOf(x, spatial, plan);
  const planes = x.numel() / (plan.h.size * plan.w.size);
  const out = allocate(x.dtype, planes * plan.h.out * plan.w.out);
  runKernel(() => averageKernel(x._contigData(), out, planes, plan, false), out);
  const xShape = x.shape;
  return record(op, [x], Tensor._fromData(out, outShape, x.dtype), (g) => [windowAverageT(`${op}Backward`, g, xShape, spatial, plan)]);
}

/** The adjoint of windowAverage: each output's value / divisor added over its window. VJP: windowAverage. */
function windowAverageT(op: string, g: Tensor, inShape: number[], spatial: number, plan: Plan): Tensor {
  const planes = g.numel() / (plan.h.out * plan.w.out);
  const out = allocate(g.dtype, numelOf(inShape));
  runKernel(() => { out.fill(0); averageKernel(g._contigData(), out, planes, plan, true); }, out);
  return record(op, [g], Tensor._fromData(out, inShape, g.dtype), (gg) => [windowAverage(`${op}Backward`, gg, spatial, plan)]);
}

// ---- the ops -------------------------------------------------------------------------------------

/** A size per spatial dim: one number for all of them, or one each. */
export type PoolSize = number | number[];

export interface MaxPoolOptions {
  /** Window step; `null`/absent means kernelSize, as PyTorch. */
  stride?: PoolSize | null;
  /** Implicit −∞ padding on both sides, at most half the kernel. Default 0. */
  padding?: PoolSize;
  /** Spacing between the window's taps. Default 1. */
  dilation?: PoolSize;
  /** Ceil instead of floor for the output size (a last window may hang over the end). Default false. */
  ceilMode?: boolean;
  /** Also return the arg-max indices (flat within each input plane), for maxUnpool. Default false. */
  returnIndices?: boolean;
}

const MAX_KEYS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];

function maxPool(op: string, spatial: number, x: Tensor, kernelSize: PoolSize, options: MaxPoolOptions | undefined): Tensor | [Tensor, Tensor] {
  checkPoolInput(op, x, spatial);
  const o = checkOptions(op, options, MAX_KEYS);
  const a = parseSliding(op, spatial, kernelSize, o);
  const out = outSizes(op, x, spatial, a);
  const sp = x._shape.slice(x.ndim - spatial);
  if (x._storage.gpu !== null) return WG.maxPool(op, x, spatial, a, out, !!o.returnIndices); // webgpu (issue 17)
  const plan = planOf(sp.map((n, i) => slidingAxis(n, out[i], a.kernel[i], a.stride[i], a.padding[i], a.dilation[i])));
  const [y, idx] = maxPoolRun(op, x, spatial, plan);
  return o.returnIndices ? [y, idx] : y;
}

/**
 * 1-D max pooling over the last dim of x [N, C, L] or [C, L] (PyTorch's `F.max_pool1d`).
 * With `returnIndices: true` returns `[values, indices]` (int32 positions along L).
 * @example
 * maxPool1d(x, 2)                                   // [N, C, L] -> [N, C, floor(L / 2)]
 * const [y, idx] = maxPool1d(x, 3, { stride: 1, returnIndices: true });
 */
export function maxPool1d(x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: PoolSize, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool1d', 1, x, kernelSize, options);
}

/**
 * 2-D max pooling over the last two dims of x [N, C, H, W] or [C, H, W] (PyTorch's `F.max_pool2d`).
 * The gradient goes to each window's maximum (the first one on ties, as PyTorch). With
 * `returnIndices: true` returns `[values, indices]`, indices flat within each H×W plane (h·W + w).
 * @example
 * maxPool2d(x, 2)                                   // [N, C, 28, 28] -> [N, C, 14, 14]
 * maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })
 */
export function maxPool2d(x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, kernelSize: PoolSize, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool2d', 2, x, kernelSize, options);
}

export interface AvgPoolOptions {
  /** Window step; `null`/absent means kernelSize. */
  stride?: PoolSize | null;
  /** Implicit zero padding on both sides, at most half the kernel. Default 0. */
  padding?: PoolSize;
  /** Ceil instead of floor for the output size. Default false. */
  ceilMode?: boolean;
  /** Count the padding zeros in the divisor. Default true, as PyTorch. */
  countIncludePad?: boolean;
}

export interface AvgPool2dOptions extends AvgPoolOptions {
  /** Divide every window sum by this instead of the window size (`avg_pool2d` only, as PyTorch). */
  divisorOverride?: number | null;
}

function avgPool(op: string, spatial: number, x: Tensor, kernelSize: PoolSize, options: AvgPool2dOptions | undefined, keys: string[]): Tensor {
  checkPoolInput(op, x, spatial);
  const o = checkOptions(op, options, keys);
  const a = parseSliding(op, spatial, kernelSize, o);
  const { countIncludePad = true, divisorOverride = null } = o;
  if (divisorOverride !== null && (!Number.isInteger(divisorOverride) || divisorOverride === 0)) {
    throw new RangeError(`${op}: divisorOverride must be a non-zero integer, got ${divisorOverride}`);
  }
  const out = outSizes(op, x, spatial, a);
  const sp = x._shape.slice(x.ndim - spatial);
  const axes = sp.map((n, i) => slidingAxis(n, out[i], a.kernel[i], a.stride[i], a.padding[i], 1));
  // PyTorch's divisor with countIncludePad: the window clipped to the padded input, not to the input.
  const padded = sp.map((n, i) => Array.from({ length: out[i] }, (_, j) => {
    const lo = j * a.stride[i] - a.padding[i];
    return Math.min(lo + a.kernel[i], n + a.padding[i]) - lo;
  }));
  const plan = planOf(axes);
  const ph = spatial === 1 ? [1] : padded[0], pw = padded[spatial - 1];
  const div = new Float64Array(plan.h.out * plan.w.out);
  for (let oh = 0, c = 0; oh < plan.h.out; oh++) {
    for (let ow = 0; ow < plan.w.out; ow++, c++) {
      const inside = (plan.h.start[oh + 1] - plan.h.start[oh]) * (plan.w.start[ow + 1] - plan.w.start[ow]);
      div[c] = divisorOverride ?? (countIncludePad ? ph[oh] * pw[ow] : inside || 1);
    }
  }
  plan.div = div;
  if (x._storage.gpu !== null) return WG.avgPool(op, x, spatial, a, out, div); // webgpu (issue 17)
  return windowAverage(op, x, spatial, plan);
}

/**
 * 1-D average pooling over the last dim of x [N, C, L] or [C, L] (PyTorch's `F.avg_pool1d`).
 * @example
 * avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false })
 */
export function avgPool1d(x: Tensor, kernelSize: PoolSize, options?: AvgPoolOptions): Tensor {
  return avgPool('avgPool1d', 1, x, kernelSize, options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
}

/**
 * 2-D average pooling over the last two dims of x [N, C, H, W] or [C, H, W] (PyTorch's `F.avg_pool2d`).
 * Its gradient spreads each output's gradient evenly over its window (itself a linear op with a VJP).
 * @example
 * avgPool2d(x, 2)                                   // [N, C, 8, 8] -> [N, C, 4, 4]
 * avgPool2d(x, [3, 2], { stride: 2, ceilMode: true, divisorOverride: 4 })
 */
export function avgPool2d(x: Tensor, kernelSize: PoolSize, options?: AvgPool2dOptions): Tensor {
  return avgPool('avgPool2d', 2, x, kernelSize, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
}

/** An adaptive output size: one number for all dims, or one each; `null` keeps the input's size. */
export type AdaptiveSize = number | (number | null)[];

function adaptiveAxes(op: string, x: Tensor, spatial: number, outputSize: AdaptiveSize): Axis[] {
  const sp = x._shape.slice(x.ndim - spatial);
  const given = Array.isArray(outputSize) ? outputSize.map((s, i) => (s === null ? sp[i] : s)) : outputSize;
  const out = sizeTuple(op, 'outputSize', given, spatial, 0);
  return sp.map((n, i) => adaptiveAxis(n, out[i]));
}

function adaptiveAvg(op: string, spatial: number, x: Tensor, outputSize: AdaptiveSize): Tensor {
  checkPoolInput(op, x, spatial);
  const plan = planOf(adaptiveAxes(op, x, spatial, outputSize));
  if (x._storage.gpu !== null) return adaptiveAvgPool(x, spatial, plan.h, plan.w); // webgpu (issue 17): averaging matrices
  const div = new Float64Array(plan.h.out * plan.w.out);
  for (let oh = 0, c = 0; oh < plan.h.out; oh++) {
    for (let ow = 0; ow < plan.w.out; ow++, c++) div[c] = (plan.h.start[oh + 1] - plan.h.start[oh]) * (plan.w.start[ow + 1] - plan.w.start[ow]);
  }
  plan.div = div;
  return windowAverage(op, x, spatial, plan);
}

/**
 * Average pooling to a fixed output length: output o averages inputs [floor(o·L/out), ceil((o+1)·L/out))
 * (PyTorch's `F.adaptive_avg_pool1d`). x [N, C, L] or [C, L].
 * @example
 * adaptiveAvgPool1d(x, 1) // global average: [N, C, L] -> [N, C, 1]
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number | [number]): Tensor {
  return adaptiveAvg('adaptiveAvgPool1d', 1, x, outputSize);
}

/**
 * Average pooling to a fixed output size (PyTorch's `F.adaptive_avg_pool2d`); `null` in outputSize
 * keeps that input size. x [N, C, H, W] or [C, H, W].
 * @example
 * adaptiveAvgPool2d(x, [1, 1]) // global average pooling
 * adaptiveAvgPool2d(x, [null, 7])
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvg('adaptiveAvgPool2d', 2, x, outputSize);
}

export interface AdaptiveMaxPoolOptions {
  /** Also return the arg-max indices (flat within each input plane). Default false. */
  returnIndices?: boolean;
}

function adaptiveMax(op: string, spatial: number, x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions | undefined): Tensor | [Tensor, Tensor] {
  checkPoolInput(op, x, spatial);
  const o = checkOptions(op, options, ['returnIndices']);
  const axes = adaptiveAxes(op, x, spatial, outputSize);
  if (x._storage.gpu !== null) { // webgpu (issue 17): whole windows are max pooling with kernel = stride
    if (axes.some((a) => a.reg === undefined)) throw new Error(`${op}: not implemented on the webgpu device yet for output sizes that do not divide the input's ${fmt(x._shape.slice(x.ndim - spatial))} (uneven windows); move the tensor to the cpu with await x.cpuAsync()`);
    const k = axes.map((a) => (a.reg as Regular).k);
    return WG.maxPool(op, x, spatial, { kernel: k, stride: k, padding: k.map(() => 0), dilation: k.map(() => 1) }, axes.map((a) => a.out), !!o.returnIndices);
  }
  const [y, idx] = maxPoolRun(op, x, spatial, planOf(axes));
  return o.returnIndices ? [y, idx] : y;
}

/**
 * Max pooling to a fixed output length (PyTorch's `F.adaptive_max_pool1d`); windows as adaptiveAvgPool1d.
 * @example
 * adaptiveMaxPool1d(x, 4)
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMax('adaptiveMaxPool1d', 1, x, outputSize, options);
}

/**
 * Max pooling to a fixed output size (PyTorch's `F.adaptive_max_pool2d`); windows as adaptiveAvgPool2d.
 * @example
 * const [y, idx] = adaptiveMaxPool2d(x, [2, 2], { returnIndices: true });
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMax('adaptiveMaxPool2d', 2, x, outputSize, options);
}

export interface MaxUnpoolOptions {
  /** The pooling's stride; `null`/absent means kernelSize. */
  stride?: PoolSize | null;
  /** The pooling's padding. Default 0. */
  padding?: PoolSize;
  /** The output's spatial size (or its full shape), when the default (in − 1)·stride − 2·padding + kernel is ambiguous. */
  outputSize?: number[] | null;
}

function maxUnpool(op: string, spatial: number, x: Tensor, indices: Tensor, kernelSize: PoolSize, options: MaxUnpoolOptions | undefined): Tensor {
  checkPoolInput(op, x, spatial);
  if (!(indices instanceof Tensor) || indices.dtype !== 'int32') {
    throw new TypeError(`${op}: indices must be an int32 Tensor (the indices maxPool returns), got ${indices instanceof Tensor ? indices.dtype : typeof indices}`);
  }
  if (indices.ndim !== x.ndim || indices._shape.some((s, i) => s !== x._shape[i])) {
    throw new RangeError(`${op}: expected indices of the input's shape ${fmt(x._shape)}, got ${fmt(indices._shape)}`);
  }
  const o = checkOptions(op, options, ['stride', 'padding', 'outputSize']);
  const kernel = sizeTuple(op, 'kernelSize', kernelSize, spatial, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : sizeTuple(op, 'stride', o.stride, spatial, 1);
  const padding = sizeTuple(op, 'padding', o.padding ?? 0, spatial, 0);
  const sp = x._shape.slice(x.ndim - spatial);
  const dflt = sp.map((n, i) => (n - 1) * stride[i] - 2 * padding[i] + kernel[i]);
  let out = dflt;
  if (o.outputSize !== undefined && o.outputSize !== null) {
    const os = o.outputSize;
    if (!Array.isArray(os) || (os.length !== spatial && os.length !== x.ndim)) {
      throw new RangeError(`${op}: outputSize must have ${spatial} or ${x.ndim} elements, got ${Array.isArray(os) ? fmt(os) : String(os)}`);
    }
    out = sizeTuple(op, 'outputSize', os.slice(os.length - spatial), spatial, 0);
    for (let i = 0; i < spatial; i++) {
      const lo = dflt[i] - stride[i], hi = dflt[i] + stride[i];
      if (out[i] <= lo || out[i] >= hi) throw new RangeError(`${op}: invalid outputSize ${fmt(os)} (dim ${i} must be between ${lo + 1} and ${hi - 1})`);
    }
  }
  const M = numelOf(out);
  runKernel(() => {
    const ix = indices._contigData();
    for (let i = 0; i < ix.length; i++) {
      if (ix[i] < 0 || ix[i] >= M) throw new RangeError(`${op}: found an invalid max index ${ix[i]} (the output planes have size ${out.join('x')}, indices must be in [0, ${M - 1}])`);
    }
  });
  return scatterPlane(op, x, indices, spatial, [...x._shape.slice(0, x.ndim - spatial), ...out], false);
}

/**
 * The partial inverse of maxPool1d: each value placed at its index, zeros elsewhere (PyTorch's
 * `F.max_unpool1d`). The gradient is gathered from the same indices.
 * @example
 * const [y, idx] = maxPool1d(x, 2, { returnIndices: true });
 * maxUnpool1d(y, idx, 2) // x's shape, the maxima kept
 */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: PoolSize, options?: MaxUnpoolOptions): Tensor {
  return maxUnpool('maxUnpool1d', 1, x, indices, kernelSize, options);
}

/**
 * The partial inverse of maxPool2d: each value placed at its flat in-plane index, zeros elsewhere
 * (PyTorch's `F.max_unpool2d`).
 * @example
 * const [y, idx] = maxPool2d(x, 2, { returnIndices: true });
 * maxUnpool2d(y, idx, 2) // [N, C, H, W] with the maxima in place
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: PoolSize, options?: MaxUnpoolOptions): Tensor {
  return maxUnpool('maxUnpool2d', 2, x, indices, kernelSize, options);
}
