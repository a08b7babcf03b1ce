/**
 * In-place ops. Each computes the out-of-place result, writes it into this tensor's storage and bumps
 * the storage's version. If the tensor is part of a graph it adopts the new node (PyTorch's "rebase"),
 * and any node that saved the old value sees the version change and refuses to backward.
 */
import { Tensor, TensorLike, stridedCopy } from '../tensor';
import { isGradEnabled } from '../autograd/grad-mode';
import { fmt, sameShape, numelOf } from '../shape';
import { allocate } from '../dtype';
import { Generator, defaultGenerator } from '../random';
import { operand } from './scalar';

function checkLeaf(t: Tensor, op: string): void {
  if (isGradEnabled() && t.requiresGrad && t.isLeaf) {
    throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad(() => ...) (as optimizers do) or use the out-of-place op`);
  }
}

/** Writes `src` (already broadcast to t's shape) into t's strided storage. */
function writeInto(t: Tensor, src: Tensor): void {
  const vals = src.dtype === t.dtype ? src._contigData() : src.to(t.dtype)._contigData();
  const sh = t._shape, st = t.nd.stride, dst = t._storage.data;
  const n = numelOf(sh);
  if (t.isContiguous()) {
    dst.set(vals.subarray(0, n) as never, t.nd.offset);
    return;
  }
  const idx = new Array<number>(sh.length).fill(0);
  let p = t.nd.offset;
  for (let i = 0; i < n; i++) {
    dst[p] = vals[i];
    for (let d = sh.length - 1; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < sh[d]) break;
      p -= st[d] * sh[d];
      idx[d] = 0;
    }
  }
}

export function inplace<T extends Tensor>(t: T, op: string, f: (self: Tensor) => Tensor): T {
  checkLeaf(t, op);
  // Compute on a snapshot that keeps t's current graph position (t itself is about to take a new one).
  const old = t.detach();
  if (t.gradFn) old._setGradFn(t.gradFn);
  const result = f(old);
  if (!sameShape(result._shape, t._shape)) {
    throw new RangeError(`${op}: the result has shape ${fmt(result._shape)}, which does not fit the tensor's shape ${fmt(t._shape)} in place`);
  }
  if (result.dtype !== t.dtype && !(t.dtype === 'float32' || t.dtype === 'float64')) {
    throw new TypeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${t.dtype}`);
  }
  writeInto(t, result);
  t._bumpVersion();
  if (result.gradFn) {
    // The old value lives on as a snapshot that keeps t's old graph position; t takes the new node.
    t._setGradFn(result.gradFn);
  }
  return t;
}

export function fill_<T extends Tensor>(t: T, value: number): T {
  checkLeaf(t, 'fill_');
  writeInto(t, Tensor._fromData(Object.assign(allocate(t.dtype, 1), { 0: value }), [], t.dtype).expand(t._shape));
  t._bumpVersion();
  return t;
}

export function copy_<T extends Tensor>(t: T, src: TensorLike): T {
  checkLeaf(t, 'copy_');
  const s = operand(src, 'copy_').t;
  writeInto(t, s.expand(t._shape));
  t._bumpVersion();
  return t;
}

function randomFill<T extends Tensor>(t: T, op: string, draw: () => number): T {
  checkLeaf(t, op);
  const vals = allocate(t.dtype, t.numel());
  for (let i = 0; i < vals.length; i++) vals[i] = draw();
  writeInto(t, Tensor._fromData(vals, t.shape, t.dtype));
  t._bumpVersion();
  return t;
}

export function uniform_<T extends Tensor>(t: T, low: number, high: number, gen?: Generator): T {
  const g = gen ?? defaultGenerator;
  return randomFill(t, 'uniform_', () => low + (high - low) * g.random());
}

export function normal_<T extends Tensor>(t: T, mean: number, std: number, gen?: Generator): T {
  if (!(std >= 0)) throw new RangeError(`normal_: std must be >= 0, got ${std}`);
  const g = gen ?? defaultGenerator;
  return randomFill(t, 'normal_', () => mean + std * g.normal());
}

export { stridedCopy };
