/**
 * Shared by the ops that work along one dim (scans, sorting): the input's values with that dim moved
 * last, one contiguous line per position of the other dims, and the way back to the input's layout.
 */
import { Tensor, stridedCopy } from '../tensor';
import { allocate, DType, TypedArray } from '../dtype';
import { groupsFor } from './kernels';

export interface Lines {
  /** Row-major values with dim `d` last: `outer` lines of `len` values. */
  data: TypedArray;
  outer: number;
  len: number;
}

export function linesOf(x: Tensor, d: number): Lines {
  if (x.ndim === 0) return { data: x._contigData(), outer: 1, len: 1 };
  const { data, outer, inner } = groupsFor(x, [d]);
  return { data, outer, len: inner };
}

/** A contiguous tensor of `shape` from lines laid out as linesOf(x, d) gives them (dim d last). */
export function fromLines(data: TypedArray, shape: readonly number[], d: number, dtype: DType): Tensor {
  const n = shape.length;
  if (n === 0 || d === n - 1) return Tensor._fromData(data, shape.slice(), dtype);
  const order = [...shape.map((_, i) => i).filter((i) => i !== d), d];
  const permShape = order.map((i) => shape[i]);
  const permStride = new Array<number>(n);
  let acc = 1;
  for (let k = n - 1; k >= 0; k--) { permStride[k] = acc; acc *= permShape[k]; }
  // The same values seen in the original dim order: stride of original dim order[k] is permStride[k].
  const stride = new Array<number>(n);
  order.forEach((i, k) => { stride[i] = permStride[k]; });
  const v = Tensor._fromData(data, permShape, dtype);
  const view = new Tensor(v._storage, shape.slice(), stride, 0, dtype);
  const out = allocate(dtype, data.length);
  stridedCopy(view, out);
  return Tensor._fromData(out, shape.slice(), dtype);
}

/** x with dim `d` moved to the end (a view), and the inverse. */
export function toLast(x: Tensor, d: number): Tensor {
  const p = x._shape.map((_, i) => i).filter((i) => i !== d);
  return x.permute([...p, d]);
}
export function fromLast(x: Tensor, d: number): Tensor {
  const n = x.ndim;
  const p: number[] = [];
  for (let i = 0, k = 0; i < n; i++) p.push(i === d ? n - 1 : k++);
  return x.permute(p);
}
