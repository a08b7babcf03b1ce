/**
 * Losses between distributions and likelihoods (issue 14): klDiv, poissonNllLoss, gaussianNllLoss,
 * PyTorch 1.13's formulas composed from core ops.
 */
import { Tensor, where } from '@tapegrad/core';
import { checkOptions } from '../check';
import { broadcastPair, checkPair, checkReduction, reduce, warnOnce } from './loss';
import type { Reduction } from './loss';

const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The options each loss of this family accepts. */
export const DISTRIBUTION_LOSS_KEYS = {
  klDiv: ['reduction', 'logTarget'],
  poissonNllLoss: ['reduction', 'logInput', 'full', 'eps'],
  gaussianNllLoss: ['reduction', 'full', 'eps'],
} as const;

export interface KLDivOptions {
  /** 'mean' (default: over all elements, as PyTorch 1.13 — not the KL divergence), 'batchmean' (sum / batch size: the KL divergence), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * KL divergence KL(target ‖ exp(input)) with `input` as log-probabilities: per element
 * t·(log t − input) (0 where t = 0), or exp(t)·(t − input) with `logTarget`. Use 'batchmean' for the
 * divergence itself; 'mean' divides by the element count (PyTorch 1.13's default, which it warns about, and so does tapegrad, once).
 * @example F.klDiv(logits.logSoftmax(1), targetProbs, { reduction: 'batchmean' })
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  const { reduction = 'mean', logTarget = false } = checkOptions('klDiv', opts, DISTRIBUTION_LOSS_KEYS.klDiv);
  const r = reduction === 'batchmean' ? 'batchmean' : checkReduction('klDiv', reduction);
  checkPair('klDiv', input, target);
  if (r === 'mean') {
    warnOnce("klDiv: reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.");
  }
  [input, target] = broadcastPair('klDiv', input, target);
  let loss: Tensor;
  if (logTarget) {
    loss = target.exp().mul(target.sub(input));
  } else {
    // xlogy(t, t): 0 where t = 0 (gradient 0 there too); a negative target gives NaN, as in PyTorch.
    const zero = target.eq(0);
    const tlogt = where(zero, 0, target.mul(where(zero, 1, target).log())).to(input.dtype);
    loss = tlogt.sub(target.mul(input));
  }
  if (r === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, r);
}

export interface PoissonNLLOptions {
  reduction?: Reduction;
  /** The input is log λ (default true): loss exp(input) − t·input; otherwise λ: input − t·log(input + eps). */
  logInput?: boolean;
  /** Add Stirling's approximation of log(t!), t·log t − t + ½·log(2πt), where t > 1 (default false). */
  full?: boolean;
  /** Keeps log(input + eps) finite when logInput is false (default 1e-8). */
  eps?: number;
}

/**
 * Poisson negative log-likelihood of counts `target` under rate λ = exp(input) (or λ = input with
 * `logInput: false`), as PyTorch 1.13's `poisson_nll_loss`.
 * @example F.poissonNllLoss(logRate, counts)
 */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNLLOptions = {}): Tensor {
  const { reduction = 'mean', logInput = true, full = false, eps = 1e-8 } = checkOptions('poissonNllLoss', opts, DISTRIBUTION_LOSS_KEYS.poissonNllLoss);
  const r = checkReduction('poissonNllLoss', reduction);
  checkPair('poissonNllLoss', input, target);
  [input, target] = broadcastPair('poissonNllLoss', input, target);
  let loss = logInput ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(eps).log()));
  if (full) {
    const big = target.gt(1);
    const t = where(big, target, 2).to(input.dtype); // any value > 1 where masked: keeps log finite
    const stirling = t.mul(t.log()).sub(t).add(t.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(where(big, stirling, 0).to(input.dtype));
  }
  return reduce(loss, r);
}

export interface GaussianNLLOptions {
  reduction?: Reduction;
  /** Add the constant ½·log(2π) (default false). */
  full?: boolean;
  /** Lower clamp of the variance, for stability (default 1e-6); the clamp passes the gradient through, as PyTorch's no-grad clamp. */
  eps?: number;
}

/**
 * Gaussian negative log-likelihood ½·(log var + (input − target)²/var) of `target` under
 * N(input, var), as PyTorch 1.13's `gaussian_nll_loss`. `variance` has the input's shape, or that shape
 * without its last dim, or with a last dim of 1 (one variance shared by each row). Negative variances are an error.
 * @example F.gaussianNllLoss(mean, y, variance)
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: GaussianNLLOptions = {}): Tensor {
  const { reduction = 'mean', full = false, eps = 1e-6 } = checkOptions('gaussianNllLoss', opts, DISTRIBUTION_LOSS_KEYS.gaussianNllLoss);
  checkPair('gaussianNllLoss', input, target);
  if (!(variance instanceof Tensor)) throw new TypeError(`gaussianNllLoss: var must be a Tensor, got ${variance === null ? 'null' : typeof variance}`);
  const is = input.shape, vs = variance.shape;
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((s, i) => s === b[i]);
  let v = variance;
  if (!same(vs, is)) {
    if (same(is.slice(0, -1), vs)) v = variance.unsqueeze(-1);
    else if (!(same(is.slice(0, -1), vs.slice(0, -1)) && vs[vs.length - 1] === 1)) {
      throw new RangeError(`gaussianNllLoss: var is of incorrect size: ${shp(vs)} for input of shape ${shp(is)} (expected ${shp(is)}, ${shp(is.slice(0, -1))} or ${shp([...is.slice(0, -1), 1])})`);
    }
  }
  const r = checkReduction('gaussianNllLoss', reduction);
  if (v.lt(0).any().item()) throw new RangeError('gaussianNllLoss: var has negative entry/entries');
  // PyTorch clamps a clone under no_grad: the value is clamped, the gradient flows as if it were not.
  const vd = v.detach();
  const vc = v.add(vd.clamp(eps, null).sub(vd));
  const d = input.sub(target);
  let loss = vc.log().add(d.mul(d).div(vc)).mul(0.5);
  if (full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(loss, r);
}
