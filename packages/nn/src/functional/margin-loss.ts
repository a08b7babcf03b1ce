/**
 * Margin and embedding losses (issue 14): marginRankingLoss, hingeEmbeddingLoss, softMarginLoss,
 * cosineEmbeddingLoss, tripletMarginLoss, multiLabelSoftMarginLoss, multiMarginLoss — PyTorch 1.13's
 * formulas composed from core ops (clamp(min) for max(0, ·), whose gradient at the kink is PyTorch's).
 */
import { Tensor, where, isFloating, tensor, pairwiseDistance } from '@tapegrad/core';
import { checkOptions } from '../check';
import { isModule } from '../module';
import type { Module } from '../module';
import { checkSameDtype } from '@tapegrad/core/internal';
import { broadcastPair, checkBroadcastsTo, checkPair, checkReduction, reduce } from './loss';
import type { Reduction, ReductionOptions } from './loss';

const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The options each loss of this family accepts. */
export const MARGIN_LOSS_KEYS = {
  marginRankingLoss: ['reduction', 'margin'],
  hingeEmbeddingLoss: ['reduction', 'margin'],
  softMarginLoss: ['reduction'],
  cosineEmbeddingLoss: ['reduction', 'margin'],
  tripletMarginLoss: ['reduction', 'margin', 'p', 'eps', 'swap'],
  multiLabelSoftMarginLoss: ['reduction', 'weight'],
  multiMarginLoss: ['reduction', 'p', 'margin', 'weight'],
} as const;

export interface MarginOptions extends ReductionOptions {
  /** The margin (default 0 for marginRankingLoss and cosineEmbeddingLoss, 1 for hingeEmbeddingLoss). */
  margin?: number;
}

function checkTensor(fn: string, what: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${fn}: ${what} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
}

/** logsigmoid(x) = −softplus(−x), in the exact form (no threshold). */
const logSigmoid = (x: Tensor): Tensor => x.neg().softplus(1, Infinity).neg();

/**
 * max(0, −y·(x1 − x2) + margin): y = 1 means x1 should rank above x2, y = −1 below. The three
 * tensors must have the same number of dims (they broadcast), as PyTorch checks.
 * @example F.marginRankingLoss(scoreA, scoreB, y, { margin: 0.5 })
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const { reduction = 'mean', margin = 0 } = checkOptions('marginRankingLoss', opts, MARGIN_LOSS_KEYS.marginRankingLoss);
  const r = checkReduction('marginRankingLoss', reduction);
  checkPair('marginRankingLoss', input1, target);
  checkTensor('marginRankingLoss', 'input2', input2);
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new RangeError(`marginRankingLoss: All input tensors should have same dimension but got sizes: input1: ${shp(input1.shape)}, input2: ${shp(input2.shape)}, target: ${shp(target.shape)}`);
  }
  return reduce(target.neg().mul(input1.sub(input2)).add(margin).clamp(0, null), r);
}

/**
 * x where y = 1, max(0, margin − x) where y = −1 (x is typically a distance between a pair; y says
 * whether the pair is similar). Default margin 1.
 * @example F.hingeEmbeddingLoss(dist, y)
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const { reduction = 'mean', margin = 1 } = checkOptions('hingeEmbeddingLoss', opts, MARGIN_LOSS_KEYS.hingeEmbeddingLoss);
  const r = checkReduction('hingeEmbeddingLoss', reduction);
  checkPair('hingeEmbeddingLoss', input, target);
  const marginClamp = input.neg().add(margin).clamp(0, null);
  const loss = where(target.ne(1), marginClamp, 0).add(where(target.ne(-1), input, 0)).to(input.dtype);
  return reduce(loss, r);
}

/**
 * Two-class logistic loss log(1 + exp(−y·x)) with y = ±1.
 * @example F.softMarginLoss(scores, y)
 */
export function softMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = checkOptions('softMarginLoss', opts, MARGIN_LOSS_KEYS.softMarginLoss);
  const r = checkReduction('softMarginLoss', reduction);
  checkPair('softMarginLoss', input, target);
  [input, target] = broadcastPair('softMarginLoss', input, target);
  return reduce(target.neg().mul(input).softplus(1, Infinity), r);
}

/**
 * 1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1, per row of [N, D] inputs
 * (target [N]) or for one pair of [D] inputs (target []). cos uses PyTorch's 1e-12 added to each
 * squared norm.
 * @example F.cosineEmbeddingLoss(a, b, y, { margin: 0.2 })
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const fn = 'cosineEmbeddingLoss';
  const { reduction = 'mean', margin = 0 } = checkOptions(fn, opts, MARGIN_LOSS_KEYS.cosineEmbeddingLoss);
  const r = checkReduction(fn, reduction);
  checkPair(fn, input1, target);
  checkTensor(fn, 'input2', input2);
  const td = target.ndim;
  if (td !== 0 && td !== 1) throw new RangeError(`${fn}: 0D or 1D target tensor expected, multi-target not supported (got target of shape ${shp(target.shape)})`);
  if (td === 1 && (input1.ndim !== 2 || input2.ndim !== 2)) {
    throw new RangeError(`${fn}: 1D target tensor expects 2D input tensors, but found inputs with sizes ${shp(input1.shape)} and ${shp(input2.shape)}`);
  }
  if (td === 0 && (input1.ndim !== 1 || input2.ndim !== 1)) {
    throw new RangeError(`${fn}: 0D target tensor expects 1D input tensors, but found inputs with sizes ${shp(input1.shape)} and ${shp(input2.shape)}`);
  }
  const EPS = 1e-12;
  const prod = input1.mul(input2).sum(td);
  const m1 = input1.mul(input1).sum(td).add(EPS);
  const m2 = input2.mul(input2).sum(td).add(EPS);
  const cos = prod.div(m1.mul(m2).sqrt());
  const pos = cos.neg().add(1);
  const neg = cos.sub(margin).clamp(0, null);
  const loss = where(target.eq(1), pos, 0).add(where(target.eq(-1), neg, 0)).to(input1.dtype);
  return reduce(loss, r);
}

export interface TripletMarginOptions extends ReductionOptions {
  /** Required gap between the positive and negative distances (default 1). */
  margin?: number;
  /** The norm degree of the pairwise distance (default 2). */
  p?: number;
  /** Added to the differences before the norm, as PyTorch's pairwise_distance (default 1e-6). */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (the "distance swap", default false). */
  swap?: boolean;
}

/**
 * max(0, margin + d(anchor, positive) − d(anchor, negative)) with d the p-norm distance over the last
 * dim; inputs [N, D] or [D] (or more leading dims, as PyTorch 1.13), all with the same number of dims.
 * @example F.tripletMarginLoss(anchor, positive, negative, { margin: 1 })
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletMarginOptions = {}): Tensor {
  const fn = 'tripletMarginLoss';
  const { reduction = 'mean', margin = 1, p = 2, eps = 1e-6, swap = false } = checkOptions(fn, opts, MARGIN_LOSS_KEYS.tripletMarginLoss);
  const r = checkReduction(fn, reduction);
  checkPair(fn, anchor, positive);
  checkTensor(fn, 'negative', negative);
  const a = anchor.ndim;
  if (a !== positive.ndim || a !== negative.ndim) {
    throw new RangeError(`${fn}: The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${a}D, positive ${positive.ndim}D, and negative ${negative.ndim}D inputs`);
  }
  // PyTorch 1.13 takes any number of dims (the distance is over the last); only 2.x limits them to 1D/2D.
  if (a === 0) throw new RangeError(`${fn}: expected inputs with a feature dim ([D], [N, D], ...), got 0-d tensors`);
  if (!(typeof p === 'number' && p > 0)) throw new RangeError(`${fn}: p must be a positive number, got ${String(p)}`);
  const dPos = pairwiseDistance(anchor, positive, p, eps);
  let dNeg = pairwiseDistance(anchor, negative, p, eps);
  if (swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, p, eps));
  return reduce(dPos.sub(dNeg).add(margin).clamp(0, null), r);
}

export interface MultiLabelSoftMarginOptions extends ReductionOptions {
  /** A weight per class, broadcast against the input. */
  weight?: Tensor | null;
}

/**
 * Multi-label one-versus-all logistic loss: −mean_c [y_c·logσ(x_c) + (1 − y_c)·logσ(−x_c)] per sample,
 * with 0/1 targets of the input's shape ([N, C] or [C]).
 * @example F.multiLabelSoftMarginLoss(logits, labels01)
 */
export function multiLabelSoftMarginLoss(input: Tensor, target: Tensor, opts: MultiLabelSoftMarginOptions = {}): Tensor {
  const fn = 'multiLabelSoftMarginLoss';
  const { reduction = 'mean', weight = null } = checkOptions(fn, opts, MARGIN_LOSS_KEYS.multiLabelSoftMarginLoss);
  const r = checkReduction(fn, reduction);
  checkPair(fn, input, target);
  if (input.ndim === 0) throw new RangeError(`${fn}: input must have a class dim ([C] or [N, C]), got a 0-d tensor`);
  let loss = target.mul(logSigmoid(input)).add(target.neg().add(1).mul(logSigmoid(input.neg()))).neg();
  if (weight) {
    checkBroadcastsTo(fn, 'weight', weight, input.shape);
    loss = loss.mul(weight);
  }
  const classDim = input.ndim - 1;
  loss = loss.sum(classDim).div(input.shape[classDim]);
  return reduce(loss, r);
}

export interface MultiMarginOptions extends ReductionOptions {
  /** 1 (hinge, default) or 2 (squared hinge). */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** A weight per class [C], applied by the target's class. */
  weight?: Tensor | null;
}

/**
 * Multi-class hinge loss: Σ_{j≠y} max(0, margin − x_y + x_j)^p / C per sample (times weight[y]); input
 * [N, C] (target int32 [N]) or [C] (target []).
 * @example F.multiMarginLoss(scores, labels)
 */
export function multiMarginLoss(input: Tensor, target: Tensor, opts: MultiMarginOptions = {}): Tensor {
  const fn = 'multiMarginLoss';
  const { reduction = 'mean', p = 1, margin = 1, weight = null } = checkOptions(fn, opts, MARGIN_LOSS_KEYS.multiMarginLoss);
  const r = checkReduction(fn, reduction);
  checkPair(fn, input, target);
  if (p !== 1 && p !== 2) throw new RangeError(`${fn}: only p == 1 and p == 2 supported, got ${String(p)}`);
  if (input.ndim !== 1 && input.ndim !== 2) throw new RangeError(`${fn}: Expected non-empty vector or matrix with optional 0-dim batch size, but got input of shape ${shp(input.shape)}`);
  if (isFloating(target.dtype)) throw new TypeError(`${fn}: expected int32 class indices as target, got ${target.dtype}`);
  checkSameDtype(fn, ['input', input], ['weight', weight]);
  const rows = input.ndim === 1 ? input.unsqueeze(0) : input;
  const [N, C] = rows.shape;
  const want = input.ndim === 1 ? [] : [N];
  if (target.ndim !== want.length || (want.length === 1 && target.shape[0] !== N)) {
    throw new RangeError(`${fn}: inconsistent target size: expected ${shp(want)} for input of shape ${shp(input.shape)}, got ${shp(target.shape)}`);
  }
  const t = target.reshape([-1]);
  const td = t.dataSync();
  for (let i = 0; i < td.length; i++) if (!(td[i] >= 0 && td[i] < C)) throw new RangeError(`${fn}: target ${td[i]} (at position ${i}) is out of range for ${C} classes`);
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new RangeError(`${fn}: weight must be one-dimensional with ${C} entries (one per class), got shape ${shp(weight.shape)}`);
  const idx = t.unsqueeze(1);
  const xy = rows.gather(1, idx);
  let z = rows.sub(xy).add(margin).clamp(0, null);
  if (p === 2) z = z.mul(z);
  // The target's own term (margin > 0 there) is left out of the sum, as PyTorch's loop skips it.
  const classes = tensor(Array.from({ length: C }, (_, i) => i), { dtype: 'int32' }).reshape([1, C]);
  let loss = where(classes.eq(idx), 0, z).to(input.dtype).sum(1).div(C);
  if (weight) loss = loss.mul(weight.to(input.dtype).indexSelect(0, t));
  return reduce(input.ndim === 1 ? loss.reshape([]) : loss, r);
}

// more torch.nn modules (nnmore7)
/** The options of multilabelMarginLoss and tripletMarginWithDistanceLoss. */
export const MORE_MARGIN_LOSS_KEYS = {
  multilabelMarginLoss: ['reduction'],
  tripletMarginWithDistanceLoss: ['reduction', 'distanceFunction', 'margin', 'swap'],
} as const;

/**
 * Multi-class multi-label hinge loss: Σ_j Σ_{i ∉ targets} max(0, 1 − (x[y_j] − x[i])) / C per sample,
 * where y holds class indices padded with −1 (only those before the first −1 count); input and int32
 * target both [C] (output []) or [N, C] (output [N]), PyTorch's `F.multilabel_margin_loss`.
 * @example F.multilabelMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), tensor([[3, 0, -1, 1]], { dtype: 'int32' })) // 0.85
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const fn = 'multilabelMarginLoss';
  const { reduction = 'mean' } = checkOptions(fn, opts, MORE_MARGIN_LOSS_KEYS.multilabelMarginLoss);
  const r = checkReduction(fn, reduction);
  checkPair(fn, input, target);
  if (input.ndim !== 1 && input.ndim !== 2) throw new RangeError(`${fn}: Expected non-empty vector or matrix with optional 0-dim batch size, but got input of shape ${shp(input.shape)}`);
  if (isFloating(target.dtype) || target.dtype === 'bool') throw new TypeError(`${fn}: expected int32 class indices (padded with -1) as target, got ${target.dtype}`);
  if (target.ndim !== input.ndim || target.shape.some((s, i) => s !== input.shape[i])) {
    throw new RangeError(`${fn}: target must have the input's shape ${shp(input.shape)} (class indices padded with -1), got ${shp(target.shape)}`);
  }
  const rows = input.ndim === 1 ? input.unsqueeze(0) : input;
  const [N, C] = rows.shape;
  const td = target.dataSync();
  // Which target slots count (those before the row's first −1), their classes, and each row's target set.
  const slotValid = new Float64Array(N * C), isTarget = new Float64Array(N * C), cls = new Int32Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < C; j++) {
      const v = td[n * C + j];
      if (!(v >= -1 && v < C)) throw new RangeError(`${fn}: target ${v} (at row ${n}, position ${j}) is out of range: expected a class in [0, ${C}) or -1`);
    }
    for (let j = 0; j < C; j++) {
      const v = td[n * C + j];
      if (v === -1) break;
      slotValid[n * C + j] = 1;
      cls[n * C + j] = v;
      isTarget[n * C + v] = 1;
    }
  }
  const dt = { dtype: input.dtype, device: input.device };
  const valid = tensor(slotValid, dt).reshape([N, C, 1]);
  const others = tensor(isTarget, dt).reshape([N, 1, C]).neg().add(1);
  const xy = rows.gather(1, tensor(cls, { dtype: 'int32', device: input.device }).reshape([N, C])); // [N, slots]
  // relu, not clamp: PyTorch's backward passes no gradient where the hinge is exactly 0.
  const z = rows.unsqueeze(1).sub(xy.unsqueeze(2)).add(1).relu(); // [N, slot j, class i]
  const loss = z.mul(valid.mul(others)).sum([1, 2]).div(C);
  return reduce(input.ndim === 1 ? loss.reshape([]) : loss, r);
}

/** A distance between two batches of embeddings: a function or a Module (PyTorch's callable). */
export type DistanceFunction = ((a: Tensor, b: Tensor) => Tensor) | Module;

export interface TripletMarginWithDistanceOptions extends ReductionOptions {
  /** d(a, b), one value per sample (default: pairwiseDistance, p = 2). */
  distanceFunction?: DistanceFunction | null;
  /** Required gap between the positive and negative distances (default 1). */
  margin?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (default false). */
  swap?: boolean;
}

/** Applies a distance function or Module; its result must be a Tensor. */
export function applyDistance(fn: string, d: DistanceFunction, a: Tensor, b: Tensor): Tensor {
  // A Module is checked first: modules are callable objects that throw when called as functions.
  const out: unknown = isModule(d) ? d.call(a, b) : d(a, b);
  if (!(out instanceof Tensor)) throw new TypeError(`${fn}: distanceFunction must return a Tensor, got ${out === null ? 'null' : typeof out}`);
  return out;
}

/**
 * max(0, margin + d(anchor, positive) − d(anchor, negative)) with any distance d (default
 * pairwiseDistance), PyTorch's `F.triplet_margin_with_distance_loss` (its arguments are keyword-only:
 * here all in the options).
 * @example
 * F.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: (x, y) => F.cosineSimilarity(x, y).neg().add(1), margin: 0.5 })
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletMarginWithDistanceOptions = {}, ...extra: never[]): Tensor {
  const fn = 'tripletMarginWithDistanceLoss';
  if (extra.length > 0) throw new TypeError(`${fn}: takes (anchor, positive, negative, options); PyTorch's distance_function, margin, swap and reduction are keyword-only, so they go in the options`);
  const { reduction = 'mean', distanceFunction = null, margin = 1, swap = false } = checkOptions(fn, opts, MORE_MARGIN_LOSS_KEYS.tripletMarginWithDistanceLoss);
  const r = checkReduction(fn, reduction);
  for (const [what, t] of [['anchor', anchor], ['positive', positive], ['negative', negative]] as const) checkTensor(fn, what, t);
  if (typeof margin !== 'number' || Number.isNaN(margin)) throw new TypeError(`${fn}: margin must be a number, got ${String(margin)}`);
  if (typeof swap !== 'boolean') throw new TypeError(`${fn}: swap must be a boolean, got ${typeof swap}`);
  if (distanceFunction !== null && typeof distanceFunction !== 'function' && !isModule(distanceFunction)) {
    throw new TypeError(`${fn}: distanceFunction must be a function or a Module, got ${typeof distanceFunction}`);
  }
  const d: DistanceFunction = distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistance(a, b));
  const dPos = applyDistance(fn, d, anchor, positive);
  let dNeg = applyDistance(fn, d, anchor, negative);
  if (swap) dNeg = dNeg.minimum(applyDistance(fn, d, positive, negative));
  return reduce(dPos.sub(dNeg).add(margin).clamp(0, null), r);
}
