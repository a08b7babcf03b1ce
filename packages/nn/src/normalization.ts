/** Normalisation layers: BatchNorm1d/2d/3d, InstanceNorm1d/2d, GroupNorm and LayerNorm. */
import { Tensor, DType, getDefaultDtype, zeros, ones, noGrad } from '@tapegrad/core';
import { Module, typeName } from './module';
import { Parameter } from './parameter';
import { batchNorm, layerNorm, groupNorm, instanceNorm, localResponseNorm } from './functional/normalization';
import type { LocalResponseNormOptions } from './functional/normalization';
import { checkFloatInput, checkOptions } from './check';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

/** PyTorch's positional parameters of BatchNorm and InstanceNorm after numFeatures, in its order. */
const NORM_POSITIONAL = [pos.number('eps'), pos.nullableNumber('momentum'), pos.boolean('affine'), pos.boolean('trackRunningStats')];
const NORM_KEYS = ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype'];

export interface BatchNormOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running stats; `null` for a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight, init 1) and shift (bias, init 0). Default true. */
  affine?: boolean;
  /** Keep running mean/variance for eval mode. Default true; false uses batch stats in eval too. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * The state shared by BatchNorm and InstanceNorm (PyTorch's `_NormBase`): an optional per-channel
 * weight and bias and, with `trackRunningStats`, the buffers `running_mean`, `running_var` and
 * `num_batches_tracked` (int32), under PyTorch's names in the state dict. The fields `runningMean`,
 * `runningVar` and `numBatchesTracked` read and write the same buffers.
 */
export abstract class NormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  protected constructor(name: string, numFeatures: number, options: BatchNormOptions | number, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    const opts = typeof options === 'number' ? { eps: options } : checkOptions(name, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    const { eps = 1e-5, momentum = 0.1, affine = defaults.affine, trackRunningStats = defaults.trackRunningStats, dtype = getDefaultDtype() } = opts;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new RangeError(`${name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? zeros([], { dtype: 'int32' }) : null);
  }

  /** The `running_mean` buffer. */
  get runningMean(): Tensor | null { return this.running_mean; }
  set runningMean(t: Tensor | null) { this.running_mean = t; }
  /** The `running_var` buffer. */
  get runningVar(): Tensor | null { return this.running_var; }
  set runningVar(t: Tensor | null) { this.running_var = t; }
  /** The `num_batches_tracked` buffer (int32; PyTorch's is int64). */
  get numBatchesTracked(): Tensor | null { return this.num_batches_tracked; }
  set numBatchesTracked(t: Tensor | null) { this.num_batches_tracked = t; }

  /** Running mean 0, running variance 1, counter 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  /** Throws unless x has a valid rank for this layer. */
  protected abstract checkInputDim(x: Tensor): void;

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalisation over channel dim 1 (PyTorch's `_BatchNorm`). In training mode it normalises with
 * the batch mean and biased variance and updates `running_mean`/`running_var` (the latter with the
 * unbiased variance) and `num_batches_tracked`; in eval mode it uses the running stats. With
 * `momentum: null` the running stats are the cumulative average over the batches seen.
 */
export abstract class BatchNorm extends NormBase {
  /** PyTorch's `BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)` (`new BatchNorm1d(16, 1e-3)`), then the other options. */
  constructor(numFeatures: number, ...args: PositionalArgs<[], [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormOptions>) {
    super(new.target.name, numFeatures, positionalOptions<BatchNormOptions>(new.target.name, args, NORM_POSITIONAL, NORM_KEYS, 1), { affine: true, trackRunningStats: true });
  }

  forward(x: Tensor): Tensor {
    checkFloatInput(typeName(this), x);
    this.checkInputDim(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${typeName(this)}(${this.numFeatures}): expected input with ${this.numFeatures} channels in dim 1, got shape [${x.shape.join(', ')}]`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const n = this.num_batches_tracked;
      noGrad(() => n.add_(1));
      factor = this.momentum === null ? 1 / n.item() : this.momentum;
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.running_mean : null, track ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/**
 * BatchNorm over [N, C] or [N, C, L] inputs (statistics per channel C).
 * @example
 * const bn = new BatchNorm1d(16);
 * bn.call(x);       // training: batch stats, running stats updated
 * bn.eval().call(x) // running stats
 */
export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`BatchNorm1d: expected 2D or 3D input ([N, C] or [N, C, L]), got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

/**
 * BatchNorm over [N, C, H, W] inputs (statistics per channel over N, H and W).
 * @example
 * new BatchNorm2d(16).call(x) // x [N, 16, H, W]
 */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`BatchNorm2d: expected 4D input ([N, C, H, W]), got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

/**
 * BatchNorm over [N, C, D, H, W] inputs.
 * @example
 * new BatchNorm3d(4).call(x) // x [N, 4, D, H, W]
 */
export class BatchNorm3d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 5) throw new RangeError(`BatchNorm3d: expected 5D input ([N, C, D, H, W]), got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

export type InstanceNormOptions = BatchNormOptions;

/**
 * Instance normalisation (PyTorch's `_InstanceNorm`): each channel of each sample normalised over its
 * spatial dims. PyTorch's defaults: `affine: false`, `trackRunningStats: false`; with
 * `trackRunningStats` the running stats are updated in training and used in eval. Unbatched inputs
 * (no N dim) are accepted.
 */
export abstract class InstanceNorm extends NormBase {
  /** PyTorch's `InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`, then the other options. */
  constructor(numFeatures: number, ...args: PositionalArgs<[], [eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], InstanceNormOptions>) {
    super(new.target.name, numFeatures, positionalOptions<InstanceNormOptions>(new.target.name, args, NORM_POSITIONAL, NORM_KEYS, 1), { affine: false, trackRunningStats: false });
  }

  /** Rank of an unbatched input ([C, L] for 1-d). */
  protected abstract get noBatchDim(): number;

  forward(x: Tensor): Tensor {
    checkFloatInput(typeName(this), x);
    this.checkInputDim(x);
    const featureDim = x.ndim - this.noBatchDim;
    // As PyTorch: a channel mismatch is an error when there are per-channel weights (otherwise a warning there).
    if (x.shape[featureDim] !== this.numFeatures && (this.affine || this.trackRunningStats)) {
      throw new RangeError(`${typeName(this)}(${this.numFeatures}): expected input's size at dim ${featureDim} to match numFeatures (${this.numFeatures}), got input of shape [${x.shape.join(', ')}]`);
    }
    // PyTorch 1.13 passes momentum to F.instance_norm on every call, which refuses None (a TypeError there).
    if (this.momentum === null) {
      throw new RangeError(`${typeName(this)}: momentum null (a cumulative average) is not supported by instance norm; give a number`);
    }
    const unbatched = x.ndim === this.noBatchDim;
    const y = instanceNorm(unbatched ? x.unsqueeze(0) : x, this.running_mean, this.running_var, {
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum ?? 0.1,
      eps: this.eps,
    });
    return unbatched ? y.squeeze(0) : y;
  }
}

/**
 * InstanceNorm over [N, C, L] or unbatched [C, L] inputs.
 * @example
 * new InstanceNorm1d(8).call(x) // x [N, 8, L]
 */
export class InstanceNorm1d extends InstanceNorm {
  protected get noBatchDim(): number { return 2; }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`InstanceNorm1d: expected 2D or 3D input ([C, L] or [N, C, L]), got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

/**
 * InstanceNorm over [N, C, H, W] or unbatched [C, H, W] inputs.
 * @example
 * new InstanceNorm2d(8, { affine: true }).call(x) // x [N, 8, H, W]
 */
export class InstanceNorm2d extends InstanceNorm {
  protected get noBatchDim(): number { return 3; }
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`InstanceNorm2d: expected 3D or 4D input ([C, H, W] or [N, C, H, W]), got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

export interface GroupNormOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Learn a per-channel scale (weight, init 1) and shift (bias, init 0). Default true. */
  affine?: boolean;
  dtype?: DType;
}

/**
 * Group normalisation (PyTorch's `nn.GroupNorm`): the channels of x [N, C, *] split into `numGroups`
 * groups, each normalised per sample; the same in training and eval.
 * @example
 * new GroupNorm(2, 6).call(x) // x [N, 6, H, W], groups of 3 channels
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  /** PyTorch's `GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)`, then the other options. */
  constructor(numGroups: number, numChannels: number, ...args: PositionalArgs<[], [eps: number, affine: boolean], GroupNormOptions>) {
    super();
    const { eps = 1e-5, affine = true, dtype = getDefaultDtype() } = positionalOptions<GroupNormOptions>('GroupNorm', args, [pos.number('eps'), pos.boolean('affine')], ['eps', 'affine', 'dtype'], 2);
    for (const [name, v] of [['numGroups', numGroups], ['numChannels', numChannels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`GroupNorm: ${name} must be a positive integer, got ${v}`);
    }
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = affine;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    checkFloatInput('GroupNorm', x);
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new RangeError(`GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, *], got shape [${x.shape.join(', ')}]`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}

export interface LayerNormOptions {
  eps?: number;
  /** Learn weight (init 1) and bias (init 0) of shape normalizedShape. Default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also learn the bias (PyTorch >= 2.1's option). Default true. */
  bias?: boolean;
  dtype?: DType;
}

/**
 * Normalises each sample over its last dims `normalizedShape` (mean and biased variance), then scales
 * and shifts elementwise (PyTorch's `nn.LayerNorm`). Same in training and eval.
 * @example
 * new LayerNorm(16).call(x) // x [N, 16] (or [N, T, 16])
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  /** PyTorch's `LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)` (`new LayerNorm(16, 1e-6)`), then the other options. */
  constructor(normalizedShape: number | number[], ...args: PositionalArgs<[], [eps: number, elementwiseAffine: boolean], LayerNormOptions>) {
    super();
    const opts = positionalOptions<LayerNormOptions>('LayerNorm', args, [pos.number('eps'), pos.boolean('elementwiseAffine')], ['eps', 'elementwiseAffine', 'bias', 'dtype'], 1);
    const { eps = 1e-5, elementwiseAffine = true, bias = true, dtype = getDefaultDtype() } = opts;
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new RangeError(`LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got [${this.normalizedShape.join(', ')}]`);
    }
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = elementwiseAffine && bias ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

// more torch.nn modules (nnmore7)
/**
 * Local response normalisation across channels, PyTorch's `nn.LocalResponseNorm(size, alpha=1e-4,
 * beta=0.75, k=1.0)`; see `F.localResponseNorm`. No parameters or buffers.
 * @example
 * new LocalResponseNorm(2).call(randn([32, 5, 24, 24])).shape // [32, 5, 24, 24]
 */
export class LocalResponseNorm extends Module {
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  /** `new LocalResponseNorm(5, 1e-4, 0.75, 2)` or `new LocalResponseNorm(5, { k: 2 })`. */
  constructor(size: number, ...args: PositionalArgs<[], [alpha: number, beta: number, k: number], LocalResponseNormOptions>) {
    super();
    const o = positionalOptions<LocalResponseNormOptions>('LocalResponseNorm', args, [pos.number('alpha'), pos.number('beta'), pos.number('k')], ['alpha', 'beta', 'k'], 1);
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new RangeError(`LocalResponseNorm: size must be a positive integer, got ${String(size)}`);
    this.size = size;
    this.alpha = o.alpha ?? 1e-4;
    this.beta = o.beta ?? 0.75;
    this.k = o.k ?? 1;
  }
  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}
