/** Creating tensors: from data, constant fills, ranges, and seeded random draws. */
import { Tensor, NestedArray } from './tensor';
import { DType, TypedArray, allocate, checkDtype, checkInt32, dtypeOfArray, getDefaultDtype, isFloating } from './dtype';
import { checkShape, fmt, numelOf } from './shape';
import { Generator, defaultGenerator } from './random';
import { fillNormal, fillRandperm, fillUniform } from './random-fill';
import { checkOptionKeys, isPlainOptions } from './options';
import { activeCapture, runKernel } from './compile/capture';
import * as WG from './webgpu/ops'; // webgpu (issue 17)
import type { Device } from './webgpu/ops';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** webgpu (issue 17): `'webgpu'` creates the tensor on the GPU device (after `await webgpu.init()`); default `'cpu'`. */
  device?: Device;
}
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

const TENSOR_KEYS = ['dtype', 'requiresGrad', 'device'] as const;
const RANDOM_KEYS = ['dtype', 'requiresGrad', 'generator', 'device'] as const;

/**
 * A size given PyTorch's ways: `zeros(2, 3)`, `zeros([2, 3])`, or `zeros(3)`, optionally followed by an
 * options object or a dtype string (`randn([2, 3], 'float64')`).
 */
export type SizeArgs<O> =
  | [shape: readonly number[] | number, opts?: O | DType]
  | [...sizes: number[]]
  | [...sizes: number[], opts: O | DType];

/** Splits `SizeArgs` into a checked shape and checked options (unknown keys are errors). */
function sizeAndOptions<O extends TensorOptions>(op: string, args: readonly unknown[], known: readonly string[]): { shape: number[]; opts: O } {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && (isPlainOptions(last) || typeof last === 'string');
  const rest = hasOptions || (args.length > 1 && (last === undefined || last === null)) ? args.slice(0, -1) : args;
  const opts = options<O>(op, hasOptions ? (last as O | DType) : undefined, known);
  let shape: unknown;
  if (rest.length === 1 && Array.isArray(rest[0])) shape = rest[0];
  else if (rest.length === 1 && typeof rest[0] === 'number') shape = [rest[0]];
  else if (rest.length > 1 && rest.every((v) => typeof v === 'number')) shape = rest;
  else if (rest.length === 0) throw new TypeError(`${op}: expected a size, e.g. ${op}(2, 3) or ${op}([2, 3])`);
  else {
    throw new TypeError(`${op}: expected the size as numbers (${op}(2, 3)) or one array (${op}([2, 3])), then an optional options object; got (${rest.map(describeArg).join(', ')})`);
  }
  return { shape: checkShape(shape as number[], op), opts };
}

const describeArg = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? `[${v.map(describeArg).join(', ')}]` : typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : typeof v;

/** Checks an options argument that is not part of a size (tensor, full, arange, ...). */
function options<O extends TensorOptions>(op: string, opts: O | DType | undefined, known: readonly string[]): O {
  const o = (typeof opts === 'string' ? { dtype: opts } : opts ?? {}) as O;
  checkOptionKeys(op, o, known);
  if (o.dtype !== undefined) checkDtype(o.dtype, op);
  if (o.requiresGrad !== undefined && typeof o.requiresGrad !== 'boolean') {
    throw new TypeError(`${op}: requiresGrad must be a boolean, got ${describeArg(o.requiresGrad)}`);
  }
  if (o.device !== undefined && o.device !== 'cpu' && o.device !== 'webgpu') throw new TypeError(`${op}: device must be 'cpu' or 'webgpu', got ${describeArg(o.device)}`);
  return o;
}

const numberArg = (op: string, name: string, v: unknown): number => {
  if (typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describeArg(v)}`);
  return v;
};

function finish(data: TypedArray, shape: number[], dtype: DType, opts?: TensorOptions): Tensor {
  const host = Tensor._fromData(data, shape, dtype);
  const t = opts?.device === 'webgpu' ? WG.toDevice(host, 'webgpu') : host; // webgpu (issue 17)
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

function shapeArg(shape: readonly number[] | number, op: string): number[] {
  if (typeof shape !== 'number' && !Array.isArray(shape)) throw new TypeError(`${op}: expected the size as a number or an array of numbers, got ${describeArg(shape)}`);
  return checkShape(typeof shape === 'number' ? [shape] : [...shape], op);
}

/**
 * A tensor from a number, a boolean, (nested) arrays or a typed array. Without `dtype`, JS numbers give
 * the default float dtype (float32 unless `setDefaultDtype` says otherwise) and booleans give bool —
 * never a dtype that depends on the values, since JavaScript cannot tell `1.0` from `1`. A typed array
 * keeps its dtype (Int32Array → int32, Uint8Array → bool) and is copied. Integer tensors come from an
 * explicit `{ dtype: 'int32' }`, integer typed arrays, and ops that produce indices or counts.
 * @example
 * const x = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
 * const labels = tensor([0, 2, 1], { dtype: 'int32' });
 */
export function tensor(data: NestedArray | TypedArray | Tensor, opts: TensorOptions | DType = {}): Tensor {
  opts = options('tensor', opts, TENSOR_KEYS);
  if (data === undefined) throw new TypeError('tensor: expected data (a number, a boolean, nested arrays or a typed array), got undefined');
  if (data instanceof Tensor) return finish(data.dataSync(), data.shape, opts.dtype ?? data.dtype, opts);
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    let own: DType;
    try { own = dtypeOfArray(src); } catch { throw new TypeError('tensor: unsupported typed array; use Float32Array, Float64Array, Int32Array or Uint8Array'); }
    const dtype = opts.dtype ? checkDtype(opts.dtype, 'tensor') : own;
    if (dtype === 'int32' && own !== 'int32' && own !== 'bool') for (let i = 0; i < src.length; i++) checkInt32(src[i], 'tensor', `element [${i}]`);
    const out = allocate(dtype, src.length);
    // A compiled step's constant (compile.ts): the values as they are now, not as the array holds them later.
    const values = activeCapture() === null ? src : src.slice();
    runKernel(() => out.set(values as never), out);
    return finish(out, [src.length], dtype, opts);
  }
  const shape: number[] = [];
  let probe: NestedArray = data as NestedArray;
  while (Array.isArray(probe)) { shape.push(probe.length); probe = probe[0]; }
  const flat: (number | boolean)[] = [];
  let sawBool = false, sawNumber = false;
  const walk = (v: NestedArray, k: number): void => {
    if (k === shape.length) {
      if (Array.isArray(v)) throw new RangeError(`tensor: ragged nested array; expected a scalar at depth ${k} for shape ${fmt(shape)}`);
      if (typeof v === 'boolean') sawBool = true;
      else if (typeof v === 'number') sawNumber = true;
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
  // Booleans alone are bool; any number (or an empty array) gives the default float dtype.
  const inferred: DType = sawBool && !sawNumber ? 'bool' : getDefaultDtype();
  const dtype = opts.dtype ? checkDtype(opts.dtype, 'tensor') : inferred;
  if (dtype === 'int32') for (let i = 0; i < flat.length; i++) checkInt32(Number(flat[i]), 'tensor', `element [${i}]`);
  const out = allocate(dtype, flat.length);
  runKernel(() => { for (let i = 0; i < flat.length; i++) out[i] = Number(flat[i]); }, out);
  if (opts.requiresGrad && !isFloating(dtype)) {
    throw new TypeError(`tensor: only tensors of floating point dtype can require gradients, got ${dtype} (pass { dtype: 'float32' })`);
  }
  return finish(out, shape, dtype, opts);
}

/** A tensor of `shape` filled with `value` (default float dtype for a number, bool for a boolean). */
export function full(shape: readonly number[] | number, value: number | boolean, opts: TensorOptions | DType = {}): Tensor {
  return fill('full', shape, value, options('full', opts, TENSOR_KEYS));
}

function fill(op: string, shape: readonly number[] | number, value: number | boolean, opts: TensorOptions): Tensor {
  const s = shapeArg(shape, op);
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`${op}: expected a fill value (a number or a boolean), got ${describeArg(value)}; e.g. ${op}([2, 3], 0.5)`);
  }
  // A boolean fills a bool tensor (as torch.full); a number the default float dtype, whatever its value.
  const dtype = opts.dtype ? checkDtype(opts.dtype, op) : typeof value === 'boolean' ? 'bool' : getDefaultDtype();
  if (dtype === 'int32') checkInt32(Number(value), op, 'fill value');
  if (opts.device === 'webgpu') { const t = WG.full(s, dtype, Number(value)); if (opts.requiresGrad) t.requiresGrad = true; return t; } // webgpu (issue 17)
  const d = allocate(dtype, numelOf(s));
  const v = Number(value);
  // A kernel even for zeros: in-place ops may write the tensor, and a replay must start from the fill again.
  runKernel(() => d.fill(v), d);
  return finish(d, s, dtype, opts);
}
function constant(op: string, value: number, args: readonly unknown[]): Tensor {
  const { shape, opts } = sizeAndOptions<TensorOptions>(op, args, TENSOR_KEYS);
  return fill(op, shape, value, { ...opts, dtype: opts.dtype ?? getDefaultDtype() });
}
/**
 * Zeros of the given size, in the default float dtype unless given.
 * @example
 * zeros(2, 3); zeros([2, 3]); zeros([2, 3], { dtype: 'float64' }); zeros(4, 'int32');
 */
export const zeros = (...size: SizeArgs<TensorOptions>): Tensor => constant('zeros', 0, size);
/** Ones of the given size (`ones(2, 3)` or `ones([2, 3])`), in the default float dtype unless given. */
export const ones = (...size: SizeArgs<TensorOptions>): Tensor => constant('ones', 1, size);
/** Uninitialised in PyTorch; zero-filled here. */
export const empty = (...size: SizeArgs<TensorOptions>): Tensor => constant('empty', 0, size);

function like(op: string, t: Tensor, value: number | boolean, opts: TensorOptions | DType | undefined): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describeArg(t)}`);
  const o = options(op, opts, TENSOR_KEYS);
  return fill(op, t.shape, value, { ...o, dtype: o.dtype ?? t.dtype, device: o.device ?? t.device });
}
export const zerosLike = (t: Tensor, opts: TensorOptions | DType = {}): Tensor => like('zerosLike', t, 0, opts);
export const onesLike = (t: Tensor, opts: TensorOptions | DType = {}): Tensor => like('onesLike', t, 1, opts);
/** `t`'s shape filled with `value`, in `t`'s dtype unless given (a whole number beyond int32 into an int32 tensor is an error). */
export const fullLike = (t: Tensor, value: number | boolean, opts: TensorOptions | DType = {}): Tensor => like('fullLike', t, value, opts);

// Tensor.new_* (tutorials port): the new tensor takes t's dtype and device unless the options say otherwise.
/** @internal `t.newZeros(...)` and friends: `size` as zeros takes it, `t`'s dtype and device by default. */
export function newFilled(op: string, t: Tensor, value: number | boolean, args: readonly unknown[]): Tensor {
  const { shape, opts } = sizeAndOptions<TensorOptions>(op, args, TENSOR_KEYS);
  return fill(op, shape, value, { ...opts, dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device });
}

/** [start, end) in steps (`arange(5)` is 0..4). Integer arguments give int32, as PyTorch (int64 there). */
export function arange(start: number, end?: number | TensorOptions | DType, step: number | TensorOptions | DType = 1, opts: TensorOptions | DType = {}): Tensor {
  // The options may follow any of PyTorch's forms: arange(end, opts), arange(start, end, opts) (audit3).
  if (end !== undefined && typeof end !== 'number') { opts = end; end = undefined; step = 1; }
  else if (typeof step !== 'number') { opts = step; step = 1; }
  opts = options('arange', opts, TENSOR_KEYS);
  numberArg('arange', 'start', start);
  if (end !== undefined) numberArg('arange', 'end', end);
  numberArg('arange', 'step', step);
  const [a, b] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a non-zero finite number, got ${step}`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`arange: start and end must be finite, got ${a} and ${b}`);
  if ((b - a) / step < 0) throw new RangeError(`arange: upper bound and step sign are inconsistent (start ${a}, end ${b}, step ${step})`);
  const n = Math.max(0, Math.ceil((b - a) / step));
  const allInt = [a, b, step].every(Number.isInteger);
  const dtype = opts.dtype ?? (allInt ? 'int32' : getDefaultDtype());
  if (dtype === 'int32' && n > 0) {
    checkInt32(a, 'arange', 'start');
    checkInt32(a + (n - 1) * step, 'arange', 'last value');
  }
  const d = allocate(dtype, n);
  runKernel(() => { for (let i = 0; i < n; i++) d[i] = a + i * step; }, d);
  return finish(d, [n], dtype, opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: TensorOptions | DType = {}): Tensor {
  opts = options('linspace', opts, TENSOR_KEYS);
  numberArg('linspace', 'start', start);
  numberArg('linspace', 'end', end);
  if (opts.dtype === 'int32') {
    checkInt32(start, 'linspace', 'start');
    checkInt32(end, 'linspace', 'end');
  }
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = opts.dtype ?? getDefaultDtype();
  const d = allocate(dtype, steps);
  // PyTorch computes in the output dtype: round every float32 step to float32 to get the same values.
  const r = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const a = r(start), b = r(end);
  const step = steps > 1 ? r(r(b - a) / (steps - 1)) : 0;
  // Fill symmetrically from both ends, as PyTorch, so the last value is exactly `end`.
  const half = steps === 1 ? 1 : Math.floor(steps / 2); // one step is `start`, as torch.linspace(2, 3, 1) = [2.]
  runKernel(() => { for (let i = 0; i < steps; i++) d[i] = i < half ? r(a + r(step * i)) : r(b - r(step * (steps - 1 - i))); }, d);
  return finish(d, [steps], dtype, opts);
}

/**
 * PyTorch's `logspace`: `steps` values base^v for v evenly spaced from start to end (base 10).
 * @example logspace(0, 2, 3); // [1, 10, 100]
 */
export function logspace(start: number, end: number, steps: number, base: number | TensorOptions | DType = 10, opts: TensorOptions | DType = {}): Tensor {
  if (typeof base !== 'number') { opts = base; base = 10; }
  numberArg('logspace', 'base', base);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`logspace: steps must be a non-negative integer, got ${describeArg(steps)}`);
  const o = options('logspace', opts, TENSOR_KEYS);
  const dtype = o.dtype ?? getDefaultDtype();
  // The exponents in float64 (as PyTorch computes them in the result's accumulate type), then rounded once.
  const v = linspace(start, end, steps, { dtype: 'float64' });
  const d = allocate(dtype, steps);
  const b = base;
  runKernel(() => { const e = v._contigData(); for (let i = 0; i < steps; i++) d[i] = Math.pow(b, e[i]); }, d);
  return finish(d, [steps], dtype, o);
}

export function eye(n: number, m = n, opts: TensorOptions | DType = {}): Tensor {
  opts = options('eye', opts, TENSOR_KEYS);
  const s = checkShape([n, m], 'eye');
  const dtype = opts.dtype ?? getDefaultDtype();
  const d = allocate(dtype, n * m);
  runKernel(() => { d.fill(0); for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1; }, d);
  return finish(d, s, dtype, opts);
}

function randomTensor(op: string, args: readonly unknown[], fill: (g: Generator, d: Float32Array | Float64Array) => void): Tensor {
  const { shape: s, opts } = sizeAndOptions<RandomOptions>(op, args, RANDOM_KEYS);
  const dtype = opts.dtype ?? getDefaultDtype();
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  const d = allocate(dtype, numelOf(s)) as Float32Array | Float64Array;
  // Drawn when the kernel runs: a compiled step's replay draws fresh numbers from the same stream.
  runKernel(() => fill(g, d), d);
  return finish(d, s, dtype, opts);
}

/**
 * Uniform on [0, 1), of the given size (`rand(2, 3)` or `rand([2, 3], { generator })`).
 * @example
 * const x = rand([2, 3], { generator: new Generator(0) });
 */
export const rand = (...size: SizeArgs<RandomOptions>): Tensor => randomTensor('rand', size, (g, d) => fillUniform(g, d, 0, 1));
/**
 * Standard normal, of the given size (`randn(2, 3)`, `randn([2, 3], 'float64')`): torch's numbers for the
 * same seed (float32 tensors of 16 or more elements to the last bit or so, see random-fill.ts).
 */
export const randn = (...size: SizeArgs<RandomOptions>): Tensor => randomTensor('randn', size, (g, d) => fillNormal(g, d, 0, 1));
export const randLike = (t: Tensor, opts: RandomOptions | DType = {}): Tensor => {
  const o = options<RandomOptions>('randLike', opts, RANDOM_KEYS);
  return rand(t.shape, { ...o, dtype: o.dtype ?? t.dtype });
};
export const randnLike = (t: Tensor, opts: RandomOptions | DType = {}): Tensor => {
  const o = options<RandomOptions>('randnLike', opts, RANDOM_KEYS);
  return randn(t.shape, { ...o, dtype: o.dtype ?? t.dtype });
};

/**
 * Integers uniform in [low, high), int32. PyTorch's two forms: `randint(low, high, size)` and
 * `randint(high, size)` (low 0).
 * @example
 * randint(0, 10, [8]); randint(10, [8]); randint(10, [8], { generator: new Generator(1) });
 */
export function randint(high: number, shape: readonly number[] | number, opts?: RandomOptions | DType): Tensor;
export function randint(low: number, high: number, shape: readonly number[] | number, opts?: RandomOptions | DType): Tensor;
export function randint(...args: unknown[]): Tensor {
  // randint(high, size[, opts]) when the second argument is the size
  const [low, high, shape, rawOpts] = (Array.isArray(args[1]) ? [0, ...args] : args) as [number, number, number[] | number, RandomOptions | DType | undefined];
  const opts = options<RandomOptions>('randint', rawOpts, RANDOM_KEYS);
  if (typeof low !== 'number' || typeof high !== 'number') throw new TypeError(`randint: expected randint(low, high, size) or randint(high, size), got (${args.map(describeArg).join(', ')})`);
  if (shape === undefined) throw new TypeError('randint: missing the size, e.g. randint(0, 10, [8]) or randint(10, [8])');
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new RangeError(`randint: expected integers low < high, got low ${low}, high ${high}`);
  const s = shapeArg(shape, 'randint');
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype ?? 'int32';
  if (dtype === 'int32') {
    checkInt32(low, 'randint', 'low bound');
    checkInt32(high - 1, 'randint', 'largest value (high - 1)');
  }
  const d = allocate(dtype, numelOf(s));
  runKernel(() => { for (let i = 0; i < d.length; i++) d[i] = g.randint(low, high); }, d);
  return finish(d, s, dtype, opts);
}

/** A random permutation of 0..n-1, int32: torch's permutation for the same seed (its swap order, random-fill.ts). */
export function randperm(n: number, opts: RandomOptions | DType = {}): Tensor {
  opts = options('randperm', opts, RANDOM_KEYS);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const d = new Int32Array(n);
  runKernel(() => fillRandperm(g, d), d);
  const t = finish(d, [n], 'int32', { dtype: 'int32' });
  return opts.dtype && opts.dtype !== 'int32' ? t.to(opts.dtype) : t;
}
