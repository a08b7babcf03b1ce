/** F.batchNorm (core's fused primitive in training mode, composed otherwise), F.layerNorm (core's fused primitive), F.groupNorm, F.instanceNorm, F.localResponseNorm. */
import { Tensor, noGrad, layerNorm as coreLayerNorm, avgPool2d, pad as corePad } from '@tapegrad/core';
import { checkFloatInput } from '../check';
import { PositionalArgs, pos, positionalOptions, checkSameDtype, batchNormTraining } from '@tapegrad/core/internal';

const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;

// PyTorch's positional parameters after the leading ones (F.batch_norm(x, rm, rv, weight, bias, training,
// momentum, eps) ...); a trailing options object holds the same keys, and unknown keys are errors.
const AFFINE = [pos.nullableTensor('weight'), pos.nullableTensor('bias')];
const BN_POSITIONAL = [...AFFINE, pos.boolean('training'), pos.number('momentum'), pos.number('eps')];
const IN_POSITIONAL = [...AFFINE, pos.boolean('useInputStats'), pos.number('momentum'), pos.number('eps')];
const AFFINE_EPS = [...AFFINE, pos.number('eps')];

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use the batch's statistics (and update the running ones if given). Default false, as PyTorch. */
  training?: boolean;
  /** Weight of the new batch in the running averages. Default 0.1. */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over the channel dim 1 of x [N, C, ...].
 *
 * Training: normalises with the batch mean and the biased variance, and (when running stats are
 * given) updates them in place as running = (1 − momentum)·running + momentum·batch, with the
 * UNBIASED variance for runningVar, as PyTorch. Not training: normalises with the running stats.
 * @example
 * F.batchNorm(x, runningMean, runningVar, { weight, bias, training: true })
 * F.batchNorm(x, runningMean, runningVar, weight, bias, true, 0.1, 1e-5) // PyTorch's positional form
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  ...args: PositionalArgs<[], [weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number], BatchNormOptions>
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = positionalOptions<BatchNormOptions>('batchNorm', args, BN_POSITIONAL, undefined, 3);
  checkFloatInput('batchNorm', x);
  if (x.ndim < 2) throw new RangeError(`batchNorm: expected an input of at least 2 dims [N, C, ...], got shape ${shp(x.shape)}`);
  const C = x.shape[1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && t.numel() !== C) throw new RangeError(`batchNorm: ${name} should contain ${C} elements (the channels of input ${shp(x.shape)}) not ${t.numel()}`);
  }
  // PyTorch refuses parameters or running stats of another float dtype than the input (no promotion).
  checkSameDtype('batchNorm', ['input', x], ['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]);
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  let mean: Tensor, variance: Tensor;
  let fused: ReturnType<typeof batchNormTraining> | null = null;
  if (training) {
    const n = x.numel() / C;
    // As PyTorch: exactly one value is an error; an empty batch gives an empty output and leaves the running stats.
    if (n === 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input size ${shp(x.shape)}`);
    // The fused primitive (core ops/batch-norm.ts) on the cpu; a device tensor or an empty batch takes the
    // composed form below.
    fused = n > 0 && x._storage.gpu === null ? batchNormTraining(x, weight, bias, eps) : null;
    mean = fused ? fused.mean : x.mean(dims);
    variance = fused ? fused.variance : x.var(dims, { unbiased: false });
    if ((runningMean || runningVar) && n > 0) {
      noGrad(() => {
        if (runningMean) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.detach().mul(momentum)));
        if (runningVar) runningVar.copy_(runningVar.mul(1 - momentum).add(variance.detach().mul((momentum * n) / (n - 1))));
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: runningMean and runningVar must be given when training is false');
    mean = runningMean;
    variance = runningVar;
  }
  if (fused) return fused.y;
  let y = x.sub(mean.reshape(bshape)).div(variance.reshape(bshape).add(eps).sqrt());
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Layer normalisation over the last dims given by `normalizedShape` (mean and biased variance per
 * sample), then `· weight + bias` if given.
 * @example
 * F.layerNorm(x, [16]) // x [N, 16]
 * F.layerNorm(x, [16], weight, bias, 1e-6) // PyTorch's positional form, or { weight, bias, eps: 1e-6 }
 */
export function layerNorm(x: Tensor, normalizedShape: number | number[], ...args: PositionalArgs<[], [weight: Tensor | null, bias: Tensor | null, eps: number], LayerNormOptions>): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = positionalOptions<LayerNormOptions>('layerNorm', args, AFFINE_EPS, undefined, 2);
  checkFloatInput('layerNorm', x);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  const k = ns.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((s, i) => s !== ns[i])) {
    throw new RangeError(`layerNorm: given normalizedShape=${shp(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size ${shp(x.shape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== k || t.shape.some((s, i) => s !== ns[i]))) throw new RangeError(`layerNorm: ${name} must have shape ${shp(ns)}, got ${shp(t.shape)}`);
  }
  // One primitive with a fused backward (core's layerNorm), not a dozen composed passes.
  return coreLayerNorm(x, ns, weight, bias, eps);
}

/** Throws unless each given affine tensor is 1-D with `C` elements (the channels of x). */
function checkChannelParams(op: string, x: Tensor, C: number, params: [string, Tensor | null][]): void {
  for (const [name, t] of params) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) {
      throw new RangeError(`${op}: ${name} should have shape [${C}] (the channels in dim 1 of input ${shp(x.shape)}), got ${shp(t.shape)}`);
    }
  }
}

export interface GroupNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Group normalisation (PyTorch's `F.group_norm`): the C channels of x [N, C, *] are split into
 * `numGroups` groups and each sample's group is normalised with its own mean and biased variance, then
 * scaled and shifted per channel by weight and bias [C] if given.
 * @example
 * F.groupNorm(x, 2, { weight, bias }) // x [N, 6, H, W]: groups of 3 channels
 * F.groupNorm(x, 2, weight, bias, 1e-5) // PyTorch's positional form
 */
export function groupNorm(x: Tensor, numGroups: number, ...args: PositionalArgs<[], [weight: Tensor | null, bias: Tensor | null, eps: number], GroupNormOptions>): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = positionalOptions<GroupNormOptions>('groupNorm', args, AFFINE_EPS, undefined, 2);
  checkFloatInput('groupNorm', x);
  if (x.ndim < 2) throw new RangeError(`groupNorm: expected an input of at least 2 dims [N, C, *], got shape ${shp(x.shape)}`);
  if (!Number.isInteger(numGroups) || numGroups <= 0) throw new RangeError(`groupNorm: numGroups must be a positive integer, got ${numGroups}`);
  const [N, C] = x.shape;
  if (C % numGroups !== 0) throw new RangeError(`groupNorm: expected the number of channels (${C}) of input ${shp(x.shape)} to be divisible by numGroups=${numGroups}`);
  checkChannelParams('groupNorm', x, C, [['weight', weight], ['bias', bias]]);
  checkSameDtype('groupNorm', ['input', x], ['weight', weight], ['bias', bias]);
  // The group size spelled out: reshape cannot infer a -1 from an empty batch.
  const g = x.reshape([N, numGroups, (C / numGroups) * x.shape.slice(2).reduce((a, b) => a * b, 1)]);
  let y: Tensor;
  if (x._storage.gpu === null && x.numel() > 0) {
    // As PyTorch: each (sample, group) is a channel of a batch of one, normalised by the fused primitive.
    y = batchNormTraining(g.reshape([1, N * numGroups, -1]), null, null, eps).y.reshape(x.shape);
  } else {
    const mean = g.mean(2, true);
    const variance = g.var(2, { unbiased: false, keepdim: true });
    y = g.sub(mean).div(variance.add(eps).sqrt()).reshape(x.shape);
  }
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}

export interface InstanceNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with each instance's own statistics (and update the running ones if given). Default true. */
  useInputStats?: boolean;
  /** Weight of the new batch in the running averages. Default 0.1. */
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalisation (PyTorch's `F.instance_norm`): each channel of each sample of x [N, C, *] is
 * normalised over its spatial dims with its mean and biased variance. With `useInputStats` and running
 * stats given, those are updated in place with the batch average of the per-instance statistics
 * (unbiased variance), as PyTorch; without `useInputStats` the running stats are used.
 * @example
 * F.instanceNorm(x) // x [N, C, H, W]
 * F.instanceNorm(x, null, null, weight, bias, true, 0.1, 1e-5) // PyTorch's positional form
 */
export function instanceNorm(
  x: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  ...args: PositionalArgs<[], [weight: Tensor | null, bias: Tensor | null, useInputStats: boolean, momentum: number, eps: number], InstanceNormOptions>
): Tensor {
  const { weight = null, bias = null, useInputStats = true, momentum = 0.1, eps = 1e-5 } = positionalOptions<InstanceNormOptions>('instanceNorm', args, IN_POSITIONAL, undefined, 3);
  checkFloatInput('instanceNorm', x);
  if (x.ndim < 3) throw new RangeError(`instanceNorm: expected an input of at least 3 dims [N, C, *] (one spatial dim), got shape ${shp(x.shape)}`);
  const C = x.shape[1];
  checkChannelParams('instanceNorm', x, C, [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]]);
  checkSameDtype('instanceNorm', ['input', x], ['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]);
  const dims = x.shape.map((_, i) => i).slice(2);
  const bshape = x.shape.map((s, i) => (i === 1 ? s : 1));
  let mean: Tensor, variance: Tensor;
  let fused: ReturnType<typeof batchNormTraining> | null = null;
  if (useInputStats) {
    const n = x.numel() / (x.shape[0] * C);
    if (n <= 1) throw new RangeError(`instanceNorm: expected more than 1 spatial element when training, got input size ${shp(x.shape)}`);
    // As PyTorch: each (sample, channel) is a channel of a batch of one, normalised by the fused primitive
    // (device tensors: the composition below).
    const N = x.shape[0];
    fused = x._storage.gpu === null && x.numel() > 0 ? batchNormTraining(x.reshape([1, N * C, -1]), null, null, eps) : null;
    const statShape = [N, C, ...dims.map(() => 1)]; // the keepdim shape of the composition's mean
    mean = fused ? fused.mean.reshape(statShape) : x.mean(dims, true);
    variance = fused ? fused.variance.reshape(statShape) : x.var(dims, { unbiased: false, keepdim: true });
    if (runningMean || runningVar) {
      noGrad(() => {
        if (runningMean) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.detach().reshape([-1, C]).mean(0).mul(momentum)));
        if (runningVar) runningVar.copy_(runningVar.mul(1 - momentum).add(variance.detach().reshape([-1, C]).mean(0).mul((momentum * n) / (n - 1))));
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('instanceNorm: runningMean and runningVar must be given when useInputStats is false');
    mean = runningMean.reshape(bshape);
    variance = runningVar.reshape(bshape);
  }
  let y = fused ? fused.y.reshape(x.shape) : x.sub(mean).div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}

// more torch.nn modules (nnmore7)
/** F.localResponseNorm's keyword arguments. */
export interface LocalResponseNormOptions { alpha: number; beta: number; k: number }

/**
 * Local response normalisation across channels (PyTorch's `F.local_response_norm(input, size,
 * alpha=1e-4, beta=0.75, k=1.0)`): x / (k + α·mean of x² over `size` neighbouring channels)^β, the window
 * zero-padded by ⌊size/2⌋ before and ⌊(size−1)/2⌋ after, over [N, C, *] inputs (3-D or more).
 * @example
 * F.localResponseNorm(x, 5, { alpha: 1e-4, beta: 0.75, k: 2 })
 */
export function localResponseNorm(x: Tensor, size: number, ...args: PositionalArgs<[], [alpha: number, beta: number, k: number], LocalResponseNormOptions>): Tensor {
  const fn = 'localResponseNorm';
  const { alpha = 1e-4, beta = 0.75, k = 1 } = positionalOptions<LocalResponseNormOptions>(fn, args, [pos.number('alpha'), pos.number('beta'), pos.number('k')], ['alpha', 'beta', 'k'], 2);
  checkFloatInput(fn, x);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new RangeError(`${fn}: size must be a positive integer, got ${String(size)}`);
  if (x.ndim < 3) throw new RangeError(`${fn}: Expected 3D or higher dimensionality input (got ${x.ndim} dimensions, shape ${shp(x.shape)})`);
  if (x.numel() === 0) return x;
  const [n, c] = x.shape;
  // PyTorch's avg_pool3d over [N, 1, C, H, W·…] with a (size, 1, 1) window is this 2-D pool over [N, 1, C, rest].
  const sq = x.mul(x).reshape([n, 1, c, -1]);
  const div = avgPool2d(corePad(sq, [0, 0, Math.floor(size / 2), Math.floor((size - 1) / 2)]), [size, 1], { stride: 1 }).reshape(x.shape);
  return x.div(div.mul(alpha).add(k).pow(beta));
}
