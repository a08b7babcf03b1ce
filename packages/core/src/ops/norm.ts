/**
 * Vector norms: linalg.vectorNorm (primitive, with PyTorch's norm_backward: subgradient 0 at 0), norm
 * (torch.norm's numeric and 'fro' forms), cosineSimilarity and pairwiseDistance (composed).
 */
import { Tensor } from '../tensor';
import { DType, getDefaultDtype, isFloating, promote } from '../dtype';
import { broadcastShapes, fmt } from '../shape';
import { PositionalArgs, PositionalParam, pos, positionalOptions } from '../positional-args';
import { record } from '../autograd/tape';
import { noGrad } from '../autograd/grad-mode';
import { where } from './indexing';
import { zerosOf } from './cast';
import { reducedShape } from './kernels';
import { sum, amax, amin, dimsOf } from './reduce';

export type NormDims = number | number[] | null | undefined;

export interface VectorNormOptions {
  /** The order (default 2; Infinity, -Infinity, 0 and any real number). */
  ord?: number;
  /** The dims to reduce (default: all). */
  dim?: NormDims;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
  /** Cast the input to this floating dtype first (PyTorch's `dtype=`); the result has it. */
  dtype?: DType;
}
/** linalg.vectorNorm's arguments after the input: PyTorch's positional ones (ord, dim, keepdim), then optionally the options. */
export type VectorNormArgs = PositionalArgs<[], [ord: number, dim: NormDims, keepdim: boolean], VectorNormOptions>;

export interface NormOptions {
  /** The order: a number, or 'fro' (the default; also null). */
  p?: number | 'fro' | null;
  /** The dims to reduce (default: all). */
  dim?: NormDims;
  /** Keep the reduced dims with size 1 (default false). */
  keepdim?: boolean;
  /** Cast the input to this floating dtype first (numeric p only, as PyTorch); the result has it. */
  dtype?: DType;
}
/** norm's arguments after the input: PyTorch's positional ones (p, dim, keepdim), then optionally the options. */
export type NormArgs = PositionalArgs<[], [p: number | 'fro' | null, dim: NormDims, keepdim: boolean], NormOptions>;

const P_PARAM: PositionalParam = { key: 'p', expected: "a number, 'fro' or null", is: (v) => v === null || typeof v === 'number' || typeof v === 'string' };

/** The input cast to `dtype` (differentiably), checked as PyTorch checks it. */
function castTo(op: string, x: Tensor, dtype: DType | undefined, narrowing: boolean): Tensor {
  if (dtype === undefined || dtype === x.dtype) return x;
  if (!isFloating(dtype)) throw new TypeError(`${op}: dtype should be a floating point dtype, got ${dtype}`);
  if (!narrowing && x.dtype === 'float64' && dtype === 'float32') {
    throw new TypeError(`${op}: the dtype of the input (float64) should be convertible without narrowing to the specified dtype (float32)`);
  }
  return x.to(dtype);
}

function forward(x: Tensor, ord: number, dims: number[], keepdim: boolean): Tensor {
  if (ord === 0) return sum(x.ne(0), dims, keepdim).to(x.dtype);
  if (ord === 2) return sum(x.mul(x), dims, keepdim).sqrt();
  const a = x.abs();
  if (ord === Infinity) return amax(a, dims, keepdim);
  if (ord === -Infinity) return amin(a, dims, keepdim);
  if (ord === 1) return sum(a, dims, keepdim);
  // PyTorch 1.13's norm kernel takes a general order as a C++ float: 0.3 is 0.30000001192092896 there
  // (its backward uses the exact order), a relative difference of ~1e-7 that float64 results show.
  const p = Math.fround(ord);
  return sum(a.pow(p), dims, keepdim).pow(1 / p);
}

/**
 * The vector `ord`-norm of x over `dim` (all elements when null): (Σ|x|^ord)^(1/ord); ord = ±∞ is the
 * max/min of |x|, ord = 0 counts non-zeros (torch.linalg.vector_norm). `{ dtype }` computes in that
 * floating dtype (float32 → float64, not the other way, as PyTorch).
 * @example
 * linalg.vectorNorm(tensor([3, 4], { dtype: 'float32' })); // tensor(5.)
 * linalg.vectorNorm(x, 1, [0, -1], true, { dtype: 'float64' });
 * linalg.vectorNorm(x, { ord: 1, dim: 0 }); // linalg.vectorNorm(x, 1, 0)
 */
export function vectorNorm(input: Tensor, ...args: VectorNormArgs): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError('linalg.vectorNorm: expected a Tensor');
  const o = positionalOptions<VectorNormOptions>('linalg.vectorNorm', args, [pos.number('ord'), pos.nullableSize('dim'), pos.boolean('keepdim')], ['ord', 'dim', 'keepdim', 'dtype']);
  const { ord = 2, dim, keepdim = false } = o;
  if (!isFloating(input.dtype)) throw new TypeError(`linalg.vectorNorm: expected a floating point tensor, got ${input.dtype} (convert with .float())`);
  const x = castTo('linalg.vectorNorm', input, o.dtype, false);
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new TypeError(`linalg.vectorNorm: ord must be a number (Infinity and -Infinity allowed), got ${String(ord)}`);
  const dims = dimsOf(x, dim, 'linalg.vectorNorm');
  if (ord < 0 || ord === Infinity) {
    for (const d of dims) {
      if (x._shape[d] === 0) throw new RangeError(`linalg.vectorNorm: cannot compute the ${ord} norm over dim ${d} of size 0 (shape ${fmt(x._shape)}); it has no identity`);
    }
  }
  const out = noGrad(() => forward(x, ord, dims, keepdim));
  const kshape = reducedShape(x._shape, dims, true);
  return record('vectorNorm', [x], out, (g) => [normBackward(x, out.reshape(kshape), g.reshape(kshape), ord, dims)], [x]);
}

/** PyTorch 1.13's norm_backward, in Tensor ops (so it has its own derivatives). */
function normBackward(x: Tensor, norm: Tensor, g: Tensor, p: number, dims: number[]): Tensor {
  if (p === 0) return zerosOf(x.shape, x.dtype, x); // PyTorch: no gradient at all (so none of x·0's NaN at ±∞)
  if (p === 1) return x.sign().mul(g);
  if (p === 2) return g.mul(where(norm.eq(0), 0, x.div(norm)));
  if (!Number.isFinite(p)) {
    const isMax = x.abs().eq(norm).logicalOr(x.isnan().logicalAnd(norm.isnan())).to(x.dtype);
    return x.sign().mul(isMax).mul(g.div(sum(isMax, dims, true)));
  }
  if (p < 1) {
    const scaled = where(x.eq(0), 0, x.sign().mul(x.abs().pow(p - 1)));
    return scaled.mul(g).mul(norm.pow(1 - p));
  }
  const scaled = p < 2 ? x.sign().mul(x.abs().pow(p - 1)) : x.mul(x.abs().pow(p - 2));
  return scaled.mul(where(norm.eq(0), 0, g.div(norm.pow(p - 1))));
}

/**
 * torch.norm: the vector p-norm over `dim` (all elements when null). `'fro'` (the default, also for
 * p null) is the 2-norm of the elements; nuclear and matrix norms are not implemented. `{ dtype }`
 * (numeric p only, as PyTorch) computes in that dtype. Unlike linalg.vectorNorm, a reduction over an
 * empty dim is 0 for every p (PyTorch's torch.norm, also for p = ∞ and p < 0).
 * @example
 * norm(tensor([[1, 2], [2, 4]], { dtype: 'float64' })); // tensor(5.)
 * x.norm(1, -1, false, { dtype: 'float64' }); // x.norm({ p: 1, dim: -1, dtype: 'float64' })
 */
export function norm(x: Tensor, ...args: NormArgs): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('norm: expected a Tensor');
  const o = positionalOptions<NormOptions>('norm', args, [P_PARAM, pos.nullableSize('dim'), pos.boolean('keepdim')], ['p', 'dim', 'keepdim', 'dtype']);
  const { p = 'fro', dim, keepdim = false } = o;
  if (!isFloating(x.dtype)) throw new TypeError(`norm: expected a floating point tensor, got ${x.dtype} (convert with .float())`);
  if (p === 'fro' || p === null) {
    if (o.dtype !== undefined) throw new TypeError("norm: the dtype option is not supported with the 'fro' norm (give a numeric p, e.g. 2)");
    if (Array.isArray(dim) && dim.length > 2) throw new RangeError(`norm: the 'fro' norm takes at most 2 dims, got ${fmt(dim)}`);
    return vectorNorm(x, 2, dim, keepdim);
  }
  if (typeof p !== 'number') throw new TypeError(`norm: p must be a number or 'fro', got ${String(p)} (nuclear norms are not implemented)`);
  const xc = castTo('norm', x, o.dtype, true);
  if (p < 0 || p === Infinity) {
    const dims = dimsOf(xc, dim, 'norm');
    if (dims.some((d) => xc._shape[d] === 0)) return sum(xc.abs(), dims, keepdim);
  }
  return vectorNorm(xc, p, dim, keepdim);
}

/**
 * max(‖x‖₂, eps) over dim (keepdim), with the gradient PyTorch 1.13's cosine_similarity gives it: x/max(‖x‖, eps)
 * (its clamp runs in place under no_grad, after the square root that saved the clamped value).
 */
function clampedNorm(x: Tensor, dim: number, eps: number): Tensor {
  const out = noGrad(() => sum(x.mul(x), dim, true).sqrt().clamp(eps));
  return record('clampedNorm', [x], out, (g) => [g.mul(x).div(out)], [x]);
}

function checkPair(op: string, a: Tensor, b: Tensor): void {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new TypeError(`${op}: expected two Tensors`);
}

/**
 * Cosine of the angle between x1 and x2 along `dim` (they broadcast): Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)),
 * as PyTorch 1.13 computes it.
 * @example
 * cosineSimilarity(tensor([[1, 0]], { dtype: 'float32' }), tensor([[1, 1]], { dtype: 'float32' })); // tensor([0.7071])
 * cosineSimilarity(a, b, { dim: -1, eps: 1e-6 }); // cosineSimilarity(a, b, -1, 1e-6)
 */
export interface CosineSimilarityOptions {
  /** The dim to reduce (default 1). */
  dim?: number;
  /** The smallest norm each input is divided by (default 1e-8). */
  eps?: number;
}

export function cosineSimilarity(x1: Tensor, x2: Tensor, ...args: PositionalArgs<[], [dim: number, eps: number], CosineSimilarityOptions>): Tensor {
  checkPair('cosineSimilarity', x1, x2);
  const { dim = 1, eps = 1e-8 } = positionalOptions<CosineSimilarityOptions>('cosineSimilarity', args, [pos.number('dim'), pos.number('eps')], undefined, 2);
  // As PyTorch: the common dtype must be floating (an int32 with a float tensor is fine, two int32 are not).
  const dtype = promote(x1.dtype, false, x2.dtype, false);
  if (!isFloating(dtype)) throw new TypeError(`cosineSimilarity: expected the common dtype to be floating point, got ${dtype} (from ${x1.dtype} and ${x2.dtype})`);
  const shape = broadcastShapes(x1._shape, x2._shape, 'cosineSimilarity');
  const a = x1.to(dtype).expand(shape), b = x2.to(dtype).expand(shape);
  const [d] = dimsOf(a, dim, 'cosineSimilarity');
  if (a.ndim === 0) return a.div(clampedNorm(a.reshape([1]), 0, eps).reshape([])).mul(b.div(clampedNorm(b.reshape([1]), 0, eps).reshape([])));
  return a.div(clampedNorm(a, d, eps)).mul(b.div(clampedNorm(b, d, eps))).sum(d);
}

/**
 * The p-norm of x1 - x2 + eps along the last dim (torch.pairwise_distance; inputs broadcast).
 * @example
 * pairwiseDistance(tensor([[0, 0]], { dtype: 'float64' }), tensor([[3, 4]], { dtype: 'float64' })); // ≈ tensor([5.])
 * pairwiseDistance(a, b, { p: 1, keepdim: true }); // pairwiseDistance(a, b, 1, 1e-6, true)
 */
export interface PairwiseDistanceOptions {
  /** The norm's order (default 2). */
  p?: number;
  /** Added to the difference (default 1e-6). */
  eps?: number;
  /** Keep the reduced last dim with size 1 (default false). */
  keepdim?: boolean;
}

export function pairwiseDistance(x1: Tensor, x2: Tensor, ...args: PositionalArgs<[], [p: number, eps: number, keepdim: boolean], PairwiseDistanceOptions>): Tensor {
  checkPair('pairwiseDistance', x1, x2);
  broadcastShapes(x1._shape, x2._shape, 'pairwiseDistance'); // so that a mismatch names pairwiseDistance, not the sub inside
  const { p = 2, eps = 1e-6, keepdim = false } = positionalOptions<PairwiseDistanceOptions>('pairwiseDistance', args, [pos.number('p'), pos.number('eps'), pos.boolean('keepdim')], undefined, 2);
  const rank = Math.max(x1.ndim, x2.ndim);
  // eps is a Python float in PyTorch, so integer inputs give the default float dtype even when eps is 0.
  const d0 = x1.sub(x2);
  const diff = (isFloating(d0.dtype) ? d0 : d0.to(getDefaultDtype())).add(eps);
  // As PyTorch, 0-d and 1-D inputs are reduced over their only dim (0-d: none).
  return vectorNorm(diff, p, rank === 0 ? [] : rank - 1, keepdim);
}

/**
 * torch.linalg's vector norm, as a namespace like PyTorch's.
 * @example
 * linalg.vectorNorm(x, Infinity, -1, true); // torch.linalg.vector_norm(x, float('inf'), -1, keepdim=True)
 */
export const linalg = { vectorNorm } as const;
