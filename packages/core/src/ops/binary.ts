/**
 * Broadcasting binary primitives. Each line pairs the forward (a scalar function) with its VJP written
 * in Tensor ops, so gradients of gradients come free. `binary()` sums each gradient back to its
 * input's shape (undoing broadcasting) in one place.
 */
import { Tensor, TensorLike } from '../tensor';
import { DType, promote, isFloating, getDefaultDtype } from '../dtype';
import { broadcastShapes } from '../shape';
import { record } from '../autograd/tape';
import { mapBinary, BinaryFn } from './kernels';
import { operand, checkNumbersFit } from './scalar';
import { sumTo } from './reduce';
import { where } from './indexing';
import { checkOptions } from '../options';

type Grads = [Tensor | null, Tensor | null];
/** Which operands the VJP reads: none, the other one (mul), the divisor (and the dividend for b's grad), or both. */
type Reads = 'none' | 'cross' | 'div' | 'both';
type Result = 'promote' | 'float' | 'bool';

function binary(op: string, x: TensorLike, y: TensorLike, f: BinaryFn, result: Result,
  vjp: ((g: Tensor, a: Tensor, b: Tensor, out: Tensor) => Grads) | null, reads: Reads = 'none', key = op): Tensor {
  const A = operand(x, op), Bo = operand(y, op);
  let dtype: DType = promote(A.dtype, A.scalar, Bo.dtype, Bo.scalar);
  if (result === 'float' && !isFloating(dtype)) dtype = getDefaultDtype();
  if (result !== 'bool') checkNumbersFit(op, dtype, A, Bo);
  const shape = broadcastShapes(A.t._shape, Bo.t._shape, op);
  const out = mapBinary(A.t, Bo.t, shape, result === 'bool' ? 'bool' : dtype, f, key);
  if (!vjp || result === 'bool') return out;
  const a = A.t, b = Bo.t;
  // Saved (for the in-place check and release) as PyTorch's nodes save them: only what the VJP reads.
  const needed = reads === 'none' ? [] : reads === 'both' ? [a, b]
    : reads === 'div' ? [a.requiresGrad || b.requiresGrad ? b : null, b.requiresGrad ? a : null]
    : [a.requiresGrad ? b : null, b.requiresGrad ? a : null];
  const saved = needed.filter((t): t is Tensor => t !== null);
  return record(op, [a, b], out, (g) => {
    const [ga, gb] = vjp(g, a, b, out);
    return [ga && a.requiresGrad ? sumTo(ga, a._shape).to(a.dtype) : null, gb && b.requiresGrad ? sumTo(gb, b._shape).to(b.dtype) : null];
  }, saved);
}

//                                          forward                      backward: (∂L/∂a, ∂L/∂b)
/**
 * a + alpha·b. PyTorch's keyword `alpha` is a number or `{ alpha }` (a plain-JS options object with another key,
 * or a non-number alpha, is an error rather than ignored).
 * @example add(tensor([1, 2]), tensor([10, 20]), { alpha: 2 }); // [21, 42]
 */
export const add = (a: TensorLike, b: TensorLike, alpha?: number | AlphaOptions): Tensor =>
  binary('add', a, scaled('add', a, b, alpha), (x, y) => x + y, 'promote', (g) => [g, g]);
/** a − alpha·b, `alpha` as in {@link add}. @example sub(tensor([5]), tensor([1]), { alpha: 3 }); // [2] */
export const sub = (a: TensorLike, b: TensorLike, alpha?: number | AlphaOptions): Tensor =>
  binary('sub', noBool('sub', a), noBool('sub', scaled('sub', a, b, alpha)), (x, y) => x - y, 'promote', (g) => [g, g.neg()]);

/** PyTorch's keyword argument of add/sub. */
export interface AlphaOptions { alpha?: number }

/** b scaled by add/sub's alpha (b itself when none is given): plain numbers multiply in double precision (as PyTorch's scalar alpha), tensors with mul. */
function scaled(op: string, a: TensorLike, b: TensorLike, alpha: number | AlphaOptions | undefined): TensorLike {
  const v = typeof alpha === 'object' && alpha !== null ? checkOptions(op, alpha, ['alpha']).alpha : alpha;
  if (v === undefined) return b;
  if (typeof v !== 'number') throw new TypeError(`${op}: alpha must be a number, got ${typeof v === 'string' ? `the string '${v}'` : typeof v}`);
  // As PyTorch: a fractional alpha would silently turn integer arithmetic into float arithmetic.
  const integral = (t: TensorLike): boolean => (t instanceof Tensor ? !isFloating(t.dtype) : Number.isInteger(t) || typeof t === 'boolean');
  if (!Number.isInteger(v) && integral(a) && integral(b)) {
    throw new TypeError(`${op}: for integral input tensors, alpha must not be a floating point number (got ${v})`);
  }
  return typeof b === 'number' ? b * v : mul(b, v);
}
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binary('mul', a, b, (x, y) => x * y, 'promote', (g, a, b) => [g.mul(b), g.mul(a)], 'cross');
/** How `div` rounds its quotient: none (true division, a float result), toward zero, or toward -∞. */
export type RoundingMode = 'trunc' | 'floor' | null;
export interface DivOptions { roundingMode?: RoundingMode }

/**
 * Division, PyTorch's `torch.div`. Without `roundingMode` it is true division (integers give a float);
 * with `'trunc'` or `'floor'` the quotient is rounded and keeps the operands' promoted dtype, and its
 * gradient is zero, as in PyTorch. Integer division by zero throws (PyTorch's ZeroDivisionError).
 *
 * @example
 * div(tensor([7, -7], { dtype: 'int32' }), 2, { roundingMode: 'floor' }); // int32 [3, -4]
 */
export function div(a: TensorLike, b: TensorLike, opts?: DivOptions): Tensor {
  const mode = checkOptions('div', opts, ['roundingMode']).roundingMode ?? null;
  if (mode === null) {
    return binary('div', a, b, (x, y) => x / y, 'float', (g, a, b) => [g.div(b), b.requiresGrad ? g.neg().mul(a).div(b.mul(b)) : null], 'div');
  }
  if (mode === 'trunc') return integerChecked('div', a, b, (x, y) => Math.trunc(x / y), 'divTrunc', (g) => [g.mul(0), g.mul(0)]);
  if (mode === 'floor') return integerChecked('div', a, b, (x, y) => Math.floor(x / y), 'divFloor', (g) => [g.mul(0), g.mul(0)]);
  throw new RangeError(`div expected rounding_mode to be one of null, 'trunc', or 'floor' but found ${JSON.stringify(mode)}`);
}

/**
 * `torch.floor_divide` (floor rounding since PyTorch 1.13): `div(a, b, { roundingMode: 'floor' })`.
 * As in PyTorch it has no derivative: a backward through it throws.
 *
 * @example
 * floorDivide(tensor([-3, 7]), 2); // [-2, 3]
 */
export const floorDivide = (a: TensorLike, b: TensorLike): Tensor =>
  integerChecked('floorDivide', a, b, (x, y) => Math.floor(x / y), 'divFloor', () => {
    throw new Error('derivative for floorDivide is not implemented (as in PyTorch); use div(a, b, { roundingMode: \'floor\' })');
  });

/**
 * Python's modulus, `torch.remainder`: a − floor(a/b)·b, which takes the divisor's sign.
 * VJP: (g, −g·floor(a/b)).
 *
 * @example
 * remainder(tensor([-3, 3]), 2); // [1, 1]
 */
export const remainder = (a: TensorLike, b: TensorLike): Tensor =>
  integerChecked('remainder', a, b, (x, y) => { const r = x % y; return r !== 0 && (r < 0) !== (y < 0) ? r + y : r; }, 'remainder',
    (g, a, b) => [g, b.requiresGrad ? g.neg().mul(div(a, b, { roundingMode: 'floor' })) : null], 'div');

/**
 * C's fmod, `torch.fmod`: a − trunc(a/b)·b, which takes the dividend's sign. VJP: (g, −g·trunc(a/b)).
 *
 * @example
 * fmod(tensor([-3, 3]), 2); // [-1, 1]
 */
export const fmod = (a: TensorLike, b: TensorLike): Tensor =>
  integerChecked('fmod', a, b, (x, y) => x % y, 'fmod',
    (g, a, b) => [g, b.requiresGrad ? g.neg().mul(div(a, b, { roundingMode: 'trunc' })) : null], 'div');

/** A 'promote' binary op that refuses an integer divisor holding 0, as PyTorch raises ZeroDivisionError. */
function integerChecked(op: string, a: TensorLike, b: TensorLike, f: BinaryFn, key: string,
  vjp: (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => Grads, reads: Reads = 'none'): Tensor {
  const A = operand(a, op), Bo = operand(b, op);
  if (!isFloating(promote(A.dtype, A.scalar, Bo.dtype, Bo.scalar)) && Bo.t.eq(0).any().item()) {
    throw new RangeError(`${op}: ZeroDivisionError (integer division by zero)`);
  }
  return binary(op, a, b, f, 'promote', vjp, reads, key);
}
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('maximum', a, b, (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y), 'promote', (g, a, b) => tieSplit(g, a.lt(b), a.gt(b), a.eq(b)), 'both');
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('minimum', a, b, (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y), 'promote', (g, a, b) => tieSplit(g, a.gt(b), a.lt(b), a.eq(b)), 'both');

/** As PyTorch, `-` on booleans is refused (it is almost always a mask meant for logicalNot / a xor). */
function noBool(op: string, v: TensorLike): TensorLike {
  if (typeof v === 'boolean' || (v instanceof Tensor && v.dtype === 'bool')) {
    throw new TypeError(`${op}: subtraction with a bool tensor is not supported; to invert a mask use logicalNot(), for a xor use ne()`);
  }
  return v;
}

/**
 * maximum/minimum send the gradient to the winner and split it evenly on ties, as PyTorch does. Written
 * as PyTorch's masks (zero where the operand loses), so a NaN operand, which neither wins nor loses,
 * gets the full gradient on both sides, as in PyTorch.
 */
function tieSplit(g: Tensor, aLoses: Tensor, bLoses: Tensor, ties: Tensor): Grads {
  const split = where(ties, g.mul(0.5), g);
  return [where(aLoses, 0, split), where(bLoses, 0, split)];
}

/**
 * Power. A number exponent gives d/dx xᵉ = e·xᵉ⁻¹; a tensor exponent also gets d/de = xᵉ·ln x
 * (taken as 0 where x = 0 and e >= 0, as PyTorch).
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && a instanceof Tensor) {
    const e = b;
    if (!isFloating(a.dtype) && Number.isInteger(e) && e < 0) {
      throw new RangeError(`pow: integers to negative integer powers are not allowed (${a.dtype} tensor to the power ${e}); convert with .float() first`);
    }
    const dtype = promote(a.dtype, a.ndim === 0, Number.isInteger(e) ? 'int32' : 'float64', 'number');
    const out = mapBinary(a, operand(e, 'pow').t, a.shape, dtype, Math.pow, 'pow');
    return record('pow', [a], out, (g) => [e === 0 ? g.mul(0) : g.mul(a.pow(e - 1)).mul(e)], [a]);
  }
  return binary('pow', a, b, Math.pow, 'promote', (g, a, b, out) => [
    // Zero where the exponent is 0, as PyTorch (0·0⁻¹ would be NaN at a = 0).
    where(b.eq(0), 0, g.mul(b).mul(a.pow(b.sub(1)))),
    b.requiresGrad ? g.mul(where(a.eq(0).logicalAnd(b.ge(0)), 0, out.mul(a.log()))) : null,
  ], 'both');
}

// Comparisons and logic: bool results, no gradient.
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary('eq', a, b, (x, y) => +(x === y), 'bool', null);
export const ne = (a: TensorLike, b: TensorLike): Tensor => binary('ne', a, b, (x, y) => +(x !== y), 'bool', null);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary('lt', a, b, (x, y) => +(x < y), 'bool', null);
export const le = (a: TensorLike, b: TensorLike): Tensor => binary('le', a, b, (x, y) => +(x <= y), 'bool', null);
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary('gt', a, b, (x, y) => +(x > y), 'bool', null);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary('ge', a, b, (x, y) => +(x >= y), 'bool', null);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('logicalAnd', a, b, (x, y) => +(!!x && !!y), 'bool', null);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('logicalOr', a, b, (x, y) => +(!!x || !!y), 'bool', null);
