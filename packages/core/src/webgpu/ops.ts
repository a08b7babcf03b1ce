/**
 * The webgpu device's side of the ops (issue 17): core's CPU ops call into here from one check at their
 * kernel entry points (`x._storage.gpu !== null`), and autograd stays in the CPU files (the VJPs are
 * Tensor ops, so backward runs on the device too). Tensors here are float32, int32 or bool (bools held
 * as u32 0/1); a webgpu tensor's Storage has an empty `data` and its values in `gpu.buffer`.
 */
import { Storage, Tensor } from '../tensor';
import type { DType, TypedArray } from '../dtype';
import { broadcastStrides, fmt, numelOf, sameShape } from '../shape';
import { record } from '../autograd/tape';
import { isGradEnabled } from '../autograd/grad-mode';
import { _noteDeviceBirth as noteDeviceBirth } from '../pool';
import { noteDeviceStorage, valueGuard } from '../compile/capture';
import { acquireBuffer, dispatch, readBack, releaseBuffer, upload, gpuState, type Params } from './device';
import type { GpuBufferHandle } from './gpu-types';
import type { WgslType } from './kernels/common.wgsl';
import { BINARY, UNARY, elementwiseSource, type OperandKind } from './kernels/elementwise.wgsl';
import { argReduceSource, columnReduceSource, rowReduceSource, softmaxBackwardRowsSource, softmaxRowsSource, type ReduceOp } from './kernels/reduce.wgsl';
import { gemmSource, GEMM_TILE } from './kernels/gemm.wgsl';
import { gatherSource, scatterAddSource } from './kernels/indexing.wgsl';
import { adamSource, sgdSource } from './kernels/optim.wgsl';
import { col2imSource, im2colSource } from './kernels/conv.wgsl';
import type { ConvGeom } from '../kernels/im2col';

/** Where a tensor lives. */
export type Device = 'cpu' | 'webgpu';

/** A webgpu tensor's device data. `host` mirrors values uploaded from the host until a kernel writes them in place. */
export interface GpuData {
  buffer: GpuBufferHandle;
  /** Elements of the storage (the tensor that created it). */
  length: number;
  host: TypedArray | null;
}

const MAX_RANK = 8;

export const onGpu = (t: Tensor): boolean => t._storage.gpu !== null;

/** A unary op whose CPU kernel is a closure: the device kernel's name and its scalars (slot words 44…). */
export interface UnaryArgs { op: string; args: number[] }

/** float64 results of promotions with host scalars are computed in the device's float32. */
const onDevice = (dtype: DType): DType => (dtype === 'float64' ? 'float32' : dtype);

function wgsl(dtype: DType, op: string): WgslType {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw new TypeError(`${op}: float64 tensors cannot live on the webgpu device (float32 only); convert with .float() first`);
}

function emptyOf(dtype: DType): TypedArray {
  return dtype === 'float32' ? new Float32Array(0) : dtype === 'int32' ? new Int32Array(0) : dtype === 'bool' ? new Uint8Array(0) : new Float64Array(0);
}

/** A storage of `length` elements on the device (its buffer from the pool; its values for a kernel to write). */
export function deviceStorage(op: string, dtype: DType, length: number): Storage {
  const storage = new Storage(emptyOf(dtype));
  storage.gpu = { buffer: acquireBuffer(op, length * 4, storage), length, host: null };
  noteDeviceStorage(storage.data); // compile: written by the op's dispatch, which a capture records
  return storage;
}

/** A new contiguous webgpu tensor (uninitialised: the caller's kernel writes every element). */
export function gpuTensor(op: string, dtype: DType, shape: readonly number[]): Tensor {
  wgsl(dtype, op);
  const storage = deviceStorage(op, dtype, numelOf(shape));
  noteDeviceBirth(storage.data); // a gradient made in a backward walk may be engine-private (released at zeroGrad)
  return new Tensor(storage, shape.slice(), undefined, 0, dtype);
}

export const bufferOf = (t: Tensor): GpuBufferHandle => (t._storage.gpu as GpuData).buffer;

/** Gives an unreachable storage's buffer back to the pool at once (see device.ts's releaseBuffer). */
export function release(storage: Storage): void {
  const g = storage.gpu;
  if (g !== null) releaseBuffer(storage, g.buffer);
}

/** Refuses a host tensor among device ones (a 0-d host tensor is a scalar operand, as in PyTorch). */
export function checkSameDevice(op: string, ...ts: (Tensor | null | undefined)[]): void {
  for (const t of ts) {
    if (t && t._storage.gpu === null && t.ndim !== 0) {
      throw new Error(`${op}: Expected all tensors to be on the same device, but found webgpu and cpu (a cpu tensor of shape ${fmt(t._shape)}); move it with .to('webgpu')`);
    }
  }
}

/** The same check where every operand must be a device tensor (matrix products, indexing). */
export function checkAllOnDevice(op: string, ...ts: (Tensor | null | undefined)[]): void {
  for (const t of ts) {
    if (t && t._storage.gpu === null) {
      throw new Error(`${op}: Expected all tensors to be on the same device, but found webgpu and cpu (a cpu tensor of shape ${fmt(t._shape)}); move it with .to('webgpu')`);
    }
  }
}

function checkRank(op: string, shape: readonly number[]): void {
  if (shape.length > MAX_RANK) throw new RangeError(`${op}: webgpu kernels take at most ${MAX_RANK} dims for now, got shape ${fmt(shape)}`);
}

export const groupsOf = (n: number, per: number): number => Math.max(1, Math.ceil(n / per));

/**
 * One elementwise kernel over `shape`: operands broadcast (device tensors, strided) or host 0-d scalars;
 * the result is a new contiguous tensor, or written into the view `into` (then nothing is returned).
 */
function elementwise(op: string, key: string, xs: readonly Tensor[], shape: readonly number[], out: DType, ct: WgslType, expr: string, boolExpr: boolean, into?: Tensor, args?: readonly number[]): Tensor {
  checkSameDevice(op, ...xs);
  checkRank(op, shape);
  const n = numelOf(shape);
  const res = into ?? gpuTensor(op, out, shape);
  if (n === 0) return res;
  const kinds: OperandKind[] = [];
  const buffers: GpuBufferHandle[] = [];
  let flat = into === undefined || into.isContiguous();
  for (const t of xs) {
    if (t._storage.gpu === null) { kinds.push('scalar'); continue; }
    kinds.push(wgsl(t.dtype, op));
    buffers.push(bufferOf(t));
    if (!sameShape(t._shape, shape) || !t.isContiguous()) flat = false;
  }
  buffers.push(bufferOf(res));
  const outType = wgsl(out, op);
  const k = `ew:${key}:${kinds.join(',')}:${ct}:${outType}:${into !== undefined}`;
  dispatch(op, k, () => elementwiseSource(kinds, ct, outType, expr, boolExpr, into !== undefined), groupsOf(n, 64), buffers, (p) => {
    p.i[0] = n;
    p.i[1] = shape.length;
    p.i[2] = flat ? 1 : 0;
    for (let d = 0; d < shape.length; d++) p.i[8 + d] = shape[d];
    args?.forEach((v, k) => {
      if (ct === 'f32') p.f[44 + k] = v;
      else p.i[44 + k] = v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
    });
    const all = into ? [...xs, into] : xs;
    all.forEach((t, j) => {
      if (t._storage.gpu === null) {
        const v = Number(t._storage.data[t.nd.offset]);
        if (ct === 'f32') p.f[40 + j] = v;
        else p.i[40 + j] = ct === 'u32' ? (v !== 0 ? 1 : 0) : v | 0;
        return;
      }
      p.i[4 + j] = t.nd.offset;
      const st = j < xs.length ? broadcastStrides(t._shape, t.nd.stride, shape as number[]) : t.nd.stride;
      for (let d = 0; d < shape.length; d++) p.i[16 + 8 * j + d] = st[d];
    });
  }, 1, { kinds, ct, out: outType, expr, boolExpr, strided: into !== undefined }); // the description compile's fusion reads (fuse.ts)
  if (into) markWritten(into);
  return res;
}

/** A kernel wrote `t`'s storage in place: the host mirror no longer holds its values. */
function markWritten(t: Tensor): void {
  (t._storage.gpu as GpuData).host = null;
}

const isFloatT = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'float64';

/** mapUnary on the device: `key` names the op (ops/unary.ts). */
export function unary(x: Tensor, dtype0: DType, key: string | undefined, args?: readonly number[]): Tensor {
  const dtype = onDevice(dtype0);
  const entry = key === undefined ? undefined : UNARY[key];
  if (key === undefined || entry === undefined) throw new Error(`${key ?? 'this op'}: not implemented on the webgpu device yet (move the tensor to the cpu with await x.cpuAsync())`);
  let ct: WgslType;
  if (entry.bool) ct = isFloatT(x) ? 'f32' : 'i32';
  else { const o = wgsl(dtype, key); ct = o === 'u32' ? 'i32' : o; }
  const expr = ct === 'f32' ? entry.float : entry.int;
  if (expr === undefined) throw new TypeError(`${key}: not supported for ${x.dtype} tensors on the webgpu device`);
  return elementwise(key, key, [x], x._shape, dtype, ct, expr, entry.bool === true, undefined, args);
}

/** mapBinary on the device. */
export function binary(a: Tensor, b: Tensor, shape: number[], dtype0: DType, key: string | undefined): Tensor {
  const dtype = onDevice(dtype0);
  const entry = key === undefined ? undefined : BINARY[key];
  if (key === undefined || entry === undefined) throw new Error(`${key ?? 'this op'}: not implemented on the webgpu device yet`);
  const [expr, boolExpr] = entry;
  let ct: WgslType;
  if (boolExpr) ct = isFloatT(a) || isFloatT(b) ? 'f32' : 'i32';
  else { const o = wgsl(dtype, key); ct = o === 'u32' ? 'i32' : o; }
  return elementwise(key, key, [a, b], shape, dtype, ct, expr, boolExpr);
}

/** mapWhere on the device. */
export function where(c: Tensor, a: Tensor, b: Tensor, shape: number[], dtype0: DType): Tensor {
  const dtype = onDevice(dtype0);
  const ct = wgsl(dtype, 'where');
  return elementwise('where', 'where', [c, a, b], shape, dtype, ct, 'select(z, y, x != T(0))', false);
}

/** A cast (or a plain contiguous copy when `dtype` is x's). */
export function cast(x: Tensor, dtype: DType, op = 'to'): Tensor {
  const o = wgsl(dtype, op);
  const ct: WgslType = o === 'u32' ? wgsl(x.dtype, op) : o;
  return elementwise(op, 'copy', [x], x._shape, dtype, ct, 'x', false);
}

/** A contiguous copy (clone / contiguous). */
export const copy = (x: Tensor): Tensor => cast(x, x.dtype, 'clone');

/** Writes `src` (broadcast to t's shape, any device) into t's strided view on the device. */
export function copyInto(t: Tensor, src: Tensor): void {
  let s = src;
  if (s._storage.gpu === null && s.ndim !== 0) s = toDevice(s.contiguous(), 'webgpu');
  const o = wgsl(t.dtype, 'copy_');
  const ct: WgslType = o === 'u32' ? wgsl(s.dtype, 'copy_') : o;
  elementwise('copy_', 'copy', [s], t._shape, t.dtype, ct, 'x', false, t);
}

/** Fills t's view with `value`. */
export function fillInto(t: Tensor, value: number): void {
  fillKernel('fill_', t, value, t);
}

/** A new device tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], dtype: DType, value: number): Tensor {
  const t = gpuTensor('full', dtype, shape);
  fillKernel('full', t, value);
  return t;
}

function fillKernel(op: string, t: Tensor, value: number, into?: Tensor): void {
  const o = wgsl(t.dtype, op);
  // The value goes in slot word 40 of an operand-less elementwise kernel, in the output's type.
  const v = o === 'u32' ? +(value !== 0) : value;
  const n = t.numel();
  if (n === 0) return;
  const flat = into === undefined || into.isContiguous();
  dispatch(op, `fill:${o}:${into !== undefined}`, () => elementwiseSource([], o, o, '', false, into !== undefined), groupsOf(n, 64), [bufferOf(t)], (p) => {
    p.i[0] = n;
    p.i[1] = t.ndim;
    p.i[2] = flat ? 1 : 0;
    for (let d = 0; d < t.ndim; d++) { p.i[8 + d] = t._shape[d]; p.i[16 + d] = t.nd.stride[d]; }
    p.i[4] = t.nd.offset;
    if (o === 'f32') p.f[40] = v; else p.i[40] = v | 0;
  }, 1, { kinds: [], ct: o, out: o, expr: '', boolExpr: false, strided: into !== undefined });
  if (into) markWritten(into);
}

/** cat along `d` (shapes checked by ops/view.ts): each part copied into its slice of the result. */
export function cat(parts: readonly Tensor[], d: number, shape: number[], dtype: DType): Tensor {
  checkAllOnDevice('cat', ...parts);
  const res = gpuTensor('cat', dtype, shape);
  let at = 0;
  for (const t of parts) {
    const slice = new Tensor(res._storage, t._shape.slice(), res.nd.stride.slice(), at * res.nd.stride[d], dtype);
    if (t.numel() > 0) copyInto(slice, t);
    at += t._shape[d];
  }
  return res;
}

// ---- reductions ---------------------------------------------------------------------------------

/** Row-major values with `dims` moved last, as one contiguous device tensor (no copy when already so). */
function groupsLast(x: Tensor, dims: number[]): Tensor {
  const sh = x._shape;
  const trailing = dims.every((d, i) => d === sh.length - dims.length + i);
  if (trailing && x.isContiguous()) return x;
  const kept = sh.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = trailing ? sh.map((_, i) => i) : [...kept, ...dims];
  const v = new Tensor(x._storage, order.map((d) => sh[d]), order.map((d) => x.nd.stride[d]), x.nd.offset, x.dtype);
  return copy(v);
}

/** sum or amax over `dims` (normalised, sorted) into a tensor of `shape`. */
export function reduce(op: ReduceOp, x: Tensor, dims: number[], shape: number[], dtype: DType, name: string): Tensor {
  checkRank(name, x._shape);
  const inner = numelOf(dims.map((d) => x._shape[d]));
  const outer = numelOf(x._shape.filter((_, i) => !dims.includes(i)));
  const res = gpuTensor(name, dtype, shape);
  if (outer === 0) return res;
  const it = wgsl(x.dtype, name), ot = wgsl(dtype, name);
  const ct: WgslType = op === 'sum' || op === 'prod' ? (ot === 'f32' ? 'f32' : 'i32') : it === 'f32' ? 'f32' : 'i32';
  if (dims.length > 0 && dims.length < x.ndim && dims.every((d, i) => d === i) && x.isContiguous() && (outer >= 16 || inner <= 1024)) {
    // Leading dims of a contiguous tensor (a bias gradient): per column, no transposing copy.
    dispatch(name, `colreduce:${op}:${it}:${ct}:${ot}`, () => columnReduceSource(op, it, ct, ot), groupsOf(outer, 64), [bufferOf(x), bufferOf(res)], (p) => {
      p.i[0] = outer;
      p.i[1] = inner;
      p.i[4] = x.nd.offset;
    });
    return res;
  }
  const src = groupsLast(x, dims);
  dispatch(name, `reduce:${op}:${it}:${ct}:${ot}`, () => rowReduceSource(op, it, ct, ot), outer, [bufferOf(src), bufferOf(res)], (p) => {
    p.i[0] = outer;
    p.i[1] = inner;
    p.i[4] = src.nd.offset;
  });
  return res;
}

/** argmax / argmin over `dims` (all, or one) into an int32 tensor of `shape`. */
export function argReduce(op: string, x: Tensor, dims: number[], shape: number[]): Tensor {
  checkRank(op, x._shape);
  const src = groupsLast(x, dims);
  const inner = numelOf(dims.map((d) => x._shape[d]));
  const outer = numelOf(x._shape.filter((_, i) => !dims.includes(i)));
  const res = gpuTensor(op, 'int32', shape);
  if (outer === 0) return res;
  const it = wgsl(x.dtype, op);
  dispatch(op, `arg:${op}:${it}`, () => argReduceSource(op === 'argmax', it), outer, [bufferOf(src), bufferOf(res)], (p) => {
    p.i[0] = outer;
    p.i[1] = inner;
    p.i[4] = src.nd.offset;
  });
  return res;
}

/** softmax / logSoftmax along the last dim (float32), one workgroup per row. */
export function softmaxRows(x: Tensor, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  if (x.dtype !== 'float32') wgsl(x.dtype, op);
  const src = x.isContiguous() ? x : copy(x);
  const cols = x._shape[x.ndim - 1] ?? 1;
  const n = x.numel();
  const res = gpuTensor(op, 'float32', x._shape);
  if (n === 0) return res;
  const rows = n / cols;
  dispatch(op, `softmax:${log}`, () => softmaxRowsSource(log), rows, [bufferOf(src), bufferOf(res)], (p) => {
    p.i[0] = rows;
    p.i[1] = cols;
    p.i[4] = src.nd.offset;
  });
  return res;
}

/**
 * softmax / logSoftmax's VJP along the last dim as one row kernel, or null where the composition must run
 * (a graph of the backward itself is being recorded, or other dims / dtypes).
 */
export function softmaxBackwardRows(g: Tensor, y: Tensor, d: number, log: boolean): Tensor | null {
  if (isGradEnabled() || d !== y.ndim - 1 || g.dtype !== 'float32' || y.dtype !== 'float32' || !sameShape(g._shape, y._shape)) return null;
  checkAllOnDevice(log ? 'logSoftmax' : 'softmax', g, y);
  const op = log ? 'logSoftmax backward' : 'softmax backward';
  const gc = g.isContiguous() ? g : copy(g), yc = y.isContiguous() ? y : copy(y);
  const cols = y._shape[y.ndim - 1] ?? 1;
  const res = gpuTensor(op, 'float32', y._shape);
  const n = y.numel();
  if (n === 0) return res;
  dispatch(op, `softmaxBackward:${log}`, () => softmaxBackwardRowsSource(log), n / cols, [bufferOf(gc), bufferOf(yc), bufferOf(res)], (p) => {
    p.i[0] = n / cols;
    p.i[1] = cols;
    p.i[4] = gc.nd.offset;
    p.i[5] = yc.nd.offset;
  });
  return res;
}

// ---- matrix products ----------------------------------------------------------------------------

interface Operand { t: Tensor; off: number; ld: number; trans: boolean; bs: number }

/** As matmul.ts's asOperand: a [r, c] or [B, r, c] view read in place (row- or column-major), else a copy. */
function operandOf(x: Tensor): Operand {
  const k = x.ndim;
  const r = x._shape[k - 2], c = x._shape[k - 1];
  const rs = x.nd.stride[k - 2], cs = x.nd.stride[k - 1], bs = k === 3 ? x.nd.stride[0] : 0;
  if (cs === 1 && (rs >= c || r <= 1)) return { t: x, off: x.nd.offset, ld: Math.max(rs, c, 1), trans: false, bs };
  if (rs === 1 && (cs >= r || c <= 1)) return { t: x, off: x.nd.offset, ld: Math.max(cs, r, 1), trans: true, bs };
  const cont = copy(x);
  return { t: cont, off: 0, ld: Math.max(c, 1), trans: false, bs: r * c };
}

let dummy: Tensor | null = null;
/** A one-element buffer bound where a kernel's optional operand is absent. */
export function dummyBuffer(): GpuBufferHandle {
  if (dummy === null) dummy = gpuTensor('webgpu', 'float32', [1]);
  return bufferOf(dummy);
}

function gemm(op: string, A: Operand, B: Operand, batches: number, n: number, m: number, k: number, bias: Tensor | null, res: Tensor): void {
  const tiles = Math.ceil(n / GEMM_TILE) * Math.ceil(m / GEMM_TILE) * batches;
  dispatch(op, 'gemm', gemmSource, tiles, [bufferOf(A.t), bufferOf(B.t), bias ? bufferOf(bias) : dummyBuffer(), bufferOf(res)], (p: Params) => {
    p.i[0] = n; p.i[1] = m; p.i[2] = k;
    p.i[3] = (A.trans ? 1 : 0) | (B.trans ? 2 : 0) | (bias ? 4 : 0);
    p.i[4] = A.off; p.i[5] = A.ld; p.i[6] = A.bs;
    p.i[7] = B.off; p.i[8] = B.ld; p.i[9] = B.bs;
    p.i[10] = batches;
    p.i[11] = bias ? bias.nd.offset : 0;
  });
}

/** bmm on the device, with the CPU primitive's checks and VJP (ops/matmul.ts). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkAllOnDevice('bmm', a, b);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new TypeError(`bmm: expected floating point tensors, got ${a.dtype} and ${b.dtype}`);
  if (a.ndim !== 3 || b.ndim !== 3) throw new RangeError(`bmm: expected 3-D tensors, got shapes ${fmt(a._shape)} and ${fmt(b._shape)}`);
  const [B, n, k] = a._shape, [B2, k2, m] = b._shape;
  if (B !== B2 || k !== k2) throw new RangeError(`bmm: shapes ${fmt(a._shape)} and ${fmt(b._shape)} cannot be multiplied (batch ${B} vs ${B2}, inner ${k} vs ${k2})`);
  let res: Tensor;
  if (k === 0) res = full([B, n, m], 'float32', 0);
  else {
    res = gpuTensor('bmm', 'float32', [B, n, m]);
    if (B * n * m > 0) gemm('bmm', operandOf(a), operandOf(b), B, n, m, k, null, res);
  }
  return record('matmul', [a, b], res, (g) => [
    a.requiresGrad ? g.bmm(b.transpose(1, 2)) : null,
    b.requiresGrad ? a.transpose(1, 2).bmm(g) : null,
  ], [a, b]);
}

/** linear's forward on the device: x [N, in] · wᵀ (+ bias), one GEMM with the bias added per column. */
export function linear(x: Tensor, w: Tensor, bias: Tensor | null): Tensor {
  checkAllOnDevice('linear', x, w, bias);
  const [N, inF] = x._shape, outF = w._shape[0];
  if (inF === 0) return bias ? cast(bias.unsqueeze(0).expand([N, outF]), 'float32', 'linear') : full([N, outF], 'float32', 0);
  const res = gpuTensor('linear', 'float32', [N, outF]);
  if (N * outF === 0) return res;
  const W = operandOf(w);
  gemm('linear', operandOf(x), { ...W, trans: !W.trans }, 1, N, outF, inF, bias && bias.isContiguous() ? bias : bias ? copy(bias) : null, res);
  return res;
}

// ---- convolution ------------------------------------------------------------------------------

function convParams(p: Params, n: number, off: number, N: number, g: ConvGeom, pad = 0): void {
  p.i[0] = n;
  p.f[22] = pad;
  p.i[4] = off;
  const v = [N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.oh, g.ow];
  for (let k = 0; k < v.length; k++) p.i[8 + k] = v[k];
}

/**
 * unfold on the device: [N, C, H, W] -> [N, C·kh·kw, oh·ow], `pad` outside the image; its VJP is col2im
 * (and col2im's is this).
 */
function im2col(x: Tensor, g: ConvGeom, pad = 0): Tensor {
  const [N, C, H, W] = x._shape;
  const gg = { ...g, C, H, W };
  const xc = x.isContiguous() ? x : copy(x);
  const K = C * g.kh * g.kw, L = g.oh * g.ow;
  const res = gpuTensor('conv2d', 'float32', [N, K, L]);
  const n = N * K * L;
  if (n > 0) dispatch('conv2d', 'im2col', im2colSource, groupsOf(n, 64), [bufferOf(xc), bufferOf(res)], (p) => convParams(p, n, xc.nd.offset, N, gg, pad));
  return record('unfold', [x], res, (gr) => [col2im(gr, gg)]);
}

export function col2im(cols: Tensor, g: ConvGeom): Tensor {
  const N = cols._shape[0];
  const cc = cols.isContiguous() ? cols : copy(cols);
  const res = gpuTensor('conv2d', 'float32', [N, g.C, g.H, g.W]);
  const n = res.numel();
  if (n > 0) dispatch('conv2d', 'col2im', col2imSource, groupsOf(n, 64), [bufferOf(cc), bufferOf(res)], (p) => convParams(p, n, cc.nd.offset, N, g));
  return record('fold', [cols], res, (gr) => [im2col(gr, g)]);
}

/**
 * conv2d on the device (ops/conv.ts's primitive, geometry checked there), composed of im2col and one
 * batched GEMM per group, so its gradients (and theirs) come from those ops' VJPs.
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, groups: number): Tensor {
  checkAllOnDevice('conv2d', x, w, b);
  if (x.dtype !== 'float32') wgsl(x.dtype, 'conv2d');
  const [N, , H, W] = x._shape;
  const [O, Cg, kh, kw] = w._shape;
  const cols = im2col(x, { ...g, C: x._shape[1], H, W }); // [N, C·kh·kw, L]
  const L = g.oh * g.ow, K = Cg * kh * kw;
  const y = w.reshape([groups, O / groups, K]).matmul(cols.reshape([N, groups, K, L])); // [N, groups, O/groups, L]
  const out = y.reshape([N, O, g.oh, g.ow]);
  return b ? out.add(b.reshape([1, O, 1, 1])) : out;
}

/** The sliding-window arguments of a pooling op (ops/pooling.ts's, already checked). */
export interface PoolArgs { kernel: number[]; stride: number[]; padding: number[]; dilation: number[] }

function poolGeom(x: Tensor, spatial: number, a: PoolArgs, out: number[]): ConvGeom {
  const two = (v: number[], fill: number): number[] => (spatial === 1 ? [fill, v[0]] : v);
  const sp = x._shape.slice(x.ndim - spatial);
  const [H, W] = two(sp, 1), [kh, kw] = two(a.kernel, 1), [sh, sw] = two(a.stride, 1), [ph, pw] = two(a.padding, 0), [dh, dw] = two(a.dilation, 1), [oh, ow] = two(out, 1);
  return { C: 1, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

/** The windows of x's last `spatial` dims as [planes, kh·kw, L] (planes = all leading dims), `pad` outside. */
function windows(x: Tensor, g: ConvGeom, pad: number): Tensor {
  const planes = x.numel() / (g.H * g.W);
  return im2col(x.reshape([planes, 1, g.H, g.W]), g, pad);
}

/** For each window tap and output cell, the flat position in the input plane it reads (uploaded once per geometry). */
function tapPositions(g: ConvGeom): Tensor {
  return deviceConstant(`taps:${JSON.stringify(g)}`, () => {
    const L = g.oh * g.ow, pos = new Int32Array(g.kh * g.kw * L);
    for (let ki = 0; ki < g.kh; ki++) for (let kj = 0; kj < g.kw; kj++) {
      for (let y = 0; y < g.oh; y++) for (let z = 0; z < g.ow; z++) {
        pos[((ki * g.kw + kj) * g.oh + y) * g.ow + z] = (y * g.sh - g.ph + ki * g.dh) * g.W + (z * g.sw - g.pw + kj * g.dw);
      }
    }
    return Tensor._fromData(pos, [g.kh * g.kw, L], 'int32');
  });
}

/**
 * maxPool on the device: the argmax of each window (padding never wins), its value gathered there (so the
 * gradient goes to that one element, as PyTorch), and PyTorch's indices (flat positions in the input plane).
 */
export function maxPool(op: string, x: Tensor, spatial: number, a: PoolArgs, out: number[], returnIndices: boolean): Tensor | [Tensor, Tensor] {
  if (x.dtype !== 'float32') wgsl(x.dtype, op);
  const g = poolGeom(x, spatial, a, out);
  const cols = windows(x, g, -Infinity); // [planes, K, L]
  const arg = cols.argmax(1, true); // [planes, 1, L]
  const shape = [...x._shape.slice(0, x.ndim - spatial), ...out];
  const values = cols.gather(1, arg).reshape(shape);
  if (!returnIndices) return values;
  const taps = tapPositions(g);
  const indices = taps.unsqueeze(0).expand([cols._shape[0], taps._shape[0], taps._shape[1]]).gather(1, arg).reshape(shape);
  return [values, indices];
}

/** avgPool on the device: window sums over the divisors ops/pooling.ts computed (uploaded once per geometry). */
export function avgPool(op: string, x: Tensor, spatial: number, a: PoolArgs, out: number[], div: Float64Array): Tensor {
  if (x.dtype !== 'float32') wgsl(x.dtype, op);
  const d = deviceConstant(`divisors:${Array.from(div).join(',')}`, () => Tensor._fromData(Float32Array.from(div), [div.length], 'float32'));
  return windows(x, poolGeom(x, spatial, a, out), 0).sum(1).div(d).reshape([...x._shape.slice(0, x.ndim - spatial), ...out]);
}

// ---- indexing -----------------------------------------------------------------------------------

/** The host mirror's range check where one exists (values uploaded from the host and not written since). */
export function checkIndexRange(op: string, index: Tensor, size: number, dim: number): void {
  if ((index._storage.gpu as GpuData).host === null || !index.isContiguous()) return;
  // a guard: a compiled step's replay checks each call's indices again
  valueGuard(index, (host) => {
    for (let i = 0; i < host.length; i++) {
      const j = host[i];
      if (j < 0 || j >= size) throw new RangeError(`${op}: index ${j} is out of bounds for dim ${dim} with size ${size} (indices must be in [0, ${size - 1}])`);
    }
    return true;
  });
}

function indexParams(p: Params, n: number, shape: readonly number[], ops: readonly Tensor[]): void {
  p.i[0] = n;
  p.i[1] = shape.length;
  p.i[2] = 0;
  for (let d = 0; d < shape.length; d++) p.i[8 + d] = shape[d];
  ops.forEach((t, j) => {
    p.i[4 + j] = t.nd.offset;
    for (let d = 0; d < t.ndim; d++) p.i[16 + 8 * j + d] = t.nd.stride[d];
  });
}

/** gather on the device (shapes checked by ops/indexing.ts). Out-of-range indices give 0 unless the host mirror catches them. */
export function gather(x: Tensor, d: number, index: Tensor): Tensor {
  checkAllOnDevice('gather', x, index);
  checkRank('gather', x._shape);
  checkIndexRange('gather', index, x._shape[d], d);
  const t = wgsl(x.dtype, 'gather');
  const res = gpuTensor('gather', x.dtype, index._shape);
  const n = index.numel();
  if (n === 0) return res;
  dispatch('gather', `gather:${t}`, () => gatherSource(t), groupsOf(n, 64), [bufferOf(x), bufferOf(index), bufferOf(res)], (p) => {
    indexParams(p, n, index._shape, [x, index]);
    p.i[40] = d;
    p.i[41] = x._shape[d];
  });
  return res;
}

/** scatterAdd on the device: `src` already narrowed to the index's shape. */
export function scatterAdd(x: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  checkAllOnDevice('scatterAdd', x, index, src);
  checkRank('scatterAdd', x._shape);
  checkIndexRange('scatterAdd', index, x._shape[d], d);
  const t = wgsl(x.dtype, 'scatterAdd');
  const s = src.dtype === x.dtype ? src : cast(src, x.dtype, 'scatterAdd');
  const res = gpuTensor('scatterAdd', x.dtype, x._shape);
  const n = x.numel();
  if (n === 0) return res;
  dispatch('scatterAdd', `scatterAdd:${t}`, () => scatterAddSource(t), groupsOf(n, 64), [bufferOf(x), bufferOf(index), bufferOf(s), bufferOf(res)], (p) => {
    indexParams(p, n, x._shape, [x, index, s]);
    p.i[40] = d;
    p.i[41] = index._shape[d];
    for (let k = 0; k < index.ndim; k++) p.i[48 + k] = index._shape[k];
  });
  return res;
}

// ---- moving between devices, reading back -------------------------------------------------------

const constants = new Map<string, Tensor>();
/**
 * A constant the host builds once per `key` (a geometry's tap table, an averaging matrix, a mask) and keeps
 * on the device: later calls with the same key reuse the upload. Keys start with the table's kind.
 */
export function deviceConstant(key: string, make: () => Tensor): Tensor {
  let t = constants.get(key);
  if (t === undefined) {
    t = toDevice(make(), 'webgpu');
    constants.set(key, t);
  }
  return t;
}

/** `x.to('webgpu')` / `x.to('cpu')`. Moving to the cpu is asynchronous: `await x.cpuAsync()`. */
export function toDevice(x: Tensor, device: Device): Tensor {
  if (device === 'cpu') {
    if (x._storage.gpu === null) return x;
    throw new Error("to('cpu'): reading a webgpu tensor back to the host is asynchronous (WebGPU maps buffers asynchronously); use `await x.cpuAsync()` (or `await x.dataAsync()` for the values)");
  }
  if (x._storage.gpu !== null) return x;
  if (x.dtype === 'float64') {
    throw new TypeError("to('webgpu'): float64 tensors cannot move to the webgpu device (it computes in float32); convert first with x.float().to('webgpu')");
  }
  gpuState("to('webgpu')");
  const vals = x._contigData();
  const res = gpuTensor("to('webgpu')", x.dtype, x._shape);
  const words = x.dtype === 'bool' ? Uint32Array.from(vals as Uint8Array) : vals;
  upload("to('webgpu')", bufferOf(res), words);
  // Host copies of integer and bool tensors (class targets, indices) stay for the value checks that read them (crossEntropy's range check).
  if (x.dtype !== 'float32' && vals.length <= 1 << 20) (res._storage.gpu as GpuData).host = vals.slice() as TypedArray;
  if (!x.requiresGrad) return res;
  return record('to', [x], res, () => {
    throw new Error("backward: gradients do not flow from a webgpu tensor back to the cpu tensor it was copied from yet; create the leaves on the device (tensor(data, { device: 'webgpu', requiresGrad: true }) or model.to('webgpu'))");
  });
}

/** The values of a webgpu tensor, row-major, as a typed array of its dtype (the one readback). */
export async function data(x: Tensor): Promise<TypedArray> {
  const n = x.numel();
  const src = x.isContiguous() ? x : copy(x);
  const buf = await readBack('data', bufferOf(src), src.nd.offset * 4, n * 4);
  if (x.dtype === 'float32') return new Float32Array(buf);
  if (x.dtype === 'int32') return new Int32Array(buf);
  return Uint8Array.from(new Uint32Array(buf));
}

/** A host copy of a webgpu tensor. */
export async function toCpu(x: Tensor): Promise<Tensor> {
  if (x._storage.gpu === null) return x;
  return Tensor._fromData(await data(x), x.shape, x.dtype);
}

/** What printing a webgpu tensor shows (its values need an async read). */
export function describe(x: Tensor): string {
  return `tensor(<${x.numel()} values on webgpu: print (await x.cpuAsync())>, shape=[${x._shape.join(', ')}], dtype=${x.dtype}, device='webgpu')`;
}

/** Refuses webgpu tensors in an op whose kernel reads host memory (no device path yet), naming the op. */
export function notOnDevice(op: string, ...ts: (Tensor | null | undefined)[]): void {
  if (ts.some((t) => t instanceof Tensor && t._storage.gpu !== null)) {
    throw new Error(`${op}: not implemented on the webgpu device yet (its kernel reads host memory); move the tensors to the cpu with await x.cpuAsync()`);
  }
}

/** The error of a synchronous reader on a webgpu tensor. */
export function syncReadError(reader: string, asyncName: string): Error {
  return new Error(`${reader}: this tensor is on the webgpu device, whose values can only be read asynchronously; use \`await x.${asyncName}\` instead`);
}

// ---- optimizer updates (used by @tapegrad/optim through @tapegrad/core/internal) ----------------

function paramOperand(t: Tensor, op: string, what: string): Tensor {
  if (t._storage.gpu === null) throw new Error(`${op}: Expected all tensors to be on the same device, but found webgpu and cpu (the ${what})`);
  if (t.dtype !== 'float32') wgsl(t.dtype, op);
  return t;
}

/**
 * One SGD step on a webgpu parameter, in place (momentum buffer `buf` or null; `first` on the step that
 * creates it), as @tapegrad/optim's sgdKernel.
 */
export function sgdStep(p: Tensor, g: Tensor, buf: Tensor | null, first: boolean, lr: number, momentum: number, dampening: number, wd: number, nesterov: boolean, sign: number): void {
  paramOperand(p, 'SGD.step', 'parameter');
  if (!p.isContiguous()) throw new Error('SGD.step: a strided webgpu parameter is not supported yet');
  const gc = paramOperand(g, 'SGD.step', 'gradient').isContiguous() ? g : copy(g);
  const n = p.numel();
  if (n > 0) {
    const b = buf ? paramOperand(buf, 'SGD.step', 'momentum buffer') : null;
    dispatch('SGD.step', 'sgd', sgdSource, groupsOf(n, 64), [bufferOf(p), bufferOf(gc), b ? bufferOf(b) : dummyBuffer()], (q) => {
      q.i[0] = n; q.i[4] = p.nd.offset; q.i[5] = gc.nd.offset; q.i[6] = b ? b.nd.offset : 0;
      q.i[40] = (b ? 1 : 0) | (first ? 2 : 0) | (nesterov ? 4 : 0);
      q.f[44] = lr; q.f[45] = momentum; q.f[46] = dampening; q.f[47] = wd; q.f[48] = sign;
    });
  }
  p._bumpVersion();
  markWritten(p);
  if (buf) { buf._bumpVersion(); markWritten(buf); }
}

/** One Adam/AdamW step on a webgpu parameter, in place, as @tapegrad/optim's adamKernel (no amsgrad). */
export function adamStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, beta1: number, beta2: number, stepSize: number, biasCorrection2Sqrt: number, eps: number, wd: number, decay: number, sign: number): void {
  paramOperand(p, 'Adam.step', 'parameter');
  if (!p.isContiguous()) throw new Error('Adam.step: a strided webgpu parameter is not supported yet');
  const gc = paramOperand(g, 'Adam.step', 'gradient').isContiguous() ? g : copy(g);
  paramOperand(m, 'Adam.step', 'exp_avg state');
  paramOperand(v, 'Adam.step', 'exp_avg_sq state');
  const n = p.numel();
  if (n > 0) {
    dispatch('Adam.step', 'adam', adamSource, groupsOf(n, 64), [bufferOf(p), bufferOf(gc), bufferOf(m), bufferOf(v)], (q) => {
      q.i[0] = n; q.i[4] = p.nd.offset; q.i[5] = gc.nd.offset; q.i[6] = m.nd.offset; q.i[7] = v.nd.offset;
      q.f[44] = beta1; q.f[45] = beta2; q.f[46] = stepSize; q.f[47] = biasCorrection2Sqrt; q.f[48] = eps; q.f[49] = wd; q.f[50] = decay; q.f[51] = sign;
    });
  }
  for (const t of [p, m, v]) { t._bumpVersion(); markWritten(t); }
}

