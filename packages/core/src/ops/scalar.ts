/** Turning JS numbers and booleans into tensors where an op meets them. */
import { Tensor, TensorLike } from '../tensor';
import { DType, ScalarKind, allocate, checkInt32, scalarDtype } from '../dtype';
import { runKernel } from '../compile/capture';

/** A 0-d tensor holding `v` in `dtype`. */
export function scalarTensor(v: number | boolean, dtype: DType): Tensor {
  const d = allocate(dtype, 1);
  const value = Number(v);
  runKernel(() => { d[0] = value; }, d);
  return Tensor._fromData(d, [], dtype);
}

export interface Operand {
  t: Tensor;
  /** A 0-d tensor (true) or a plain number ('number') takes part in promotion at a lower priority. */
  scalar: ScalarKind;
  dtype: DType;
}

export function operand(x: TensorLike, op: string): Operand {
  if (x instanceof Tensor) return { t: x, scalar: x.ndim === 0, dtype: x.dtype };
  if (typeof x === 'number' || typeof x === 'boolean') {
    const dt = scalarDtype(x);
    // Integers outside int32's range still promote as integers but are held exactly in float64.
    const held = dt === 'int32' && ((x as number) > 2147483647 || (x as number) < -2147483648) ? 'float64' : dt;
    return { t: scalarTensor(x, held), scalar: 'number', dtype: dt };
  }
  throw new TypeError(`${op}: expected a Tensor or a number, got ${x === null ? 'null' : typeof x}`);
}

/**
 * An op whose result is int32 stores its plain-number operands as int32: refuse one that does not fit
 * (`int32 tensor + 3e9`) instead of wrapping around, as dtype.ts's checkInt32 rule says.
 */
export function checkNumbersFit(op: string, dtype: DType, ...xs: Operand[]): void {
  if (dtype !== 'int32') return;
  for (const o of xs) if (o.scalar === 'number') checkInt32(o.t._contigData()[0], op, 'number');
}
