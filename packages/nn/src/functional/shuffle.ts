/** F.channelShuffle (PyTorch's `F.channel_shuffle`), a reshape–transpose–reshape. */
import { Tensor } from '@tapegrad/core';

const shp = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * Splits dim 1's C channels into `groups` groups and interleaves them: [N, g·m, *] viewed as
 * [N, g, m, *], dims 1 and 2 swapped, flattened back (PyTorch's `F.channel_shuffle`; as PyTorch 1.13, dim 1
 * is the channel dim for any input of 3 or more dims). Differentiable here (PyTorch 1.13's is not).
 * @example
 * F.channelShuffle(arange(6).reshape([1, 6, 1]), 3) // channels [0, 2, 4, 1, 3, 5]
 */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`channelShuffle: expected a Tensor input, got ${x === null ? 'null' : typeof x}`);
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new RangeError(`channelShuffle: Number of groups to divide channels in must be a positive integer, got ${String(groups)}`);
  if (x.ndim < 3) throw new RangeError(`channelShuffle: expects input with > 2 dims, but got input with sizes ${shp(x.shape)}`);
  const [n, c, ...rest] = x.shape;
  if (c % groups !== 0) throw new RangeError(`channelShuffle: Number of channels must be divisible by groups. Got ${c} channels and ${groups} groups.`);
  return x.reshape([n, groups, c / groups, ...rest]).transpose(1, 2).reshape(x.shape);
}
