/** Creating tensors: from data, constant fills, ranges, and seeded random draws. */
import { Tensor, NestedArray } from './tensor';
import { DType, TypedArray, allocate, checkDtype, dtypeOfArray, getDefaultDtype, isFloating } from './dtype';
import { checkShape, fmt, numelOf } from './shape';
import { Generator, defaultGenerator } from './random';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function finish(data: TypedArray, shape: number[], dtype: DType, opts?: TensorOptions): Tensor {
  const t = Tensor._fromData(data, shape, dtype);
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

function shapeArg(shape: number[] | number, op: string): number[] {
  return checkShape(typeof shape === 'number' ? [shape] : shape, op);
}

/**
 * A tensor from a number, a boolean, (nested) arrays or a typed array. The dtype is inferred as PyTorch
 * does (booleans -> bool, all integers -> int32, else float32) unless given — except that with
 * `requiresGrad: true` integer-looking numbers give float32, since JS writes 1.0 as 1. A typed array keeps
 * its dtype and is copied.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
 */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: TensorOptions = {}): Tensor {
  if (data instanceof Tensor) return finish(data.dataSync(), data.shape, opts.dtype ?? data.dtype, opts);
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    let own: DType;
    try { own = dtypeOfArray(src); } catch { throw new TypeError('tensor: unsupported typed array; use Float32Array, Float64Array, Int32Array or Uint8Array'); }
    const dtype = opts.dtype ? checkDtype(opts.dtype, 'tensor') : own;
    const out = allocate(dtype, src.length);
    out.set(src as never);
    return finish(out, [src.length], dtype, opts);
  }
  const shape: number[] = [];
  let probe: NestedArray = data as NestedArray;
  while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0]; }
  const flat: (number | boolean)[] = [];
  let sawFloat = false, sawBool = false, sawNumber = false;
  let bigInt: number | null = null;
  const walk = (v: NestedArray, k: number): void => {
    if (k === shape.length) {
      if (Array.isArray(v)) throw new RangeError(`tensor: ragged nested array; expected a scalar at depth ${k} for shape ${fmt(shape)}`);
      if (typeof v === 'boolean') sawBool = true;
      else if (typeof v === 'number') {
        sawNumber = true;
        if (!Number.isInteger(v)) sawFloat = true;
        else if (v > 2147483647 || v < -2147483648) bigInt = v;
      }
      else throw new TypeError(`tensor: expected numbers or booleans, got ${v === null ? 'null' : typeof v}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[k]) {
      throw new RangeError(`tensor: ragged nested array; expected length ${shape[k]} at depth ${k} for shape ${fmt(shape)}, got ${Array.isArray(v) ? v.length : 'a scalar'}`);
    }
    for (const e of v) walk(e, k + 1);
  };
  walk(data as NestedArray, 0);
  let inferred: DType = sawFloat || (!sawBool && !sawNumber) ? getDefaultDtype() : sawBool && !sawNumber ? 'bool' : sawFloat ? getDefaultDtype() : 'int32';
  // JS has no float literals: `tensor([1.0, 2.0, 3.0], { requiresGrad: true })` (PyTorch's float tensor) is
  // written with numbers that look like integers, so asking for gradients makes the inference choose the
  // default float dtype (PyTorch would see floats there).
  if (opts.requiresGrad && sawNumber && inferred === 'int32') inferred = getDefaultDtype();
  if (!opts.dtype && inferred === 'int32' && bigInt !== null) {
    // PyTorch would infer int64, which tapegrad does not have: refuse rather than wrap around.
    throw new RangeError(`tensor: the integer ${bigInt} does not fit in int32 (tapegrad's integer dtype); pass { dtype: 'float64' } to keep it as a float`);
  }
  const dtype = opts.dtype ? checkDtype(opts.dtype, 'tensor') : inferred;
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = Number(flat[i]);
  if (opts.requiresGrad && !isFloating(dtype)) {
    throw new TypeError(`tensor: only tensors of floating point dtype can require gradients, got ${dtype} (pass { dtype: 'float32' })`);
  }
  return finish(out, shape, dtype, opts);
}

export function full(shape: number[] | number, value: number, opts: TensorOptions = {}): Tensor {
  const s = shapeArg(shape, 'full');
  // As torch.full: the fill value's kind decides the dtype when none is given.
  const dtype = opts.dtype ? checkDtype(opts.dtype, 'full') : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int32' : getDefaultDtype();
  const d = allocate(dtype, numelOf(s));
  d.fill(Number(value));
  return finish(d, s, dtype, opts);
}
export const zeros = (shape: number[] | number, opts: TensorOptions = {}): Tensor => full(shape, 0, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
export const ones = (shape: number[] | number, opts: TensorOptions = {}): Tensor => full(shape, 1, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
/** Uninitialised in PyTorch; zero-filled here. */
export const empty = zeros;
export const zerosLike = (t: Tensor, opts: TensorOptions = {}): Tensor => full(t.shape, 0, { ...opts, dtype: opts.dtype ?? t.dtype });
export const onesLike = (t: Tensor, opts: TensorOptions = {}): Tensor => full(t.shape, 1, { ...opts, dtype: opts.dtype ?? t.dtype });
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}): Tensor => full(t.shape, value, { ...opts, dtype: opts.dtype ?? t.dtype });

/** [start, end) in steps (`arange(5)` is 0..4). Integer arguments give int32, as PyTorch (int64 there). */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  const [a, b] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a non-zero finite number, got ${step}`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`arange: start and end must be finite, got ${a} and ${b}`);
  if ((b - a) / step < 0) throw new RangeError(`arange: upper bound and step sign are inconsistent (start ${a}, end ${b}, step ${step})`);
  const n = Math.max(0, Math.ceil((b - a) / step));
  const allInt = [a, b, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (allInt ? 'int32' : getDefaultDtype());
  const d = allocate(dtype, n);
  for (let i = 0; i < n; i++) d[i] = a + i * step;
  return finish(d, [n], dtype, opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = opts.dtype ?? getDefaultDtype();
  const d = allocate(dtype, steps);
  // PyTorch computes in the output dtype: round every float32 step to float32 to get the same values.
  const r = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const a = r(start), b = r(end);
  const step = steps > 1 ? r(r(b - a) / (steps - 1)) : 0;
  // Fill symmetrically from both ends, as PyTorch, so the last value is exactly `end`.
  const half = steps === 1 ? 1 : Math.floor(steps / 2); // one step is `start`, as torch.linspace(2, 3, 1) = [2.]
  for (let i = 0; i < steps; i++) d[i] = i < half ? r(a + r(step * i)) : r(b - r(step * (steps - 1 - i)));
  return finish(d, [steps], dtype, opts);
}

export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  const s = checkShape([n, m], 'eye');
  const dtype = opts.dtype ?? getDefaultDtype();
  const d = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return finish(d, s, dtype, opts);
}

function randomTensor(op: string, shape: number[] | number, opts: RandomOptions, draw: (g: Generator) => number): Tensor {
  const s = shapeArg(shape, op);
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  const d = allocate(dtype, numelOf(s));
  for (let i = 0; i < d.length; i++) d[i] = draw(g);
  return finish(d, s, dtype, opts);
}

/** Uniform on [0, 1). */
export const rand = (shape: number[] | number, opts: RandomOptions = {}): Tensor => randomTensor('rand', shape, opts, (g) => g.random());
/** Standard normal. */
export const randn = (shape: number[] | number, opts: RandomOptions = {}): Tensor => randomTensor('randn', shape, opts, (g) => g.normal());
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, { ...opts, dtype: opts.dtype ?? t.dtype });
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, { ...opts, dtype: opts.dtype ?? t.dtype });

/** Integers uniform in [low, high), int32 (PyTorch: `randint(low, high, size)`). */
export function randint(low: number, high: number, shape: number[] | number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new RangeError(`randint: expected integers low < high, got low ${low}, high ${high}`);
  const s = shapeArg(shape, 'randint');
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'int32';
  const d = allocate(dtype, numelOf(s));
  for (let i = 0; i < d.length; i++) d[i] = g.randint(low, high);
  return finish(d, s, dtype, opts);
}

/** A random permutation of 0..n-1 (Fisher–Yates), int32. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) d[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    const t = d[i]; d[i] = d[j]; d[j] = t;
  }
  const t = finish(d, [n], 'int32', { dtype: 'int32' });
  return opts.dtype && opts.dtype !== 'int32' ? t.to(opts.dtype) : t;
}
