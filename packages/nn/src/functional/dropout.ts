/** F.dropout: inverted dropout, seeded through core's generators. */
import { Tensor, Generator, isFloating, tensor, zeros } from '@tapegrad/core';
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
  return x.mul(dropoutNoise(x.shape, p, x, generator));
}

/**
 * ATen's `_dropout_impl` noise: `bernoulli_(1 - p)` (one 53-bit uniform per element, in memory order), then
 * `div_(1 - p)` in the input's dtype (so float32 keeps 1 / float32(1 − p), as torch does): with the same
 * seed, the same mask and the same values as torch.
 */
function dropoutNoise(shape: readonly number[], p: number, x: Tensor, generator: Generator | undefined): Tensor {
  return keepMask(shape, p, x, generator).div(tensor(1 - p, { dtype: x.dtype })).to(x.device);
}

/** torch's dropout mask: `bernoulli_(1 - p)` in x's dtype (1 = kept), one 53-bit uniform per entry, drawn on the host. */
function keepMask(shape: readonly number[], p: number, x: Tensor, generator: Generator | undefined): Tensor {
  return zeros([...shape], { dtype: x.dtype }).bernoulli_(1 - p, { generator });
}

/** ATen's make_feature_noise shape: one entry per (dim 0, dim 1) pair, broadcast over the rest. */
const featureShape = (x: Tensor): number[] => x.shape.map((s, i) => (i < 2 ? s : 1));

/** Zeroes whole channels: one keep/drop draw per (dim 0, dim 1) entry, broadcast over the rest. */
function featureDropout(op: string, x: Tensor, p: number, training: boolean, generator: Generator | undefined): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input`);
  if (x.ndim < 2) throw new RangeError(`${op}: feature dropout needs at least 2 dims [N, C, *], got shape [${x.shape.join(', ')}]`);
  if (!training || p === 0) return x;
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  return x.mul(dropoutNoise(featureShape(x), p, x, generator));
}

type DropoutArgs = number | { p?: number; training?: boolean; generator?: Generator };

/**
 * Channel dropout for [N, C, H, W] inputs (PyTorch 1.13's `F.dropout2d`): each channel of each sample
 * is zeroed with probability p, the rest scaled by 1/(1 − p). As PyTorch 1.13, a 3-D input is read as
 * [N, C, L] (1-D channel dropout), not as an unbatched [C, H, W].
 * @example
 * F.dropout2d(x, 0.2, model.training)
 */
export function dropout2d(x: Tensor, p: DropoutArgs = 0.5, training = true, { generator }: { generator?: Generator } = {}): Tensor {
  if (isOptionsObject(p)) ({ p = 0.5, training = true, generator } = checkOptions('dropout2d', p, ['p', 'training', 'generator']));
  return featureDropout('dropout2d', x, p, training, generator);
}

/**
 * Channel dropout for [N, C, L] or unbatched [C, L] inputs (PyTorch's `F.dropout1d`).
 * @example
 * F.dropout1d(x, 0.2, model.training)
 */
export function dropout1d(x: Tensor, p: DropoutArgs = 0.5, training = true, { generator }: { generator?: Generator } = {}): Tensor {
  if (isOptionsObject(p)) ({ p = 0.5, training = true, generator } = checkOptions('dropout1d', p, ['p', 'training', 'generator']));
  if (x instanceof Tensor && x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`dropout1d: expected a 2-D [C, L] or 3-D [N, C, L] input, got shape [${x.shape.join(', ')}]`);
  if (x instanceof Tensor && x.ndim === 2) return featureDropout('dropout1d', x.unsqueeze(0), p, training, generator).squeeze(0);
  return featureDropout('dropout1d', x, p, training, generator);
}

// more torch.nn modules (nnmore7)
/**
 * Channel dropout for [N, C, D, H, W] or unbatched [C, D, H, W] inputs (PyTorch's `F.dropout3d`). PyTorch
 * 1.13 only warns on other ranks (and reads them as unbatched); here they are an error.
 * @example
 * F.dropout3d(x, 0.2, model.training)
 */
export function dropout3d(x: Tensor, p: DropoutArgs = 0.5, training = true, { generator }: { generator?: Generator } = {}): Tensor {
  if (isOptionsObject(p)) ({ p = 0.5, training = true, generator } = checkOptions('dropout3d', p, ['p', 'training', 'generator']));
  if (x instanceof Tensor && x.ndim !== 4 && x.ndim !== 5) throw new RangeError(`dropout3d: expected a 4-D [C, D, H, W] or 5-D [N, C, D, H, W] input, got shape [${x.shape.join(', ')}]`);
  if (x instanceof Tensor && x.ndim === 4) return featureDropout('dropout3d', x.unsqueeze(0), p, training, generator).squeeze(0);
  return featureDropout('dropout3d', x, p, training, generator);
}

/** SELU's saturation value −λα, which alpha dropout sets dropped units to (PyTorch's constant). */
const SELU_ALPHA = 1.7580993408473766;

/**
 * Alpha dropout (PyTorch's _dropout_impl with alpha): dropped entries are set to −λα, then an affine map
 * a·x + b restores zero mean and unit variance. `maskShape`: the whole shape, or [N, C, 1, …] for the
 * feature form.
 */
function alphaDropoutImpl(op: string, x: Tensor, p: number, training: boolean, generator: Generator | undefined, feature: boolean): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor input`);
  if (feature && x.ndim < 2) throw new RangeError(`${op}: Feature dropout requires at least 2 dimensions in the input, got shape [${x.shape.join(', ')}]`);
  if (!training || p === 0 || x.numel() === 0) return x;
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating point tensor, got ${x.dtype}`);
  if (p === 1) return x.mul(0);
  const keep = keepMask(feature ? featureShape(x) : x.shape, p, x, generator).to(x.device);
  const a = 1 / Math.sqrt((SELU_ALPHA * SELU_ALPHA * p + 1) * (1 - p));
  const b = keep.sub(1).mul(SELU_ALPHA * a).add(SELU_ALPHA * a * p);
  return x.mul(keep.mul(a)).add(b);
}

/**
 * Alpha dropout for SELU networks (PyTorch's `F.alpha_dropout`; note its `training` default is false,
 * as PyTorch): in training each entry is dropped with probability p to SELU's saturation value and
 * the result is rescaled so the mean and variance of a standard input are kept.
 * @example
 * F.alphaDropout(x, 0.2, model.training)
 */
export function alphaDropout(x: Tensor, p: DropoutArgs = 0.5, training = false, { generator }: { generator?: Generator } = {}): Tensor {
  if (isOptionsObject(p)) ({ p = 0.5, training = false, generator } = checkOptions('alphaDropout', p, ['p', 'training', 'generator']));
  return alphaDropoutImpl('alphaDropout', x, p, training, generator, false);
}

/**
 * Alpha dropout of whole channels (one draw per (dim 0, dim 1) entry), PyTorch's `F.feature_alpha_dropout`
 * (`training` defaults to false, as PyTorch).
 * @example
 * F.featureAlphaDropout(x, 0.2, model.training)
 */
export function featureAlphaDropout(x: Tensor, p: DropoutArgs = 0.5, training = false, { generator }: { generator?: Generator } = {}): Tensor {
  if (isOptionsObject(p)) ({ p = 0.5, training = false, generator } = checkOptions('featureAlphaDropout', p, ['p', 'training', 'generator']));
  return alphaDropoutImpl('featureAlphaDropout', x, p, training, generator, true);
}
