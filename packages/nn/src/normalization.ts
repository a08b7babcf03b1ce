/** Normalisation layers: BatchNorm1d, BatchNorm2d and LayerNorm. */
import { Tensor, DType, getDefaultDtype, zeros, ones, noGrad } from '@tapegrad/core';
import { Module, typeName } from './module';
import { Parameter } from './parameter';
import { batchNorm, layerNorm } from './functional/normalization';
import { checkFloatInput, checkOptions } from './check';

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
 * Batch normalisation over channel dim 1 (PyTorch's `_BatchNorm`). In training mode it normalises with
 * the batch mean and biased variance and updates `runningMean`/`runningVar` (the latter with the
 * unbiased variance) and `numBatchesTracked`; in eval mode it uses the running stats.
 * Buffers are `runningMean`, `runningVar`, `numBatchesTracked` (PyTorch: `running_mean`, ...;
 * loadStateDict accepts those names).
 */
export abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;

  /** The second argument is the options, or PyTorch's positional `eps` (`new BatchNorm1d(16, 1e-3)`). */
  constructor(numFeatures: number, options: BatchNormOptions | number = {}) {
    super();
    const opts = typeof options === 'number' ? { eps: options } : checkOptions(new.target.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true, dtype = getDefaultDtype() } = opts;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new RangeError(`${new.target.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    this.registerBuffer('runningMean', trackRunningStats ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('runningVar', trackRunningStats ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('numBatchesTracked', trackRunningStats ? zeros([], { dtype: 'int32' }) : null);
  }

  /** Running mean 0, running variance 1, counter 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /** Throws unless x has a valid rank for this layer. */
  protected abstract checkInputDim(x: Tensor): void;

  forward(x: Tensor): Tensor {
    checkFloatInput(typeName(this), x);
    this.checkInputDim(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${typeName(this)}(${this.numFeatures}): expected input with ${this.numFeatures} channels in dim 1, got shape [${x.shape.join(', ')}]`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      const n = this.numBatchesTracked;
      noGrad(() => n.add_(1));
      factor = this.momentum === null ? 1 / n.item() : this.momentum;
    }
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.runningMean : null, track ? this.runningVar : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
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

/** BatchNorm over [N, C, H, W] inputs. */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new RangeError(`BatchNorm2d: expected 4D input ([N, C, H, W]), got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
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

  /** The second argument is the options, or PyTorch's positional `eps` (`new LayerNorm(16, 1e-6)`). */
  constructor(normalizedShape: number | number[], options: LayerNormOptions | number = {}) {
    super();
    const opts = typeof options === 'number' ? { eps: options } : checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
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
