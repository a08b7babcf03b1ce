/**
 * In-place ops. Each computes the out-of-place result, writes it into this tensor's storage and bumps
 * the storage's version. If the tensor is part of a graph it adopts the new node (PyTorch's "rebase"),
 * and any node that saved the old value sees the version change and refuses to backward.
 */
import { Tensor, TensorLike, stridedCopy } from '../tensor';
import { isGradEnabled, noGrad } from '../autograd/grad-mode';
import { record } from '../autograd/tape';
import { viewBase } from './view';
import { where } from './indexing';
import { onesOf } from './cast';
import { fmt, sameShape, numelOf } from '../shape';
import { allocate, checkInt32, isFloating } from '../dtype';
import { Generator, defaultGenerator } from '../random';
import { fillBernoulli, fillNormal, fillUniform, fillBernoulliTensor, fillExponential, fillGeometric, fillLogNormal, fillCauchy } from '../random-fill';
import { checkOptionKeys } from '../options';
import { operand } from './scalar';
import { runKernel } from '../compile/capture';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)

export function checkLeaf(t: Tensor, op: string): void {
  if (isGradEnabled() && t.requiresGrad && t.isLeaf) {
    throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad(() => ...) (as optimizers do) or use the out-of-place op`);
  }
}

/** Writes `src` (already broadcast to t's shape) into t's strided storage. */
function writeInto(t: Tensor, src: Tensor): void {
  if (t._storage.gpu !== null) return WG.copyInto(t, src); // webgpu (issue 17)
  const vals = src.dtype === t.dtype ? src._contigData() : src.to(t.dtype)._contigData();
  const dst = t._storage.data;
  if (t.isContiguous()) {
    dst.set(vals.subarray(0, t.numel()) as never, t.nd.offset);
    return;
  }
  forEachPosition(t, (p, i) => { dst[p] = vals[i]; });
}

/** A detached handle on t's current value at t's current graph position; a copy when `copy`. */
function snapshot(t: Tensor, copy: boolean): Tensor {
  const s = copy ? noGrad(() => t.detach().clone()) : t.detach();
  if (t.gradFn) s._setGradFn(t.gradFn);
  return s;
}

export function inplace<T extends Tensor>(t: T, op: string, f: (self: Tensor) => Tensor): T {
  checkLeaf(t, op);
  const base = isGradEnabled() ? viewBase(t) : undefined;
  if (base && base.requiresGrad && base.isLeaf) {
    throw new Error(`${op}: a view of a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad(() => ...) or work on a clone()`);
  }
  // Compute on a snapshot that keeps t's current graph position (t itself is about to take a new one).
  let old = snapshot(t, false);
  let result = f(old);
  if (result.gradFn && result.gradFn.saved.some(([s]) => s === old)) {
    // The op's backward reads self's old value, which the write is about to overwrite: give it a copy
    // instead (PyTorch's original_self), so e.g. y.mul_(x) stays differentiable.
    old = snapshot(t, true);
    result = f(old);
  }
  if (!sameShape(result._shape, t._shape)) {
    throw new RangeError(`${op}: the result has shape ${fmt(result._shape)}, which does not fit the tensor's shape ${fmt(t._shape)} in place`);
  }
  if (result.dtype !== t.dtype && !(t.dtype === 'float32' || t.dtype === 'float64')) {
    throw new TypeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${t.dtype}`);
  }
  const baseOld = base && (base.requiresGrad || result.requiresGrad) ? snapshot(base, false) : null;
  runKernel(() => { writeInto(t, result); t._bumpVersion(); }, t._storage.data);
  if (result.gradFn) {
    // The old value lives on as a snapshot that keeps t's old graph position; t takes the new node.
    t._setGradFn(result.gradFn);
  }
  if (base && baseOld) rebaseOnView(base, baseOld, t, result);
  return t;
}

/** Calls visit(storage position, row-major index) for every element of t. */
function forEachPosition(t: Tensor, visit: (pos: number, i: number) => void): void {
  const sh = t._shape, st = t.nd.stride, n = numelOf(sh);
  const idx = new Array<number>(sh.length).fill(0);
  let p = t.nd.offset;
  for (let i = 0; i < n; i++) {
    visit(p, i);
    for (let d = sh.length - 1; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < sh[d]) break;
      p -= st[d] * sh[d];
      idx[d] = 0;
    }
  }
}

/**
 * After an in-place write through view t, its base holds its old value with t's region replaced by
 * `result` (PyTorch's CopySlices): the base's gradient goes to `result` on that region and to the old
 * base everywhere else. Without this the base would keep its old node and get a silently wrong gradient.
 */
function rebaseOnView(base: Tensor, baseOld: Tensor, t: Tensor, result: Tensor): void {
  // Row-major index into the base of each element of t, through their shared storage positions.
  let indexOf = (pos: number): number => pos - base.nd.offset;
  if (!base.isContiguous()) {
    const m = new Map<number, number>();
    forEachPosition(base, (pos, i) => m.set(pos, i));
    indexOf = (pos) => m.get(pos) as number;
  }
  const idx = new Int32Array(t.numel());
  const keep = allocate(base.dtype, base.numel()).fill(1);
  forEachPosition(t, (pos, i) => { idx[i] = indexOf(pos); keep[idx[i]] = 0; });
  const index = Tensor._fromData(idx, [idx.length], 'int32');
  const keepMask = Tensor._fromData(keep, base.shape, base.dtype);
  record('copySlices', [baseOld, result], base, (g) => [
    g.mul(keepMask),
    g.reshape([-1]).gather(0, index).reshape(t._shape).to(result.dtype),
  ]);
}

/** Is t (or the base it views) in a graph, so that overwriting it must be recorded? */
const tracked = (t: Tensor, src?: Tensor): boolean => isGradEnabled() && (t.requiresGrad || !!viewBase(t)?.requiresGrad || !!src?.requiresGrad);

export function fill_<T extends Tensor>(t: T, value: number): T {
  checkLeaf(t, 'fill_');
  if (t.dtype === 'int32') checkInt32(value, 'fill_');
  // In a graph the overwritten value's gradient must be cut to zero (PyTorch's FillBackward).
  if (tracked(t)) return inplace(t, 'fill_', (old) => where(onesOf(old.shape, 'bool', old), value, old));
  if (t._storage.gpu !== null) { WG.fillInto(t, value); t._bumpVersion(); return t; } // webgpu (issue 17)
  // A contiguous target is filled directly (a typed array's fill converts the value as an element write
  // does); a strided one through the expanded scalar.
  const v = t.isContiguous() ? null : Tensor._fromData(Object.assign(allocate(t.dtype, 1), { 0: value }), [], t.dtype).expand(t._shape);
  runKernel(() => {
    if (v === null) t._storage.data.fill(value, t.nd.offset, t.nd.offset + t.numel());
    else writeInto(t, v);
    t._bumpVersion();
  }, t._storage.data, v?._storage.data);
  return t;
}

export function copy_<T extends Tensor>(t: T, src: TensorLike): T {
  checkLeaf(t, 'copy_');
  if (t.dtype === 'int32' && typeof src === 'number') checkInt32(src, 'copy_');
  const s = operand(src, 'copy_').t;
  // In a graph the gradient goes to src and none to the overwritten value (PyTorch's CopyBackwards).
  if (tracked(t, s)) return inplace(t, 'copy_', (old) => where(onesOf(old.shape, 'bool', old), s.expand(old.shape), old));
  const e = s.expand(t._shape);
  runKernel(() => { writeInto(t, e); t._bumpVersion(); }, t._storage.data);
  return t;
}

// Drawn in memory order of a contiguous tensor (as torch's serial kernels do), then written into t.
function randomFill<T extends Tensor>(t: T, op: string, fill: (vals: Float32Array | Float64Array) => void, allowInt32 = false): T {
  checkLeaf(t, op);
  if (!isFloating(t.dtype) && !(allowInt32 && t.dtype === 'int32')) throw new TypeError(`${op}: expected a floating point tensor${allowInt32 ? ' or int32' : ''}, got ${t.dtype}`);
  const vals = allocate(t.dtype, t.numel()) as Float32Array | Float64Array;
  const drawn = Tensor._fromData(vals, t.shape, t.dtype);
  runKernel(() => {
    fill(vals);
    writeInto(t, drawn);
    t._bumpVersion();
  }, t._storage.data, vals);
  return t;
}

/** A generator, or PyTorch's keyword form `{ generator }`. */
export type GeneratorArg = Generator | { generator?: Generator };

function generatorOf(op: string, arg: GeneratorArg | undefined): Generator {
  if (arg === undefined || arg === null) return defaultGenerator;
  if (arg instanceof Generator) return arg;
  if (typeof arg === 'object' && !Array.isArray(arg)) {
    checkOptionKeys(op, arg, ['generator']);
    const g = (arg as { generator?: unknown }).generator;
    if (g === undefined) return defaultGenerator;
    if (g instanceof Generator) return g;
  }
  throw new TypeError(`${op}: expected a Generator or { generator }, got ${describe(arg)}`);
}
const describe = (v: unknown): string => (v instanceof Tensor ? 'a Tensor' : typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object without a Generator') : `${typeof v} ${String(v)}`);

function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${op}: ${name} must be a number, got ${typeof v === 'number' ? 'NaN' : typeof v}`);
  return v;
}

/** torch's `uniform_(from, to)`: the same numbers for the same seed (random-fill.ts). */
export function uniform_<T extends Tensor>(t: T, low: number, high: number, gen?: GeneratorArg): T {
  checkNumber('uniform_', 'from', low);
  checkNumber('uniform_', 'to', high);
  if (!(low <= high)) throw new RangeError(`uniform_: expects to return a [from, to) range, but found from=${low} > to=${high}`);
  const g = generatorOf('uniform_', gen);
  return randomFill(t, 'uniform_', (vals) => fillUniform(g, vals, low, high));
}

/** torch's `normal_(mean, std)`: the same numbers for the same seed (random-fill.ts). */
export function normal_<T extends Tensor>(t: T, mean: number, std: number, gen?: GeneratorArg): T {
  checkNumber('normal_', 'mean', mean);
  if (!(std >= 0)) throw new RangeError(`normal_: std must be >= 0, got ${std}`);
  const g = generatorOf('normal_', gen);
  return randomFill(t, 'normal_', (vals) => fillNormal(g, vals, mean, std));
}

/**
 * torch's `bernoulli_(p)`: 1 with probability p, else 0. A number p draws 53-bit uniforms; a tensor p
 * (broadcast to t's shape, any float dtype) gives each element its own probability, drawn with 53-bit
 * uniforms when p is float64 and 24-bit ones otherwise, as ATen's kernel (random-fill.ts).
 */
export function bernoulli_<T extends Tensor>(t: T, p: number | Tensor, gen?: GeneratorArg): T {
  if (p instanceof Tensor) return bernoulliTensor_(t, p, generatorOf('bernoulli_', gen));
  checkNumber('bernoulli_', 'p', p);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bernoulli_: expected 0 <= p <= 1, got ${p}`);
  const g = generatorOf('bernoulli_', gen);
  return randomFill(t, 'bernoulli_', (vals) => fillBernoulli(g, vals, p));
}

// sampling (conform8)
function bernoulliTensor_<T extends Tensor>(t: T, p: Tensor, g: Generator): T {
  if (!isFloating(p.dtype)) throw new TypeError(`bernoulli_: expected a floating point probability tensor, got ${p.dtype}`);
  let pe: Tensor;
  try { pe = p.detach().expand(t.shape); } catch {
    throw new RangeError(`bernoulli_: the probabilities of shape ${fmt(p.shape)} do not broadcast to the tensor's shape ${fmt(t.shape)}`);
  }
  const pv = pe.contiguous().dataSync() as Float32Array | Float64Array;
  for (let i = 0; i < pv.length; i++) {
    if (!(pv[i] >= 0 && pv[i] <= 1)) throw new RangeError(`bernoulli_: expected every probability in [0, 1], got ${pv[i]} (element ${i} of p broadcast to ${fmt(t.shape)})`);
  }
  return randomFill(t, 'bernoulli_', (vals) => fillBernoulliTensor(g, vals, pv, p.dtype === 'float64'));
}

/**
 * torch's `exponential_(lambd=1)`: draws from the exponential distribution of rate `lambd`, `-log(1 - u) / lambd`
 * (random-fill.ts; torch's numbers for the same seed, to libm's last ulp).
 * @example zeros([3]).exponential_(2, { generator: new Generator(0) });
 */
export function exponential_<T extends Tensor>(t: T, lambd = 1, gen?: GeneratorArg): T {
  checkNumber('exponential_', 'lambd', lambd);
  if (!(lambd >= 0)) throw new RangeError(`exponential_: expects lambda >= 0.0, but found lambda=${lambd}`);
  const g = generatorOf('exponential_', gen);
  return randomFill(t, 'exponential_', (vals) => fillExponential(g, vals, lambd));
}

/**
 * torch's `geometric_(p)`: the number of Bernoulli(p) trials up to the first success, `ceil(log(u) / log(1 - p))`
 * (float or int32 tensors; torch's numbers for the same seed).
 * @example zeros([4], { dtype: 'int32' }).geometric_(0.3);
 */
export function geometric_<T extends Tensor>(t: T, p: number, gen?: GeneratorArg): T {
  checkNumber('geometric_', 'p', p);
  if (!(p > 0 && p < 1)) throw new RangeError(`geometric_: expects p to be in (0, 1), but got p=${p}`);
  const g = generatorOf('geometric_', gen);
  return randomFill(t, 'geometric_', (vals) => fillGeometric(g, vals, p), true);
}

/**
 * torch's `log_normal_(mean=1, std=2)`: `exp(x)` for x normal with that mean and std (the mean and std of the
 * log, not of the values), one Box–Muller draw per element as torch (to libm's last ulp).
 * @example zeros([3], { dtype: 'float64' }).logNormal_(0, 0.5);
 */
export function logNormal_<T extends Tensor>(t: T, mean = 1, std = 2, gen?: GeneratorArg): T {
  checkNumber('logNormal_', 'mean', mean);
  checkNumber('logNormal_', 'std', std);
  if (!(std > 0)) throw new RangeError(`logNormal_: expects std > 0.0, but found std=${std}`);
  const g = generatorOf('logNormal_', gen);
  return randomFill(t, 'logNormal_', (vals) => fillLogNormal(g, vals, mean, std));
}

/**
 * torch's `cauchy_(median=0, sigma=1)`: `median + sigma * tan(pi * (u - 1/2))` (to libm's last ulp).
 * @example zeros([3]).cauchy_(0, 2);
 */
export function cauchy_<T extends Tensor>(t: T, median = 0, sigma = 1, gen?: GeneratorArg): T {
  checkNumber('cauchy_', 'median', median);
  checkNumber('cauchy_', 'sigma', sigma);
  const g = generatorOf('cauchy_', gen);
  return randomFill(t, 'cauchy_', (vals) => fillCauchy(g, vals, median, sigma));
}

/** @internal The generator a `GeneratorArg` names (the default one when absent); ops/sampling.ts reuses it. */
export { generatorOf };

export { stridedCopy };
