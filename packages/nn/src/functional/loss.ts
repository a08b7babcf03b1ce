/**
 * Loss functions with PyTorch's semantics, composed from core ops (their gradients come from autodiff).
 * Every one is `(input, target, opts?)` with `opts.reduction` 'mean' (default) | 'sum' | 'none'.
 *
 * A target of another shape that broadcasts with the input is broadcast, as PyTorch 1.13 does, with its
 * warning (mseLoss, l1Loss, huberLoss, smoothL1Loss; also klDiv, poissonNllLoss and softMarginLoss, which
 * PyTorch broadcasts silently): it is almost always a bug ([N] vs [N, 1]). Shapes that do not broadcast
 * are an error.
 */
import { nllRows, runKernel, valueGuard, checkSameDtype } from '@tapegrad/core/internal';
import { Tensor, where, isFloating, broadcastShapes } from '@tapegrad/core';
import { checkOptions } from '../check';
import { fusedSquaredError } from './mse';

export type Reduction = 'mean' | 'sum' | 'none';
export interface ReductionOptions {
  /** 'mean' (default): average over elements (weighted for nllLoss/crossEntropy); 'sum'; 'none': per element. */
  reduction?: Reduction;
}

/** The options each loss accepts (anything else is an error: see checkOptions). */
export const OPTION_KEYS = {
  mseLoss: ['reduction'],
  l1Loss: ['reduction'],
  huberLoss: ['reduction', 'delta'],
  smoothL1Loss: ['reduction', 'beta'],
  binaryCrossEntropy: ['reduction', 'weight'],
  binaryCrossEntropyWithLogits: ['reduction', 'weight', 'posWeight'],
  nllLoss: ['reduction', 'weight', 'ignoreIndex'],
  crossEntropy: ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing'],
} as const;
const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;

export function checkReduction(fn: string, r: unknown): Reduction {
  if (r === 'mean' || r === 'sum' || r === 'none') return r;
  throw new RangeError(`${fn}: '${String(r)}' is not a valid value for reduction; expected 'mean', 'sum' or 'none'`);
}

export function reduce(loss: Tensor, r: Reduction): Tensor {
  return r === 'none' ? loss : r === 'sum' ? loss.sum() : loss.mean();
}

export function checkPair(fn: string, input: unknown, target: unknown): asserts input is Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`${fn}: input must be a Tensor, got ${input === null ? 'null' : typeof input}`);
  if (!(target instanceof Tensor)) throw new TypeError(`${fn}: target must be a Tensor, got ${target === null ? 'null' : typeof target}`);
  if (!isFloating(input.dtype)) throw new TypeError(`${fn}: input must be a floating point tensor, got ${input.dtype}`);
}

export function checkSameShape(fn: string, input: Tensor, target: Tensor): void {
  const a = input.shape, b = target.shape;
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
    throw new RangeError(`${fn}: target shape ${shp(b)} does not match input shape ${shp(a)}; they must be equal (reshape one of them, e.g. [N] vs [N, 1])`);
  }
}

const warned = new Set<string>();

/** PyTorch's UserWarnings, shown once per message (Python's default filter shows one per call site). */
export function warnOnce(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  console.warn(msg);
}

/**
 * PyTorch's elementwise losses broadcast a target of another shape against the input (with a UserWarning
 * in mse/l1/huber/smooth-L1). Returns both expanded to the common shape (the gradients sum back through
 * the expand), warning once per message; shapes that do not broadcast throw, naming `fn`.
 */
export function broadcastPair(fn: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  const a = input.shape, b = target.shape;
  if (a.length === b.length && a.every((s, i) => s === b[i])) return [input, target];
  const shape = broadcastShapes(a, b, fn);
  const msg = `${fn}: Using a target size (${shp(b)}) that is different to the input size (${shp(a)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`;
  warnOnce(msg);
  return [input.expand(shape), target.expand(shape)];
}

export function checkBroadcastsTo(fn: string, what: string, t: Tensor, shape: number[]): void {
  let out: number[];
  try {
    out = broadcastShapes(t.shape, shape, fn);
  } catch {
    throw new RangeError(`${fn}: ${what} of shape ${shp(t.shape)} does not broadcast to the input's shape ${shp(shape)}`);
  }
  if (out.length !== shape.length || out.some((s, i) => s !== shape[i])) {
    throw new RangeError(`${fn}: ${what} of shape ${shp(t.shape)} does not broadcast to the input's shape ${shp(shape)}`);
  }
}

/**
 * Mean squared error (input − target)².
 * @example F.mseLoss(pred, y) // scalar; { reduction: 'none' } keeps the shape
 */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = checkOptions('mseLoss', opts, OPTION_KEYS.mseLoss);
  const r = checkReduction('mseLoss', reduction);
  checkPair('mseLoss', input, target);
  const same = input.ndim === target.ndim && input.shape.every((s, i) => s === target.shape[i]);
  [input, target] = broadcastPair('mseLoss', input, target);
  // speed (issue 13): the reduced forms as one fused CPU op, bitwise the same values (functional/mse.ts);
  // a webgpu tensor runs the composition's device kernels.
  if (same && r !== 'none' && target.dtype === input.dtype && input.numel() > 0 && input.device === 'cpu' && target.device === 'cpu') return fusedSquaredError(input, target, r === 'mean');
  const d = input.sub(target);
  return reduce(d.mul(d), r);
}

/** Mean absolute error |input − target| (gradient 0 where they are equal, as PyTorch). */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = checkOptions('l1Loss', opts, OPTION_KEYS.l1Loss);
  const r = checkReduction('l1Loss', reduction);
  checkPair('l1Loss', input, target);
  [input, target] = broadcastPair('l1Loss', input, target);
  return reduce(input.sub(target).abs(), r);
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (> 0). Default 1. */
  delta?: number;
}

/**
 * Huber loss: ½d² where |d| < delta, else delta·(|d| − ½delta), d = input − target.
 * @example F.huberLoss(pred, y, { delta: 0.5 })
 */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  const { reduction = 'mean', delta = 1 } = checkOptions('huberLoss', opts, OPTION_KEYS.huberLoss);
  const r = checkReduction('huberLoss', reduction);
  checkPair('huberLoss', input, target);
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  [input, target] = broadcastPair('huberLoss', input, target);
  const d = input.sub(target);
  const ad = d.abs();
  const loss = where(ad.lt(delta), d.mul(d).mul(0.5), ad.sub(0.5 * delta).mul(delta));
  return reduce(loss, r);
}

export interface SmoothL1Options extends ReductionOptions {
  /** Threshold between the quadratic and linear parts (>= 0). Default 1. */
  beta?: number;
}

/** Smooth L1: ½d²/beta where |d| < beta, else |d| − ½beta (beta = 0 gives l1Loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  const { reduction = 'mean', beta = 1 } = checkOptions('smoothL1Loss', opts, OPTION_KEYS.smoothL1Loss);
  const r = checkReduction('smoothL1Loss', reduction);
  checkPair('smoothL1Loss', input, target);
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  [input, target] = broadcastPair('smoothL1Loss', input, target);
  const ad = input.sub(target).abs();
  if (beta === 0) return reduce(ad, r);
  const loss = where(ad.lt(beta), ad.mul(ad).mul(0.5 / beta), ad.sub(0.5 * beta));
  return reduce(loss, r);
}

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy on probabilities: −w·[t·log(p) + (1 − t)·log(1 − p)], each log clamped at −100
 * as PyTorch (so p = 0 or 1 gives a finite loss). Input must lie in [0, 1]; pair it with a sigmoid, or
 * better use {@link binaryCrossEntropyWithLogits}.
 *
 * Difference: where a log is clamped (p < e⁻¹⁰⁰ or 1 − p < e⁻¹⁰⁰) the gradient here is 0; PyTorch's is
 * (p − t)/max(p(1 − p), 1e-12).
 * @example F.binaryCrossEntropy(model.call(x).sigmoid(), y)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCEOptions = {}): Tensor {
  const { reduction = 'mean', weight = null } = checkOptions('binaryCrossEntropy', opts, OPTION_KEYS.binaryCrossEntropy);
  const r = checkReduction('binaryCrossEntropy', reduction);
  checkPair('binaryCrossEntropy', input, target);
  checkSameShape('binaryCrossEntropy', input, target);
  // PyTorch refuses a target of another float dtype here ("Found dtype Double but expected Float"); its weight may differ.
  checkSameDtype('binaryCrossEntropy', ['input', input], ['target', target]);
  // The range check reads the values: on the host only. A webgpu input is not read back (that would wait
  // for the device inside the step); as on CUDA, where PyTorch's check is a device-side assert, out-of-range
  // values are not reported there (the clamped logs below keep them finite). Documented in docs/webgpu.md.
  // A kernel that only checks (compile, issue 15): a replay checks each call's input again, where reading
  // it here would be a value read that keeps a compiled step eager.
  if (input.device === 'cpu') {
    runKernel(() => {
      const v = input._contigData();
      for (let i = 0; i < v.length; i++) {
        if (!(v[i] >= 0 && v[i] <= 1)) throw new RangeError(`binaryCrossEntropy: all elements of input should be between 0 and 1, found ${v[i]} (apply a sigmoid, or use binaryCrossEntropyWithLogits)`);
      }
    });
  }
  const clampedLog = (p: Tensor): Tensor => {
    // log(p) clamped at -100; the log's argument is kept away from 0 so no NaN reaches the gradient.
    const ok = p.gt(0);
    return where(ok, where(ok, p, 1).log().clamp(-100, null), -100);
  };
  let loss = target.mul(clampedLog(input)).add(target.neg().add(1).mul(clampedLog(input.neg().add(1)))).neg();
  if (weight) {
    checkBroadcastsTo('binaryCrossEntropy', 'weight', weight, input.shape);
    // PyTorch 1.13 casts a weight of another float dtype to the input's (the loss keeps the input's dtype).
    loss = loss.mul(weight.dtype === input.dtype || !isFloating(weight.dtype) ? weight : weight.to(input.dtype));
  }
  return reduce(loss, r);
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of positive examples, broadcast along the last (class) dim, e.g. shape [C]. */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid + binary cross-entropy in one stable expression:
 * (1 − t)·x + (1 + (posWeight − 1)·t)·softplus(−x), which without posWeight is
 * max(x, 0) − x·t + log(1 + e^(−|x|)); its gradient is σ(x) − t (times the weights).
 * @example F.binaryCrossEntropyWithLogits(logits, y, { posWeight: tensor([3]) })
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  const { reduction = 'mean', weight = null, posWeight = null } = checkOptions('binaryCrossEntropyWithLogits', opts, OPTION_KEYS.binaryCrossEntropyWithLogits);
  const r = checkReduction('binaryCrossEntropyWithLogits', reduction);
  checkPair('binaryCrossEntropyWithLogits', input, target);
  checkSameShape('binaryCrossEntropyWithLogits', input, target);
  // softplus(−x) = max(−x, 0) + log1p(e^(−|x|)); an infinite threshold keeps that exact form everywhere.
  const sp = input.neg().softplus(1, Infinity);
  let loss: Tensor;
  if (posWeight) {
    checkBroadcastsTo('binaryCrossEntropyWithLogits', 'posWeight', posWeight, input.shape);
    const logWeight = posWeight.sub(1).mul(target).add(1);
    loss = target.neg().add(1).mul(input).add(logWeight.mul(sp));
  } else {
    loss = target.neg().add(1).mul(input).add(sp);
  }
  if (weight) {
    checkBroadcastsTo('binaryCrossEntropyWithLogits', 'weight', weight, input.shape);
    loss = loss.mul(weight);
  }
  return reduce(loss, r);
}

export interface NLLOptions extends ReductionOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and are left out of the mean's denominator). Default -100. */
  ignoreIndex?: number;
}

interface ClassLayout {
  C: number;
  /** Log-probabilities moved to [M, C] with M = N·d1·…; target flattened to [M]. */
  rows: Tensor;
  flatTarget: Tensor;
  /** The per-element output shape ([N, d1, …], or [] for a 1-D input). */
  outShape: number[];
  /** Whether some target equals ignoreIndex. */
  anyIgnored: boolean;
}

function classLayout(fn: string, input: Tensor, target: Tensor, ignoreIndex: number): ClassLayout {
  if (input.ndim === 0) throw new RangeError(`${fn}: input must have a class dim ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor`);
  if (target.dtype !== 'int32') {
    throw new TypeError(
      `${fn}: expected int32 class indices as target for input of shape ${shp(input.shape)}, got a ${target.dtype} target of shape ${shp(target.shape)}` +
        (fn === 'crossEntropy' ? ` (class probabilities must have the input's shape ${shp(input.shape)})` : '') +
        "; JS numbers are float by default, so create class indices with { dtype: 'int32' } (tensor([0, 2], { dtype: 'int32' })) or convert with .int()",
    );
  }
  const C = input.ndim === 1 ? input.shape[0] : input.shape[1];
  const want = input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (target.ndim !== want.length || target.shape.some((s, i) => s !== want[i])) {
    throw new RangeError(`${fn}: expected target of shape ${shp(want)} for input of shape ${shp(input.shape)} (class dim ${input.ndim === 1 ? 0 : 1}), got ${shp(target.shape)}`);
  }
  // A decision on the target's values: compile's replay checks it again on every call (core's valueGuard).
  const anyIgnored = valueGuard(target, (t) => {
    let ignored = false;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === ignoreIndex) ignored = true;
      else if (t[i] < 0 || t[i] >= C) {
        throw new RangeError(`${fn}: target class index ${t[i]} (at flat position ${i}) is out of range for ${C} classes (valid 0..${C - 1}, or ignoreIndex ${ignoreIndex})`);
      }
    }
    return ignored;
  });
  let rows: Tensor;
  if (input.ndim === 1) rows = input.unsqueeze(0);
  else if (input.ndim === 2) rows = input;
  else {
    const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
    rows = input.permute(perm).reshape([-1, C]);
  }
  return { C, rows, flatTarget: target.reshape([-1]), outShape: want, anyIgnored };
}

function checkClassWeight(fn: string, weight: Tensor | null, C: number): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new RangeError(`${fn}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${shp(weight.shape)}`);
  }
}

/**
 * The common case — no class weights, no ignored target, at least one element — without the masks:
 * −input[m, tₘ] per element, reduced. The same operations on the same values as the general path
 * (there, every weight is exactly 1), so the result and its gradient are bitwise the same, with ~10
 * fewer small ops per call.
 */
function plainNll(L: ClassLayout, weight: Tensor | null, r: Reduction): Tensor | null {
  const M = L.flatTarget.numel();
  if (weight || L.anyIgnored || M === 0) return null;
  // 'sum' and 'mean': one node doing the same arithmetic as the ops below (core's nllRows)
  if (r !== 'none' && isFloating(L.rows.dtype)) return nllRows(L.rows, L.flatTarget, r); // webgpu rows: nllRows composes the device ops
  const loss = L.rows.gather(1, L.flatTarget.unsqueeze(1)).squeeze(1).neg();
  return r === 'none' ? loss.reshape(L.outShape) : r === 'sum' ? loss.sum() : loss.sum().div(M);
}

/** Per-element losses, their weights (0 where ignored) and the validity mask, all [M]. */
function nllParts(rows: Tensor, flatTarget: Tensor, weight: Tensor | null, ignoreIndex: number): { loss: Tensor; w: Tensor; valid: Tensor; safe: Tensor } {
  const ignored = flatTarget.eq(ignoreIndex);
  const valid = ignored.logicalNot();
  const safe = flatTarget.maskedFill(ignored, 0);
  const picked = rows.gather(1, safe.unsqueeze(1)).squeeze(1);
  const w0 = weight ? weight.to(rows.dtype).indexSelect(0, safe) : valid.to(rows.dtype);
  const w = weight ? where(valid, w0, 0).to(rows.dtype) : w0;
  // where() rather than mul by the 0 weight alone: an ignored row's picked logit may be ±∞ or NaN (0·∞ = NaN); PyTorch skips it.
  return { loss: where(valid, picked.neg(), 0).mul(w), w, valid, safe };
}

/**
 * numer / den for the weighted mean. When every target is ignored den is 0: the result is NaN as in
 * PyTorch, and the gradient is 0 (PyTorch skips ignored targets), not 0·∞ = NaN. Chosen with where(),
 * not by reading den: a value read would keep a compiled step (compile, issue 15) eager for good.
 */
function weightedMean(numer: Tensor, den: Tensor): Tensor {
  const none = den.eq(0);
  return where(none, NaN, numer.div(where(none, 1, den)));
}

/**
 * Negative log-likelihood on log-probabilities: −w[tₙ]·input[n, tₙ]. Input [N, C], [C] or
 * [N, C, d1, …]; target int32 class indices [N] ([] / [N, d1, …]). 'mean' divides by the sum of the
 * weights of the non-ignored targets (their count without `weight`); all ignored gives NaN, as PyTorch.
 * @example F.nllLoss(logits.logSoftmax(1), labels)
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLOptions = {}): Tensor {
  const { reduction = 'mean', weight = null, ignoreIndex = -100 } = checkOptions('nllLoss', opts, OPTION_KEYS.nllLoss);
  const r = checkReduction('nllLoss', reduction);
  checkPair('nllLoss', input, target);
  const L = classLayout('nllLoss', input, target, ignoreIndex);
  checkClassWeight('nllLoss', weight, L.C);
  checkSameDtype('nllLoss', ['input', input], ['weight', weight]);
  const plain = plainNll(L, weight, r);
  if (plain) return plain;
  const { loss, w } = nllParts(L.rows, L.flatTarget, weight, ignoreIndex);
  if (r === 'none') return loss.reshape(L.outShape);
  if (r === 'sum') return loss.sum();
  return weightedMean(loss.sum(), w.sum());
}

export interface CrossEntropyOptions extends NLLOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C. In [0, 1]; default 0. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy between logits and a target: logSoftmax over the class dim, then
 * - int32 class indices (shape [N], [] or [N, d1, …]): nllLoss with `weight` and `ignoreIndex`
 *   ('mean' divides by the sum of weights of non-ignored targets); with label smoothing ε the loss is
 *   (1 − ε)·nll + ε/C · Σ_c w_c·(−logp_c), reduced with the same denominator;
 * - float class probabilities of the input's shape: −Σ_c w_c·t_c·logp_c per element, and 'mean'
 *   divides by the number of elements N·d1·… (not by weights), as PyTorch.
 * @example
 * F.crossEntropy(logits, labels)                              // labels int32 [N]
 * F.crossEntropy(logits, labels, { labelSmoothing: 0.1 })
 * F.crossEntropy(logits, probs)                               // probs [N, C]
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  opts: CrossEntropyOptions = {},
): Tensor {
  const { reduction = 'mean', weight = null, ignoreIndex = -100, labelSmoothing = 0 } = checkOptions('crossEntropy', opts, OPTION_KEYS.crossEntropy);
  const r = checkReduction('crossEntropy', reduction);
  checkPair('crossEntropy', input, target);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${labelSmoothing}`);
  if (input.ndim === 0) throw new RangeError('crossEntropy: input must have a class dim ([C], [N, C] or [N, C, d1, ...]), got a 0-d tensor');
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  checkClassWeight('crossEntropy', weight, C);
  const logp = input.logSoftmax(classDim);
  const sameShape = target.ndim === input.ndim && target.shape.every((s, i) => s === input.shape[i]);

  if (sameShape) {
    // Class probabilities.
    if (!isFloating(target.dtype)) {
      throw new TypeError(`crossEntropy: expected a floating point target with class probabilities (it has the input's shape ${shp(input.shape)}), got ${target.dtype}`);
    }
    if (ignoreIndex >= 0) throw new RangeError('crossEntropy: ignoreIndex is not supported for floating point (probability) targets');
    const t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
    let prod = logp.mul(t);
    if (weight) prod = prod.mul(weight.reshape(input.shape.map((s, i) => (i === classDim ? s : 1))));
    if (r === 'none') return prod.sum(classDim).neg();
    if (r === 'sum') return prod.sum().neg();
    return prod.sum().neg().div(input.numel() / C);
  }

  const L = classLayout('crossEntropy', logp, target, ignoreIndex);
  // Class indices: PyTorch's nll kernel refuses a weight of another dtype (probabilities above promote).
  checkSameDtype('crossEntropy', ['input', input], ['weight', weight]);
  const plain = labelSmoothing === 0 ? plainNll(L, weight, r) : null;
  if (plain) return plain;
  const { loss, w, valid } = nllParts(L.rows, L.flatTarget, weight, ignoreIndex);
  const nll = r === 'none' ? loss.reshape(L.outShape) : r === 'sum' ? loss.sum() : weightedMean(loss.sum(), w.sum());
  if (labelSmoothing === 0) return nll;

  // The smoothing term: −Σ_c w_c·logp_c per element, zero where ignored.
  const wRows = weight ? L.rows.mul(weight.to(L.rows.dtype)) : L.rows;
  const smooth = where(valid, wRows.sum(1).neg(), 0).to(L.rows.dtype);
  let s: Tensor;
  if (r === 'none') s = smooth.reshape(L.outShape);
  else if (r === 'sum') s = smooth.sum();
  else s = weightedMean(smooth.sum(), weight ? w.sum() : valid.to(L.rows.dtype).sum());
  return nll.mul(1 - labelSmoothing).add(s.mul(labelSmoothing / C));
}
