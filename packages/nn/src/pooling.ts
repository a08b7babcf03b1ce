/** Pooling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d, MaxUnpool1d/2d. */
import {
  Tensor, PoolSize, AdaptiveSize,
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  maxUnpool1d, maxUnpool2d,
} from '@tapegrad/core';
import { Module } from './module';
import { checkOptions } from './check';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';
import { lpPool1d, lpPool2d } from './functional/pooling';
import type { LPPoolOptions } from './functional/pooling';

/** PyTorch's positional parameters after kernelSize, in its order. */
const MAXPOOL_POSITIONAL = [pos.nullableSize('stride'), pos.size('padding'), pos.size('dilation'), pos.boolean('returnIndices'), pos.boolean('ceilMode')];
const AVGPOOL_POSITIONAL = [pos.nullableSize('stride'), pos.size('padding'), pos.boolean('ceilMode'), pos.boolean('countIncludePad'), pos.nullableNumber('divisorOverride')];
const UNPOOL_POSITIONAL = [pos.nullableSize('stride'), pos.size('padding')];

/** What a pooling layer built with `returnIndices` R returns: `[values, indices]` when R is true. */
export type PoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

export interface MaxPoolLayerOptions<R extends boolean = false> {
  /** Window step; default kernelSize. */
  stride?: PoolSize | null;
  padding?: PoolSize;
  dilation?: PoolSize;
  /** forward returns `[values, indices]` (for MaxUnpool). Default false. */
  returnIndices?: R;
  ceilMode?: boolean;
}

const fmtSize = (v: PoolSize | null | undefined): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: PoolSize;
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly dilation: PoolSize;
  readonly returnIndices: R;
  readonly ceilMode: boolean;
  constructor(name: string, kernelSize: PoolSize, options: MaxPoolLayerOptions<R> = {}) {
    super();
    const { stride = null, padding = 0, dilation = 1, returnIndices = false as R, ceilMode = false } = checkOptions(name, options, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode']);
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.dilation = dilation;
    this.returnIndices = returnIndices;
    this.ceilMode = ceilMode;
  }
  protected opts(): { stride: PoolSize; padding: PoolSize; dilation: PoolSize; ceilMode: boolean; returnIndices: true } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: true };
  }
  protected result(r: [Tensor, Tensor]): PoolResult<R> {
    return (this.returnIndices ? r : r[0]) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `kernelSize=${fmtSize(this.kernelSize)}, stride=${fmtSize(this.stride)}, padding=${fmtSize(this.padding)}, dilation=${fmtSize(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/**
 * 1-D max pooling over x [N, C, L] or [C, L] (PyTorch's `nn.MaxPool1d`).
 * @example
 * new MaxPool1d(2).call(x)                                   // [N, C, L] -> [N, C, L / 2]
 * const [y, idx] = new MaxPool1d(2, { returnIndices: true }).call(x);
 */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  /** PyTorch's `MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`, then the other options. */
  constructor(kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, dilation: PoolSize, returnIndices: R, ceilMode: boolean], MaxPoolLayerOptions<R>>) {
    super('MaxPool1d', kernelSize, positionalOptions<MaxPoolLayerOptions<R>>('MaxPool1d', args, MAXPOOL_POSITIONAL));
  }
  forward(x: Tensor): PoolResult<R> {
    return this.result(maxPool1d(x, this.kernelSize, this.opts()));
  }
}

/**
 * 2-D max pooling over x [N, C, H, W] or [C, H, W] (PyTorch's `nn.MaxPool2d`).
 * @example
 * new MaxPool2d(2).call(x)                                   // [N, C, 28, 28] -> [N, C, 14, 14]
 * new MaxPool2d(3, { stride: 2, padding: 1 }).call(x)           // PyTorch's positional new MaxPool2d(3, 2, 1) too
 */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  /** PyTorch's `MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`, then the other options. */
  constructor(kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, dilation: PoolSize, returnIndices: R, ceilMode: boolean], MaxPoolLayerOptions<R>>) {
    super('MaxPool2d', kernelSize, positionalOptions<MaxPoolLayerOptions<R>>('MaxPool2d', args, MAXPOOL_POSITIONAL));
  }
  forward(x: Tensor): PoolResult<R> {
    return this.result(maxPool2d(x, this.kernelSize, this.opts()));
  }
}

export interface AvgPoolLayerOptions {
  stride?: PoolSize | null;
  padding?: PoolSize;
  ceilMode?: boolean;
  /** Count padding zeros in the divisor. Default true. */
  countIncludePad?: boolean;
}

/**
 * 1-D average pooling over x [N, C, L] or [C, L] (PyTorch's `nn.AvgPool1d`).
 * @example
 * new AvgPool1d(3, { stride: 2 }).call(x)
 */
export class AvgPool1d extends Module {
  readonly kernelSize: PoolSize;
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  /** PyTorch's `AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`, then the other options. */
  constructor(kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, ceilMode: boolean, countIncludePad: boolean], AvgPoolLayerOptions>) {
    super();
    const { stride = null, padding = 0, ceilMode = false, countIncludePad = true } = positionalOptions<AvgPoolLayerOptions>('AvgPool1d', args, AVGPOOL_POSITIONAL.slice(0, 4));
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }
  override extraRepr(): string {
    return `kernelSize=${fmtSize(this.kernelSize)}, stride=${fmtSize(this.stride)}, padding=${fmtSize(this.padding)}`;
  }
}

export interface AvgPool2dLayerOptions extends AvgPoolLayerOptions {
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number | null;
}

/**
 * 2-D average pooling over x [N, C, H, W] or [C, H, W] (PyTorch's `nn.AvgPool2d`).
 * @example
 * new AvgPool2d(2).call(x) // [N, C, 8, 8] -> [N, C, 4, 4]
 */
export class AvgPool2d extends Module {
  readonly kernelSize: PoolSize;
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  /** PyTorch's `AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`, then the other options. */
  constructor(kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool2dLayerOptions>) {
    super();
    const { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } = positionalOptions<AvgPool2dLayerOptions>('AvgPool2d', args, AVGPOOL_POSITIONAL);
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }
  override extraRepr(): string {
    return `kernelSize=${fmtSize(this.kernelSize)}, stride=${fmtSize(this.stride)}, padding=${fmtSize(this.padding)}`;
  }
}

const fmtAdaptive = (v: AdaptiveSize): string => (Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));

/**
 * Average pooling to a fixed length (PyTorch's `nn.AdaptiveAvgPool1d`).
 * @example
 * new AdaptiveAvgPool1d(1).call(x) // [N, C, L] -> [N, C, 1]
 */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number | [number]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${fmtAdaptive(this.outputSize)}`;
  }
}

/**
 * Average pooling to a fixed size (PyTorch's `nn.AdaptiveAvgPool2d`); `null` keeps an input size.
 * @example
 * new AdaptiveAvgPool2d([1, 1]).call(x) // global average pooling: [N, C, H, W] -> [N, C, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${fmtAdaptive(this.outputSize)}`;
  }
}

/**
 * Max pooling to a fixed length (PyTorch's `nn.AdaptiveMaxPool1d`).
 * @example
 * new AdaptiveMaxPool1d(4).call(x)
 */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Module {
  readonly returnIndices: R;
  /** PyTorch's `AdaptiveMaxPool1d(output_size, return_indices=False)`: positional values, then the other options. */
  constructor(readonly outputSize: number | [number], ...args: PositionalArgs<[], [returnIndices: R], { returnIndices?: R }>) {
    super();
    this.returnIndices = (positionalOptions<{ returnIndices?: R }>('AdaptiveMaxPool1d', args, [pos.boolean('returnIndices')]).returnIndices ?? false) as R;
  }
  forward(x: Tensor): PoolResult<R> {
    const r = adaptiveMaxPool1d(x, this.outputSize, { returnIndices: true });
    return (this.returnIndices ? r : r[0]) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `outputSize=${fmtAdaptive(this.outputSize)}`;
  }
}

/**
 * Max pooling to a fixed size (PyTorch's `nn.AdaptiveMaxPool2d`).
 * @example
 * new AdaptiveMaxPool2d([2, 2]).call(x)
 */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Module {
  readonly returnIndices: R;
  /** PyTorch's `AdaptiveMaxPool2d(output_size, return_indices=False)`: positional values, then the other options. */
  constructor(readonly outputSize: AdaptiveSize, ...args: PositionalArgs<[], [returnIndices: R], { returnIndices?: R }>) {
    super();
    this.returnIndices = (positionalOptions<{ returnIndices?: R }>('AdaptiveMaxPool2d', args, [pos.boolean('returnIndices')]).returnIndices ?? false) as R;
  }
  forward(x: Tensor): PoolResult<R> {
    const r = adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true });
    return (this.returnIndices ? r : r[0]) as PoolResult<R>;
  }
  override extraRepr(): string {
    return `outputSize=${fmtAdaptive(this.outputSize)}`;
  }
}

export interface MaxUnpoolLayerOptions {
  stride?: PoolSize | null;
  padding?: PoolSize;
}

abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: PoolSize;
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  constructor(name: string, kernelSize: PoolSize, options: MaxUnpoolLayerOptions) {
    super();
    const { stride = null, padding = 0 } = checkOptions(name, options, ['stride', 'padding']);
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
  }
  override extraRepr(): string {
    return `kernelSize=${fmtSize(this.kernelSize)}, stride=${fmtSize(this.stride)}, padding=${fmtSize(this.padding)}`;
  }
}

/**
 * The partial inverse of MaxPool1d (PyTorch's `nn.MaxUnpool1d`): `call(x, indices, outputSize?)`.
 * @example
 * const [y, idx] = new MaxPool1d(2, { returnIndices: true }).call(x);
 * new MaxUnpool1d(2).call(y, idx)
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  /** PyTorch's `MaxUnpool1d(kernel_size, stride=None, padding=0)`, then the other options. */
  constructor(kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize], MaxUnpoolLayerOptions>) {
    super('MaxUnpool1d', kernelSize, positionalOptions<MaxUnpoolLayerOptions>('MaxUnpool1d', args, UNPOOL_POSITIONAL));
  }
  forward(x: Tensor, indices: Tensor, outputSize: number[] | null = null): Tensor {
    return maxUnpool1d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}

/**
 * The partial inverse of MaxPool2d (PyTorch's `nn.MaxUnpool2d`): `call(x, indices, outputSize?)`.
 * @example
 * const [y, idx] = new MaxPool2d(2, { returnIndices: true }).call(x);
 * new MaxUnpool2d(2).call(y, idx) // x's shape, the maxima in place, zeros elsewhere
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  /** PyTorch's `MaxUnpool2d(kernel_size, stride=None, padding=0)`, then the other options. */
  constructor(kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize], MaxUnpoolLayerOptions>) {
    super('MaxUnpool2d', kernelSize, positionalOptions<MaxUnpoolLayerOptions>('MaxUnpool2d', args, UNPOOL_POSITIONAL));
  }
  forward(x: Tensor, indices: Tensor, outputSize: number[] | null = null): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}

// more torch.nn modules (nnmore7)
abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: PoolSize;
  readonly stride: PoolSize | null;
  readonly ceilMode: boolean;
  protected constructor(name: string, normType: number, kernelSize: PoolSize, args: readonly unknown[]) {
    super();
    const { stride = null, ceilMode = false } = positionalOptions<LPPoolOptions>(name, args, [pos.nullableSize('stride'), pos.boolean('ceilMode')], ['stride', 'ceilMode'], 2);
    if (typeof normType !== 'number' || Number.isNaN(normType)) throw new TypeError(`${name}: normType must be a number, got ${String(normType)}`);
    this.normType = normType;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.ceilMode = ceilMode;
  }
  override extraRepr(): string {
    return `normType=${this.normType}, kernelSize=${fmtSize(this.kernelSize)}, stride=${this.stride === null ? 'None' : fmtSize(this.stride)}, ceilMode=${this.ceilMode}`;
  }
}

/**
 * Power-average pooling (Σ_window x^p)^(1/p) over [N, C, L] or [C, L], PyTorch's
 * `nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False)`.
 * @example
 * new LPPool1d(2, 3, 2).call(randn([20, 16, 50])).shape // [20, 16, 24]
 */
export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, ceilMode: boolean], LPPoolOptions>) {
    super('LPPool1d', normType, kernelSize, args);
  }
  forward(x: Tensor): Tensor {
    return lpPool1d(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
}

/**
 * Power-average pooling (Σ_window x^p)^(1/p) over [N, C, H, W] or [C, H, W], PyTorch's
 * `nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)`.
 * @example
 * new LPPool2d(1.2, [3, 2], [2, 1]).call(randn([20, 16, 50, 32])).shape // [20, 16, 24, 31]
 */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, ceilMode: boolean], LPPoolOptions>) {
    super('LPPool2d', normType, kernelSize, args);
  }
  forward(x: Tensor): Tensor {
    return lpPool2d(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode });
  }
}
