/**
 * Pooling and resampling in `nn.functional`: core's ops under PyTorch's `F.` names
 * (`F.maxPool2d` is `F.max_pool2d`, `F.interpolate`, `F.pixelShuffle`, ...), and F.lpPool1d/2d composed of them.
 */
import { Tensor, PoolSize, avgPool1d, avgPool2d } from '@tapegrad/core';
import { PositionalArgs, pos, positionalOptions } from '@tapegrad/core/internal';

export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  maxUnpool1d, maxUnpool2d, interpolate, pixelShuffle, pixelUnshuffle,
} from '@tapegrad/core';
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
  const avg = nd === 1 ? avgPool1d(xp, kernelSize, o) : avgPool2d(xp, kernelSize, o);
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
