/** F.linear, composed: y = x·Wᵀ + b (weight in PyTorch's [out, in] layout). */
import { Tensor } from '../tensor';
import { fmt } from '../shape';

export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D [out, in], got shape ${fmt(weight._shape)}`);
  const inF = weight._shape[1];
  if (x.ndim === 0 || x._shape[x.ndim - 1] !== inF) {
    throw new RangeError(`linear: input has shape ${fmt(x._shape)} but the weight ${fmt(weight._shape)} expects ${inF} input features in the last dim`);
  }
  const y = x.matmul(weight.t());
  if (!bias) return y;
  if (bias.ndim !== 1 || bias._shape[0] !== weight._shape[0]) throw new RangeError(`linear: bias must have shape [${weight._shape[0]}], got ${fmt(bias._shape)}`);
  return y.add(bias);
}
