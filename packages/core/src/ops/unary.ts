/**
 * Elementwise primitives: forward as a scalar function, backward in Tensor ops beside it.
 * `float` ops turn integer inputs into the default float dtype first (as torch.exp(int_tensor) does).
 */
import { Tensor } from '../tensor';
import { DType, isFloating, getDefaultDtype } from '../dtype';
import { record, printedAs } from '../autograd/tape';
import { mapUnary, mapBinary, UnaryFn } from './kernels';
import { where } from './indexing';
import { checkOptions } from '../options';

type Kind = 'float' | 'same' | 'bool';

function unary(op: string, x: Tensor, f: UnaryFn, kind: Kind, vjp: ((g: Tensor, x: Tensor, out: Tensor) => Tensor) | null, saves: 'x' | 'out' | 'none' = 'x', fixed = true, gpuArgs?: number[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof x}`);
  const dtype: DType = kind === 'bool' ? 'bool' : kind === 'float' && !isFloating(x.dtype) ? getDefaultDtype() : x.dtype;
  const out = mapUnary(x, dtype, f, fixed ? op : undefined, gpuArgs && { op, args: gpuArgs });
  if (!vjp) return out;
  return record(op, [x], out, (g) => [vjp(g, x, out)], saves === 'x' ? [x] : saves === 'out' ? [out] : []);
}

const zeroGrad = (g: Tensor): Tensor => g.mul(0);

/** Arithmetic that PyTorch refuses on bool tensors (use logicalNot for masks). */
function noBool(op: string, x: Tensor): Tensor {
  if (x instanceof Tensor && x.dtype === 'bool') throw new TypeError(`${op}: not supported on a bool tensor; to invert a mask use logicalNot()`);
  return x;
}

//                                               forward                                  backward ∂L/∂x
export const neg = (x: Tensor): Tensor => unary('neg', noBool('neg', x), (v) => -v, 'same', (g) => g.neg(), 'none');
export const exp = (x: Tensor): Tensor => unary('exp', x, Math.exp, 'float', (g, _x, out) => g.mul(out), 'out');
export const expm1 = (x: Tensor): Tensor => unary('expm1', x, Math.expm1, 'float', (g, _x, out) => g.mul(out.add(1)), 'out');
export const log = (x: Tensor): Tensor => unary('log', x, Math.log, 'float', (g, x) => g.div(x));
export const log1p = (x: Tensor): Tensor => unary('log1p', x, Math.log1p, 'float', (g, x) => g.div(x.add(1)));
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, Math.sqrt, 'float', (g, _x, out) => g.div(out.mul(2)), 'out');
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x, (v) => 1 / Math.sqrt(v), 'float', (g, x, out) => g.mul(out.div(x)).mul(-0.5), 'x');
export const abs = (x: Tensor): Tensor => unary('abs', noBool('abs', x), Math.abs, 'same', (g, x) => g.mul(x.sign()));
export const sin = (x: Tensor): Tensor => unary('sin', x, Math.sin, 'float', (g, x) => g.mul(x.cos()));
export const cos = (x: Tensor): Tensor => unary('cos', x, Math.cos, 'float', (g, x) => g.mul(x.sin()).neg());
export const tanh = (x: Tensor): Tensor => unary('tanh', x, Math.tanh, 'float', (g, _x, out) => g.mul(out.mul(out).neg().add(1)), 'out');
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, sigmoidScalar, 'float', (g, _x, out) => g.mul(out).mul(out.neg().add(1)), 'out');
export const erf = (x: Tensor): Tensor => unary('erf', x, erfScalar, 'float', (g, x) => g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI))));
export const relu = (x: Tensor): Tensor => unary('relu', noBool('relu', x), (v) => (v < 0 ? 0 : v), 'same', (g, _x, out) => reluMask(g, out), 'out'); // NaN and -0 pass, as torch.relu

/**
 * relu's VJP, 0 where out <= 0 else g (PyTorch's threshold_backward: a NaN output passes g), in one pass with no mask tensor.
 * It is linear in g with a constant mask, so its own VJP is itself (second derivatives stay exact).
 */
function reluMask(g: Tensor, out: Tensor): Tensor {
  // `o <= 0 ? 0 : a` rather than `o > 0 ? a : 0`: a NaN output passes the gradient through, as in PyTorch.
  const res = mapBinary(g, out, g.shape, g.dtype, (a, o) => (o <= 0 ? 0 : a), 'reluMask');
  return record('reluMask', [g], res, (gg) => [reluMask(gg, out)], [out]);
}
/** clamp's bounds: numbers, tensors (broadcast against x), null for none. */
export type ClampBound = number | Tensor | null | undefined;
/** PyTorch's keyword form, `x.clamp(max=1)`: `x.clamp({ max: 1 })`. */
export interface ClampOptions { min?: number | Tensor | null; max?: number | Tensor | null }

/**
 * min(max(x, min), max), as PyTorch (so `max` wins where min > max; NaN passes). Bounds may be numbers
 * or tensors, positional or as `{ min, max }`. The gradient passes where min <= x <= max (the boundary
 * included); a tensor bound gets it where it was the one taken.
 *
 * @example
 * clamp(tensor([-2, 0.5, 3]), -1, 1); // [-1, 0.5, 1]
 * clamp(tensor([-2, 0.5, 3]), { max: 1 }); // [-2, 0.5, 1]
 */
export const clamp = (x: Tensor, minArg?: ClampBound | ClampOptions, maxArg?: ClampBound): Tensor => {
  let min = minArg as ClampBound, max = maxArg;
  if (minArg !== null && typeof minArg === 'object' && !(minArg instanceof Tensor)) {
    if (maxArg !== undefined) throw new TypeError('clamp: expected clamp(min, max) or clamp({ min, max }), not both');
    ({ min, max } = checkOptions('clamp', minArg, ['min', 'max']));
  }
  if (min == null && max == null) throw new TypeError('clamp: at least one of min and max must be given');
  for (const b of [min, max]) if (b != null && typeof b !== 'number' && !(b instanceof Tensor)) throw new TypeError(`clamp: a bound must be a number, a Tensor or null, got ${typeof b}`);
  if (min instanceof Tensor || max instanceof Tensor) {
    // Composed of where: x < min picks min, so x = min keeps x's gradient, as PyTorch's clamp_backward.
    let out = x;
    if (min != null) out = where(out.lt(min), min, out);
    if (max != null) out = where(out.gt(max), max, out);
    return out;
  }
  const lo = min ?? -Infinity, hi = max ?? Infinity;
  // A fractional bound makes an integer tensor's result float, as torch.clamp(int_tensor, 1.5) (type promotion).
  if (!isFloating(x.dtype) && [min, max].some((b) => b != null && !Number.isInteger(b))) x = x.to(getDefaultDtype());
  // min(max(v, lo), hi) as PyTorch (so hi wins when lo > hi), NaN passing through.
  return unary('clamp', x, (v) => { const m = v < lo ? lo : v; return m > hi ? hi : m; }, 'same', (g, x) => g.mul(x.ge(lo).logicalAnd(x.le(hi))), 'x', false, [lo, hi]);
};
// Piecewise-constant functions: defined gradient zero (the seeds' step activation is among them).
// sign(±0) = +0 and sign(NaN) = 0, as torch.sign ((0 < v) - (v < 0)).
export const sign = (x: Tensor): Tensor => unary('sign', x, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), 'same', zeroGrad, 'none');
export const floor = (x: Tensor): Tensor => unary('floor', x, Math.floor, 'same', zeroGrad, 'none');
export const ceil = (x: Tensor): Tensor => unary('ceil', x, Math.ceil, 'same', zeroGrad, 'none');
export const round = (x: Tensor): Tensor => unary('round', x, roundHalfEven, 'same', zeroGrad, 'none');
/** Heaviside step: 1 where x > 0, else 0 (the binary activation); gradient zero. */
export const step = (x: Tensor): Tensor => unary('step', x, (v) => (v > 0 ? 1 : 0), 'same', zeroGrad, 'none');

export const isnan = (x: Tensor): Tensor => unary('isnan', x, (v) => +(v !== v), 'bool', null);
export const isinf = (x: Tensor): Tensor => unary('isinf', x, (v) => +(v === Infinity || v === -Infinity), 'bool', null);
export const isfinite = (x: Tensor): Tensor => unary('isfinite', x, (v) => +Number.isFinite(v), 'bool', null);
export const logicalNot = (x: Tensor): Tensor => unary('logicalNot', x, (v) => +!v, 'bool', null);

// Composed: no gradient code of their own.
/** x·x; a bool tensor squares to int32, as torch.square (which is pow(x, 2)). */
export const square = (x: Tensor): Tensor => printedAs((x.dtype === 'bool' ? x.to('int32') : x).mul(x), 'PowBackward0', x);
export const reciprocal = (x: Tensor): Tensor => (isFloating(x.dtype) ? x : x.to(getDefaultDtype())).pow(-1);

/** σ(v) = 1/(1+e⁻ᵛ), evaluated without overflow for large |v|. */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Rounds half to even, as torch.round. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** erf to ~1e-16 relative: Taylor series near 0, continued fraction (via erfc) in the tails. */
export function erfScalar(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf x = 2/√π Σ (-1)ⁿ x^(2n+1) / (n! (2n+1))
    let term = ax, sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc x = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated by Lentz's method
  let f = ax, C = ax, D = 0;
  const tiny = 1e-300;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    D = ax + an * D;
    D = D === 0 ? tiny : D;
    C = ax + an / C;
    C = C === 0 ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  const r = 1 - erfc;
  return x < 0 ? -r : r;
}
