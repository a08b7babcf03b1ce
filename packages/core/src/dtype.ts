/**
 * Data types. Storage is a typed array per dtype; PyTorch's type promotion decides result dtypes.
 */
import { POOL_MIN_LENGTH, poolTake, _noteBirth as noteBirth, _poisonFresh } from './pool';
import { noteAllocation } from './compile/capture';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatArray = Float32Array | Float64Array;
export type FloatDType = 'float32' | 'float64';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** The dtype a float tensor gets when none is given (PyTorch's `torch.get_default_dtype()`). */
let defaultFloat: 'float32' | 'float64' = 'float32';
export function setDefaultDtype(d: 'float32' | 'float64'): void {
  if (d !== 'float32' && d !== 'float64') throw new TypeError(`setDefaultDtype: expected 'float32' or 'float64', got ${String(d)}`);
  defaultFloat = d;
}
export function getDefaultDtype(): 'float32' | 'float64' {
  return defaultFloat;
}

export function allocate(dtype: DType, n: number): TypedArray {
  const a = allocateZeroed(dtype, n);
  noteAllocation(a); // compile: arrays born in a capture are its arena (compile/capture.ts)
  return a;
}

function allocateZeroed(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32': case 'float64': {
      const isF32 = dtype === 'float32';
      if (n < POOL_MIN_LENGTH) return isF32 ? new Float32Array(n) : new Float64Array(n);
      const reused = poolTake(isF32, n);
      const a = reused === undefined ? (isF32 ? new Float32Array(n) : new Float64Array(n)) : reused.fill(0);
      noteBirth(a);
      return a;
    }
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
    default: throw new TypeError(`unknown dtype '${String(dtype)}'; expected one of ${DTYPES.join(', ')}`);
  }
}

/**
 * A float array of `n` elements whose contents are arbitrary (a recycled buffer from the engine's pool,
 * see pool.ts, or a fresh zeroed one): only for outputs whose every element the caller then writes.
 */
export function allocateUninit(dtype: FloatDType, n: number): FloatArray {
  const isF32 = dtype === 'float32';
  let a: FloatArray;
  if (n < POOL_MIN_LENGTH) a = isF32 ? new Float32Array(n) : new Float64Array(n);
  else {
    a = (poolTake(isF32, n) as FloatArray | undefined) ?? freshUninit(isF32, n);
    noteBirth(a);
  }
  noteAllocation(a);
  return a;
}

// Node's Buffer.allocUnsafeSlow is malloc without the memset that `new Float32Array(n)` pays (and,
// for a large block, without its first-touch faults on zeroed pages): a 256 KB output the kernel then
// writes whole costs ~15-20 % less to allocate and fill. Browsers have no Buffer and keep the zeroed
// arrays. Below 16 KB V8's own allocation is as fast.
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow?: (size: number) => Uint8Array } }).Buffer;
const allocUnsafeSlow = typeof nodeBuffer?.allocUnsafeSlow === 'function' ? nodeBuffer.allocUnsafeSlow.bind(nodeBuffer) : null;
const UNSAFE_MIN_BYTES = 16384;
let unsafeFresh = true;

/** @internal A/B switch for the bench and tests: fresh uninitialised arrays from Buffer.allocUnsafeSlow (true) or zeroed ones. */
export function _setUnsafeFresh(on: boolean): boolean {
  const was = unsafeFresh;
  unsafeFresh = on;
  return was;
}

function freshUninit(isF32: boolean, n: number): FloatArray {
  const bytes = n * (isF32 ? 4 : 8);
  let a: FloatArray;
  if (unsafeFresh && allocUnsafeSlow !== null && bytes >= UNSAFE_MIN_BYTES) {
    const b = allocUnsafeSlow(bytes);
    a = isF32 ? new Float32Array(b.buffer, b.byteOffset, n) : new Float64Array(b.buffer, b.byteOffset, n);
  } else a = isF32 ? new Float32Array(n) : new Float64Array(n);
  // Poison mode (tests) shows a kernel that reads an element of its output before writing it.
  if (_poisonFresh()) a.fill(NaN);
  return a;
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  throw new TypeError('unsupported typed array');
}

export function checkDtype(d: unknown, where: string): DType {
  if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new TypeError(`${where}: unknown dtype '${String(d)}'; expected one of ${DTYPES.join(', ')}`);
}

export const isFloating = (d: DType): boolean => d === 'float32' || d === 'float64';

/** Category rank: bool < integer < floating (PyTorch's promotion categories). */
export function category(d: DType): number {
  return d === 'bool' ? 0 : d === 'int32' ? 1 : 2;
}

function wider(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = category(a), cb = category(b);
  if (ca !== cb) return ca > cb ? a : b;
  return a === 'float64' || b === 'float64' ? 'float64' : a;
}

/**
 * How an operand ranks in type promotion (torch.result_type): a tensor with dims (`false`), a 0-d tensor
 * (`true`), or a plain JS number (`'number'`, PyTorch's "wrapped number").
 */
export type ScalarKind = boolean | 'number';

/**
 * Result dtype of a binary op, following torch.result_type: dimensioned tensors win over 0-d tensors,
 * which win over plain numbers; a lower tier only counts when it is of a higher category (bool < int <
 * float), and then lifts the result to that category. A float JS number stands for the default float
 * dtype, so `int32 tensor + 2.5` and `float32 0-d tensor * 0.5` are float32, as PyTorch.
 */
export function promote(a: DType, aIsScalar: ScalarKind, b: DType, bIsScalar: ScalarKind): DType {
  const tiers: (DType | undefined)[] = [undefined, undefined, undefined];
  const put = (d: DType, kind: ScalarKind): void => {
    const tier = kind === 'number' ? 2 : kind ? 1 : 0;
    const t = kind === 'number' && category(d) === 2 ? defaultFloat : d;
    const prev = tiers[tier];
    tiers[tier] = prev === undefined ? t : wider(prev, t);
  };
  put(a, aIsScalar);
  put(b, bIsScalar);
  return combineTiers(tiers[0], combineTiers(tiers[1], tiers[2])) as DType;
}

/**
 * PyTorch's rule for matrix products, convolutions, linear and the norm layers: operands of different
 * float dtypes are refused ("expected scalar type Float but found Double"), not promoted as elementwise
 * ops are. Throws naming the op, the first operand (the reference) and the first one that differs.
 */
export function checkSameDtype(op: string, ref: readonly [string, { dtype: DType }], ...others: readonly (readonly [string, { dtype: DType } | null | undefined])[]): void {
  const [refName, r] = ref;
  for (const [name, t] of others) {
    if (t && t.dtype !== r.dtype) {
      throw new TypeError(
        `${op}: expected ${name} to have the same dtype as ${refName} (${r.dtype}), but got ${name} ${t.dtype}; ` +
        `PyTorch does not promote mixed dtypes here, so convert one of them (.to('${r.dtype}') or .to('${t.dtype}'))`,
      );
    }
  }
}

/** c10's combine_categories: the higher tier keeps its dtype unless the lower one is of a higher category. */
function combineTiers(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined || category(higher) === 2) return higher;
  if (higher === 'bool' || category(lower) === 2) return wider(higher, lower);
  return higher;
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * tapegrad's one rule for JS numbers beyond int32: a value is never wrapped around. Wherever it would be
 * stored as int32 — an explicit `{ dtype: 'int32' }`, PyTorch's integer rules (`arange` and `randint` with
 * integer arguments), or an int32 tensor meeting a number (`x.add(3e9)`, `fill_`, `maskedFill`, `where`) —
 * a number outside [−2³¹, 2³¹ − 1] (or NaN, ±Infinity) is a RangeError naming the op and the value.
 * Inference never picks int32 for JS numbers (they become the default float dtype), so this only
 * happens where an integer dtype was asked for or comes from a tensor.
 */
export function checkInt32(v: number, op: string, what = 'value'): void {
  if (!(v >= INT32_MIN && v <= INT32_MAX)) {
    throw new RangeError(
      `${op}: the ${what} ${v} does not fit in int32 (tapegrad's integer dtype holds −2147483648 to 2147483647) and would wrap around; use a float dtype (e.g. { dtype: 'float64' }, or x.double() for a tensor)`,
    );
  }
}

/** The dtype a JS number or boolean stands for when it meets a tensor. */
export function scalarDtype(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int32' : 'float64';
}
