/** F.dropout: inverted dropout, seeded through core's generators. */
import { Tensor, Generator, rand, isFloating } from '@tapegrad/core';
import { checkOptions, isOptionsObject } from '../check';

/**
 * During training, zeroes each element with probability `p` and scales the rest by 1/(1 − p), so the
 * expected value is unchanged; returns `x` itself when not training or when p = 0.
 * The mask comes from `generator` (or the global generator; seed it with `manualSeed`).
 * @example
 * F.dropout(x, 0.5, model.training) // or F.dropout(x, { p: 0.5, training: model.training })
 */
export function dropout(
  x: Tensor,
  p: number | { p?: number; training?: boolean; generator?: Generator } = 0.5,
  training = true,
  { generator }: { generator?: Generator } = {},
): Tensor {
  // PyTorch's keywords as options: F.dropout(x, { p: 0.2, training: model.training }).
  if (isOptionsObject(p)) ({ p = 0.5, training = true, generator } = checkOptions('dropout', p, ['p', 'training', 'generator']));
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: dropout probability has to be between 0 and 1, but got ${p}`);
  }
  if (!(x instanceof Tensor)) throw new TypeError('dropout: expected a Tensor input');
  if (!training || p === 0) return x;
  if (!isFloating(x.dtype)) throw new TypeError(`dropout: expected a floating point tensor, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, { generator, dtype: x.dtype }).ge(p);
  return x.mul(keep.to(x.dtype).mul(1 / (1 - p)));
}
