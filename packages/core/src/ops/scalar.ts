/** Turning JS numbers and booleans into tensors where an op meets them. */
import { Tensor, TensorLike } from '../tensor';
import { DType, allocate, scalarDtype } from '../dtype';

/** A 0-d tensor holding `v` in `dtype`. */
export function scalarTensor(v: number | boolean, dtype: DType): Tensor {
  const d = allocate(dtype, 1);
  d[0] = Number(v);
  return Tensor._fromData(d, [], dtype);
}

export interface Operand {
  t: Tensor;
  /** A 0-d tensor or plain number: takes part in promotion as a scalar. */
  scalar: boolean;
  dtype: DType;
}

export function operand(x: TensorLike, op: string): Operand {
  if (x instanceof Tensor) return { t: x, scalar: x.ndim === 0, dtype: x.dtype };
  if (typeof x === 'number' || typeof x === 'boolean') {
    const dt = scalarDtype(x);
    return { t: scalarTensor(x, dt === 'float64' ? 'float64' : dt), scalar: true, dtype: dt };
  }
  throw new TypeError(`${op}: expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
}
