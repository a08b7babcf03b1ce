/**
 * Pooling and resampling in `nn.functional`: core's ops under PyTorch's `F.` names
 * (`F.maxPool2d` is `F.max_pool2d`, `F.interpolate`, `F.pixelShuffle`, ...), and F.lpPool1d/2d composed of them.
 */
import {
  Tensor, PoolSize, AdaptiveSize, avgPool1d as coreAvgPool1d, avgPool2d as coreAvgPool2d, maxPool1d as coreMaxPool1d, maxPool2d as coreMaxPool2d,
  adaptiveMaxPool1d as coreAdaptiveMaxPool1d, adaptiveMaxPool2d as coreAdaptiveMaxPool2d, maxUnpool1d as coreMaxUnpool1d,
  maxUnpool2d as coreMaxUnpool2d, interpolate as coreInterpolate,
} from '@tapegrad/core';
import type { MaxPoolOptions, AvgPoolOptions, AvgPool2dOptions, AdaptiveMaxPoolOptions, MaxUnpoolOptions, InterpolateMode, InterpolateOptions } from '@tapegrad/core';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

export { adaptiveAvgPool1d, adaptiveAvgPool2d, pixelShuffle, pixelUnshuffle } from '@tapegrad/core';

// PyTorch's positional parameters of F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode,
// return_indices), F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
// divisor_override), F.adaptive_max_pool2d(input, output_size, return_indices), F.max_unpool2d(input,
// indices, kernel_size, stride, padding, output_size) and F.interpolate(input, size, scale_factor, mode,
// align_corners, recompute_scale_factor), in that order, before the options object (auditconv8).
const MAX_POSITIONAL = [pos.nullableSize('stride'), pos.size('padding'), pos.size('dilation'), pos.boolean('ceilMode'), pos.boolean('returnIndices')];
const AVG_POSITIONAL = [pos.nullableSize('stride'), pos.size('padding'), pos.boolean('ceilMode'), pos.boolean('countIncludePad')];
const AVG2_POSITIONAL = [...AVG_POSITIONAL, pos.nullableNumber('divisorOverride')];
const UNPOOL_POSITIONAL = [pos.nullableSize('stride'), pos.size('padding'), pos.nullableSize('outputSize')];
const INTERP_POSITIONAL = [pos.nullableSize('size'), pos.nullableSize('scaleFactor'), pos.string('mode'), pos.nullableBoolean('alignCorners'), pos.nullableBoolean('recomputeScaleFactor')];
// core's implementation signatures, for the forwarding calls (the overloads type the results by returnIndices)
type Pooled = Tensor | [Tensor, Tensor];
const maxPool1dImpl = coreMaxPool1d as (x: Tensor, k: PoolSize, o: MaxPoolOptions) => Pooled;
const maxPool2dImpl = coreMaxPool2d as (x: Tensor, k: PoolSize, o: MaxPoolOptions) => Pooled;
const adaptiveMax1dImpl = coreAdaptiveMaxPool1d as (x: Tensor, s: number | [number], o: AdaptiveMaxPoolOptions) => Pooled;
const adaptiveMax2dImpl = coreAdaptiveMaxPool2d as (x: Tensor, s: AdaptiveSize, o: AdaptiveMaxPoolOptions) => Pooled;
type MaxPoolArgs<R extends boolean> = PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, dilation: PoolSize, ceilMode: boolean, returnIndices: R], MaxPoolOptions & { returnIndices?: R }>;
type WithIndices = PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, dilation: PoolSize, ceilMode: boolean, returnIndices: true], MaxPoolOptions & { returnIndices: true }>;

/**
 * Max pooling over the last dim of [N, C, L] or [C, L] (PyTorch's `F.max_pool1d`); with returnIndices, also each maximum's flat index.
 * @example
 * F.maxPool1d(x, 3, { stride: 2, padding: 1 })
 * F.maxPool1d(x, 3, 2, 1, 1, false, true) // PyTorch's positional form: [values, indices]
 */
export function maxPool1d(x: Tensor, kernelSize: PoolSize, ...args: MaxPoolArgs<false>): Tensor;
export function maxPool1d(x: Tensor, kernelSize: PoolSize, ...args: WithIndices): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: PoolSize, ...args: unknown[]): Pooled {
  return maxPool1dImpl(x, kernelSize, positionalOptions<MaxPoolOptions>('maxPool1d', args, MAX_POSITIONAL, undefined, 2));
}

/**
 * Max pooling over the last two dims of [N, C, H, W] or [C, H, W] (PyTorch's `F.max_pool2d`).
 * @example
 * F.maxPool2d(x, 2)                               // stride defaults to the kernel size
 * F.maxPool2d(x, 3, 2, 1)                         // PyTorch's positional stride, padding
 * const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
 */
export function maxPool2d(x: Tensor, kernelSize: PoolSize, ...args: MaxPoolArgs<false>): Tensor;
export function maxPool2d(x: Tensor, kernelSize: PoolSize, ...args: WithIndices): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: PoolSize, ...args: unknown[]): Pooled {
  return maxPool2dImpl(x, kernelSize, positionalOptions<MaxPoolOptions>('maxPool2d', args, MAX_POSITIONAL, undefined, 2));
}

/**
 * Average pooling over the last dim (PyTorch's `F.avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)`).
 * @example
 * F.avgPool1d(x, 3, 2, 1, false, false) // or F.avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false })
 */
export function avgPool1d(x: Tensor, kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, ceilMode: boolean, countIncludePad: boolean], AvgPoolOptions>): Tensor {
  return coreAvgPool1d(x, kernelSize, positionalOptions<AvgPoolOptions>('avgPool1d', args, AVG_POSITIONAL, undefined, 2));
}

/**
 * Average pooling over the last two dims (PyTorch's `F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)`).
 * @example
 * F.avgPool2d(x, 2)
 * F.avgPool2d(x, 3, 1, 1, false, true, 4) // PyTorch's positional form, or the options { stride, padding, ... }
 */
export function avgPool2d(x: Tensor, kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPool2dOptions>): Tensor {
  return coreAvgPool2d(x, kernelSize, positionalOptions<AvgPool2dOptions>('avgPool2d', args, AVG2_POSITIONAL, undefined, 2));
}

type AdaptiveArgs<R extends boolean> = [] | [returnIndices: R] | [options: AdaptiveMaxPoolOptions & { returnIndices?: R }];

/**
 * Adaptive max pooling to `outputSize` over the last dim (PyTorch's `F.adaptive_max_pool1d(input, output_size, return_indices)`).
 * @example
 * const [y, idx] = F.adaptiveMaxPool1d(x, 4, true);
 */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], ...args: AdaptiveArgs<false>): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], ...args: AdaptiveArgs<true>): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number | [number], ...args: unknown[]): Pooled {
  return adaptiveMax1dImpl(x, outputSize, positionalOptions<AdaptiveMaxPoolOptions>('adaptiveMaxPool1d', args, [pos.boolean('returnIndices')], undefined, 2));
}

/**
 * Adaptive max pooling to `outputSize` over the last two dims (an entry null keeps that size), PyTorch's `F.adaptive_max_pool2d`.
 * @example
 * F.adaptiveMaxPool2d(x, [3, null])
 * const [y, idx] = F.adaptiveMaxPool2d(x, 2, true);
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, ...args: AdaptiveArgs<false>): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, ...args: AdaptiveArgs<true>): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize, ...args: unknown[]): Pooled {
  return adaptiveMax2dImpl(x, outputSize, positionalOptions<AdaptiveMaxPoolOptions>('adaptiveMaxPool2d', args, [pos.boolean('returnIndices')], undefined, 2));
}

type UnpoolArgs = PositionalArgs<[], [stride: PoolSize | null, padding: PoolSize, outputSize: number[] | null], MaxUnpoolOptions>;

/**
 * Partial inverse of maxPool1d (PyTorch's `F.max_unpool1d(input, indices, kernel_size, stride, padding, output_size)`).
 * @example
 * F.maxUnpool1d(y, idx, 2) // y, idx from F.maxPool1d(x, 2, { returnIndices: true })
 */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: PoolSize, ...args: UnpoolArgs): Tensor {
  return coreMaxUnpool1d(x, indices, kernelSize, positionalOptions<MaxUnpoolOptions>('maxUnpool1d', args, UNPOOL_POSITIONAL, undefined, 3));
}

/**
 * Partial inverse of maxPool2d (PyTorch's `F.max_unpool2d(input, indices, kernel_size, stride, padding, output_size)`).
 * @example
 * F.maxUnpool2d(y, idx, 2, 2, 0, [5, 5]) // back to the 5×5 input that F.maxPool2d(x, 2) pooled
 */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: PoolSize, ...args: UnpoolArgs): Tensor {
  return coreMaxUnpool2d(x, indices, kernelSize, positionalOptions<MaxUnpoolOptions>('maxUnpool2d', args, UNPOOL_POSITIONAL, undefined, 3));
}

/**
 * Resizes the spatial dims (PyTorch's `F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor)`).
 * @example
 * F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' })
 * F.interpolate(x, null, 2, 'bilinear', true) // PyTorch's positional form
 */
export function interpolate(
  x: Tensor,
  ...args: PositionalArgs<[], [size: number | number[] | null, scaleFactor: number | number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], InterpolateOptions>
): Tensor {
  return coreInterpolate(x, positionalOptions<InterpolateOptions>('interpolate', args, INTERP_POSITIONAL, undefined, 1));
}
export type {
  PoolSize, AdaptiveSize, MaxPoolOptions, AvgPoolOptions, AvgPool2dOptions, AdaptiveMaxPoolOptions, MaxUnpoolOptions,
  InterpolateMode, InterpolateOptions,
} from '@tapegrad/core';

// more torch.nn modules (nnmore7)

/** F.lpPool1d/2d's keyword arguments. */
export interface LPPoolOptions { stride: PoolSize | null; ceilMode: boolean }

function lpPool(op: string, nd: 1 | 2, x: Tensor, normType: number, kernelSize: PoolSize, args: readonly unknown[]): Tensor {
  const { stride = null, ceilMode = false } = positionalOptions<LPPoolOptions>(op, args, [pos.nullableSize('stride'), pos.boolean('ceilMode')], ['stride', 'ceilMode'], 3);
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (typeof normType !== 'number' || Number.isNaN(normType)) throw new TypeError(`${op}: normType must be a number, got ${String(normType)}`);
  const o = { ...(stride === null ? {} : { stride }), padding: 0, ceilMode };
  const xp = x.pow(normType);
  const avg = nd === 1 ? coreAvgPool1d(xp, kernelSize, o) : coreAvgPool2d(xp, kernelSize, o);
  // avgPool has checked kernelSize; the window's element count turns the mean back into a sum.
  const k = typeof kernelSize === 'number' ? kernelSize ** nd : kernelSize.reduce((a, b) => a * b, 1);
  // PyTorch's sign(out)·relu(|out|): a window whose power sum is 0 gets gradient 0, not NaN (relu's
  // backward masks the infinite gradient of pow(1/p) at 0). sign's gradient is 0 anyway; detached, its
  // VJP never forms inf·0.
  return avg.sign().detach().mul(avg.abs().relu()).mul(k).pow(1 / normType);
}

/**
 * Power-average pooling over the last dim of [N, C, L] or [C, L]: (Σ_window x^p)^(1/p), PyTorch's
 * `F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`.
 * @example
 * F.lpPool1d(x, 2, 3, 2) // or F.lpPool1d(x, 2, 3, { stride: 2 })
 */
export function lpPool1d(x: Tensor, normType: number, kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, ceilMode: boolean], LPPoolOptions>): Tensor {
  return lpPool('lpPool1d', 1, x, normType, kernelSize, args);
}

/**
 * Power-average pooling over the last two dims of [N, C, H, W] or [C, H, W]: (Σ_window x^p)^(1/p),
 * PyTorch's `F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False)`.
 * @example
 * F.lpPool2d(x, 1.5, [3, 2], { stride: [2, 1] })
 */
export function lpPool2d(x: Tensor, normType: number, kernelSize: PoolSize, ...args: PositionalArgs<[], [stride: PoolSize | null, ceilMode: boolean], LPPoolOptions>): Tensor {
  return lpPool('lpPool2d', 2, x, normType, kernelSize, args);
}
