/** torch.lerp: linear interpolation with torch's two-branch formula, so float32 and float64 values match torch's bits. */
import { Tensor } from '../tensor';
import { isFloating } from '../dtype';
import { noGrad } from '../autograd/grad-mode';
import { record } from '../autograd/tape';
import { broadcastShapes } from '../shape';
import { where } from './indexing';
import { sumTo } from './reduce';

/**
 * `lerp(input, end, weight)`: `input + weight·(end − input)`, computed as torch does — that form for
 * |weight| < 0.5 and `end − (end − input)·(1 − weight)` otherwise (exact at weight 1) — so the values are
 * torch's bit for bit. All three broadcast; `end` (and a tensor `weight`) must have input's dtype, which
 * must be floating. The gradients are torch's: `g·(1 − w)`, `g·w` and `g·(end − input)`.
 * @example lerp(tensor([0, 10]), tensor([10, 20]), 0.25); // [2.5, 12.5]
 */
export function lerp(input: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`lerp: input must be a Tensor, got ${typeof input}`);
  if (!(end instanceof Tensor)) throw new TypeError(`lerp: end must be a Tensor, got ${typeof end}`);
  if (!isFloating(input.dtype)) throw new TypeError(`lerp: expected a floating point input (float32 or float64), got ${input.dtype}`);
  if (end.dtype !== input.dtype) throw new TypeError(`lerp: expected dtype ${input.dtype} for end but got dtype ${end.dtype}`);
  const w = weight;
  if (w instanceof Tensor) {
    if (w.dtype !== input.dtype) throw new TypeError(`lerp: expected dtype ${input.dtype} for weight but got dtype ${w.dtype}`);
    broadcastShapes(broadcastShapes(input._shape, end._shape, 'lerp'), w._shape, 'lerp');
  } else {
    if (typeof w !== 'number') throw new TypeError(`lerp: weight must be a Tensor or a number, got ${typeof w}`);
    broadcastShapes(input._shape, end._shape, 'lerp');
  }
  // torch converts a number weight to the tensor's dtype first and computes in it (float32 rounding per op).
  const f32 = input.dtype === 'float32';
  const out = noGrad(() => {
    const diff = end.sub(input);
    if (w instanceof Tensor) {
      const lo = input.add(diff.mul(w));
      const hi = end.sub(diff.mul(w.neg().add(1)));
      return where(w.abs().lt(0.5), lo, hi);
    }
    const wv = f32 ? Math.fround(w) : w;
    return Math.abs(wv) < 0.5 ? input.add(diff.mul(wv)) : end.sub(diff.mul(f32 ? Math.fround(1 - wv) : 1 - wv));
  });
  const inputs = w instanceof Tensor ? [input, end, w] : [input, end];
  return record('lerp', inputs, out, (g) => {
    const wt = w instanceof Tensor ? w : null;
    return [
      input.requiresGrad ? sumTo(wt ? g.mul(wt.neg().add(1)) : g.mul(1 - (w as number)), input._shape) : null,
      end.requiresGrad ? sumTo(g.mul(w), end._shape) : null,
      ...(wt ? [wt.requiresGrad ? sumTo(g.mul(end.sub(input)), wt._shape) : null] : []),
    ];
  }, inputs);
}
