/** torch.lerp: linear interpolation with torch's two-branch fused formula, so float32 and float64 values match torch's bits. */
import { Tensor } from '../tensor';
import { allocate, isFloating } from '../dtype';
import { noGrad } from '../autograd/grad-mode';
import { record } from '../autograd/tape';
import { broadcastShapes } from '../shape';
import { runKernel } from '../compile/capture';
import { where } from './indexing';
import { sumTo } from './reduce';
import { fma32, fma64 } from './fma';

/**
 * `lerp(input, end, weight)`: `input + weight·(end − input)`, computed as torch 1.13's CPU kernel (AVX2) does —
 * `fma(weight, end − input, input)` for weight < 0.5 (negative weights included: the vectorized kernel's test is
 * signed) and `fma(weight − 1, end − input, end)` otherwise (exact at weight 1), in the tensors' dtype — so the values are torch's bit for bit. (On webgpu tensors the same
 * formulas run unfused.) All three broadcast; `end` (and a tensor `weight`) must have input's dtype, which
 * must be floating. The gradients are torch's: `g·(1 − w)`, `g·w` and `g·(end − input)`.
 * @example lerp(tensor([0, 10]), tensor([10, 20]), 0.25); // [2.5, 12.5]
 */
export function lerp(input: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`lerp: input must be a Tensor, got ${typeof input}`);
  if (!(end instanceof Tensor)) throw new TypeError(`lerp: end must be a Tensor, got ${typeof end}`);
  if (!isFloating(input.dtype)) throw new TypeError(`lerp: expected a floating point input (float32 or float64), got ${input.dtype}`);
  if (end.dtype !== input.dtype) throw new TypeError(`lerp: expected dtype ${input.dtype} for end but got dtype ${end.dtype}`);
  const w = weight;
  let shape = broadcastShapes(input._shape, end._shape, 'lerp');
  if (w instanceof Tensor) {
    if (w.dtype !== input.dtype) throw new TypeError(`lerp: expected dtype ${input.dtype} for weight but got dtype ${w.dtype}`);
    shape = broadcastShapes(shape, w._shape, 'lerp');
  } else if (typeof w !== 'number') throw new TypeError(`lerp: weight must be a Tensor or a number, got ${typeof w}`);
  // torch converts a number weight to the tensor's dtype first and computes in it (float32 rounding per op).
  const f32 = input.dtype === 'float32';
  const gpu = input._storage.gpu !== null || end._storage.gpu !== null || (w instanceof Tensor && w._storage.gpu !== null);
  const out = gpu ? noGrad(() => lerpUnfused(input, end, w, f32)) : lerpCpu(input, end, w, shape, f32);
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

function lerpCpu(input: Tensor, end: Tensor, w: Tensor | number, shape: number[], f32: boolean): Tensor {
  const ea = input.expand(shape), eb = end.expand(shape), ew = w instanceof Tensor ? w.expand(shape) : null;
  const ws = typeof w === 'number' ? (f32 ? Math.fround(w) : w) : 0;
  const out = allocate(input.dtype, ea.numel());
  runKernel(() => {
    const a = ea._contigData(), b = eb._contigData(), wv = ew === null ? null : ew._contigData();
    const fma = f32 ? fma32 : fma64;
    for (let i = 0; i < out.length; i++) {
      const x = a[i], y = b[i], wi = wv === null ? ws : wv[i];
      const d = f32 ? Math.fround(y - x) : y - x;
      out[i] = wi < 0.5 ? fma(wi, d, x) : fma(f32 ? Math.fround(wi - 1) : wi - 1, d, y);
    }
  }, out);
  return Tensor._fromData(out, shape, input.dtype);
}

function lerpUnfused(input: Tensor, end: Tensor, w: Tensor | number, f32: boolean): Tensor {
  const diff = end.sub(input);
  if (w instanceof Tensor) return where(w.lt(0.5), input.add(diff.mul(w)), end.add(diff.mul(w.sub(1))));
  const wv = f32 ? Math.fround(w) : w;
  return wv < 0.5 ? input.add(diff.mul(wv)) : end.add(diff.mul(f32 ? Math.fround(wv - 1) : wv - 1));
}
