/** Affine maps: F.linear (from core) and F.bilinear. */
import { Tensor, linear as coreLinear } from '@tapegrad/core';
import { checkFloatInput } from '../check';
import { checkSameDtype } from '@tapegrad/core/internal';

const shp = (t: Tensor): string => `[${t.shape.join(', ')}]`;

/**
 * y = x·Wᵀ + b with weight [out, in] (PyTorch's layout); x is [..., in].
 * @example
 * F.linear(x, weight, bias) // x [N, 4], weight [3, 4], bias [3] -> [N, 3]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkFloatInput('linear', x);
  if (!(weight instanceof Tensor)) throw new TypeError('linear: expected a Tensor weight');
  return coreLinear(x, weight, bias);
}

/**
 * yₖ = x1ᵀ·Wₖ·x2 + bₖ with weight [out, in1, in2]; x1 [..., in1], x2 [..., in2] with the same leading dims.
 * @example
 * F.bilinear(x1, x2, weight, bias) // x1 [N, 3], x2 [N, 5], weight [2, 3, 5] -> [N, 2]
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkFloatInput('bilinear', x1);
  checkFloatInput('bilinear', x2);
  if (weight.ndim !== 3) throw new RangeError(`bilinear: weight must be 3-D [out, in1, in2], got shape ${shp(weight)}`);
  const [out, in1, in2] = weight.shape;
  if (x1.ndim === 0 || x1.shape[x1.ndim - 1] !== in1) {
    throw new RangeError(`bilinear: input1 has shape ${shp(x1)} but the weight ${shp(weight)} expects ${in1} features in its last dim`);
  }
  if (x2.ndim === 0 || x2.shape[x2.ndim - 1] !== in2) {
    throw new RangeError(`bilinear: input2 has shape ${shp(x2)} but the weight ${shp(weight)} expects ${in2} features in its last dim`);
  }
  const lead1 = x1.shape.slice(0, -1), lead2 = x2.shape.slice(0, -1);
  if (lead1.length !== lead2.length || lead1.some((s, i) => s !== lead2[i])) {
    throw new RangeError(`bilinear: input1 ${shp(x1)} and input2 ${shp(x2)} must have the same leading (batch) dims`);
  }
  // PyTorch refuses mixed float dtypes here ("expected scalar type Float but found Double").
  checkSameDtype('bilinear', ['input1', x1], ['input2', x2], ['weight', weight], ['bias', bias]);
  const a = x1.reshape([-1, in1]);
  const b = x2.reshape([-1, in2]);
  // (x1 · W viewed as [in1, out·in2]) then the contraction with x2 over in2.
  const w = weight.permute([1, 0, 2]).reshape([in1, out * in2]);
  let y = a.matmul(w).reshape([-1, out, in2]).mul(b.unsqueeze(1)).sum(-1);
  if (bias) {
    if (bias.ndim !== 1 || bias.shape[0] !== out) throw new RangeError(`bilinear: bias must have shape [${out}], got ${shp(bias)}`);
    y = y.add(bias);
  }
  return y.reshape([...lead1, out]);
}
