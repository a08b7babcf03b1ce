/** dtype conversion (differentiable between float dtypes) and constant fills used by VJPs. */
import { Tensor } from '../tensor';
import { DType, allocate, checkDtype, isFloating } from '../dtype';
import { record } from '../autograd/tape';
import { runKernel } from '../compile/capture';
import * as WG from '../webgpu/ops'; // webgpu (issue 17)

export function cast(x: Tensor, dtype: DType): Tensor {
  checkDtype(dtype, 'to');
  if (x.dtype === dtype) return x;
  if (x._storage.gpu !== null) return isFloating(dtype) ? record('to', [x], WG.cast(x, dtype), (g) => [g.to(x.dtype)]) : WG.cast(x, dtype); // webgpu (issue 17)
  const out = allocate(dtype, x.numel());
  runKernel(() => {
    const src = x._contigData();
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
  }, out);
  const res = Tensor._fromData(out, x.shape, dtype);
  if (!isFloating(dtype)) return res;
  return record('to', [x], res, (g) => [g.to(x.dtype)]);
}

/** Zeros of `shape`, on the device of `like` when given (webgpu, issue 17). */
export function zerosOf(shape: number[], dtype: DType, like?: Tensor): Tensor {
  if (like !== undefined && like._storage.gpu !== null) return WG.full(shape, dtype, 0); // webgpu (issue 17)
  const d = allocate(dtype, shape.reduce((a, b) => a * b, 1));
  runKernel(() => d.fill(0), d); // a replay must start from zeros again if something adds into it
  return Tensor._fromData(d, shape.slice(), dtype);
}

export function onesOf(shape: number[], dtype: DType, like?: Tensor): Tensor {
  if (like !== undefined && like._storage.gpu !== null) return WG.full(shape, dtype, 1); // webgpu (issue 17)
  const d = allocate(dtype, shape.reduce((a, b) => a * b, 1));
  runKernel(() => d.fill(1), d);
  return Tensor._fromData(d, shape.slice(), dtype);
}
