/**
 * Writes at index positions, as torch: indexFill, indexCopy, indexPut, maskedScatter, take, put and
 * fillDiagonal_. Each is a composition of where / scatter / indexAdd / gather on reshaped views, so the
 * gradients (and second derivatives) come from those ops' VJPs. Index tensors are int32 (tapegrad's index dtype).
 */
import { Tensor } from '../tensor';
import { allocate, checkInt32 } from '../dtype';
import { broadcastShapes, fmt, normDim, numelOf, contiguousStrides } from '../shape';
import { runKernel } from '../compile/capture';
import { checkOptions } from '../options';
import { checkIndex, where, scatter, indexAdd, nonzeroTuple } from './indexing';
import { inplace } from './inplace';
import { scalarTensor } from './scalar';

function checkSelf(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

function checkSameDtype(op: string, x: Tensor, src: Tensor, what: string): void {
  if (!(src instanceof Tensor)) throw new TypeError(`${op}: ${what} must be a Tensor, got ${typeof src}`);
  if (src.dtype !== x.dtype) throw new TypeError(`${op}: self and ${what} expected to have the same dtype, but got (self) ${x.dtype} and (${what}) ${src.dtype}; cast one with .to()`);
}

function checkVectorIndex(op: string, index: Tensor): void {
  checkIndex(op, index);
  if (index.ndim > 1) throw new RangeError(`${op}: index must be a vector or a scalar (0-d or 1-D), got shape ${fmt(index._shape)}`);
}

/**
 * The index values as an Int32Array with negatives wrapped (when `wrap`) and every one checked in [0, size);
 * torch's IndexError text, naming the op.
 */
function indexValues(op: string, index: Tensor, size: number, wrap: boolean, what: string): Int32Array {
  const src = index._contigData();
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    let j = src[i];
    if (wrap && j < 0) j += size;
    if (j < 0 || j >= size) {
      throw new RangeError(`${op}: index ${src[i]} is out of bounds for ${what} with size ${size} (expected an index in [${wrap ? -size : 0}, ${size - 1}])`);
    }
    out[i] = j;
  }
  return out;
}

const int32 = (v: Int32Array, shape: number[]): Tensor => Tensor._fromData(v, shape, 'int32');

/**
 * torch's `index_fill`: x with `value` in the slices at `index` along `dim` (index 0-d or 1-D, negative
 * indices count from the end). `value` is a number or a 0-d tensor (which then gets the gradient summed
 * over the filled positions).
 * @example indexFill(zeros([2, 3]), 1, tensor([0, -1], { dtype: 'int32' }), 5); // [[5, 0, 5], [5, 0, 5]]
 */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | boolean | Tensor): Tensor {
  checkSelf('indexFill', x);
  checkVectorIndex('indexFill', index);
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new RangeError(`indexFill: only supports a 0-dimensional value tensor, but got a tensor of shape ${fmt(value._shape)}`);
  } else if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`indexFill: value must be a number or a 0-d Tensor, got ${typeof value}`);
  else if (x.dtype === 'int32' && typeof value === 'number') checkInt32(value, 'indexFill');
  const d = normDim(dim, x.ndim, 'indexFill');
  const size = x.ndim === 0 ? 1 : x._shape[d];
  const mask = allocate('bool', size);
  runKernel(() => {
    mask.fill(0);
    for (const j of indexValues('indexFill', index, size, true, `dimension ${d}`)) mask[j] = 1;
  }, mask);
  const m = Tensor._fromData(mask, x.ndim === 0 ? [] : x._shape.map((s, k) => (k === d ? s : 1)), 'bool');
  return where(m, value, x).to(x.dtype);
}

/**
 * torch's `index_copy`: x with `source`'s slices written at the 1-D `index` positions along `dim`
 * (indices in [0, size); with a repeated index the last slice wins, which torch leaves unspecified).
 * @example indexCopy(zeros([3, 2]), 0, tensor([2, 0], { dtype: 'int32' }), tensor([[1, 2], [3, 4]])); // [[3, 4], [0, 0], [1, 2]]
 */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkSelf('indexCopy', x);
  checkVectorIndex('indexCopy', index);
  checkSameDtype('indexCopy', x, source, 'source');
  const d = normDim(dim, x.ndim, 'indexCopy');
  const n = index.numel();
  const srcLen = source.ndim === 0 ? 1 : source._shape[d] ?? -1;
  if (source.ndim > 0 && source.ndim !== x.ndim) throw new RangeError(`indexCopy: source shape ${fmt(source._shape)} must have the rank of self ${fmt(x._shape)} (or be 0-d for a 0-d or 1-D self)`);
  if (srcLen !== n) throw new RangeError(`indexCopy: number of indices (${n}) should be equal to source.size(dim) (${srcLen}) for source shape ${fmt(source._shape)} along dim ${d}`);
  if (x.ndim > 0 && source.ndim > 0 && source._shape.some((s, k) => k !== d && s !== x._shape[k])) {
    throw new RangeError(`indexCopy: source and self must have the same slice shapes: source ${fmt(source._shape)}, self ${fmt(x._shape)}, dim ${d}`);
  }
  const size = x.ndim === 0 ? 1 : x._shape[d];
  const x1 = x.ndim === 0 ? x.reshape([1]) : x;
  const s1 = source.ndim === 0 ? source.reshape([1]) : source;
  const idx = allocate('int32', n) as Int32Array;
  runKernel(() => idx.set(indexValues('indexCopy', index, size, false, `dimension ${d}`)), idx);
  const full = int32(idx, s1._shape.map((_, k) => (k === d ? n : 1))).expand(s1._shape).contiguous();
  const out = scatter(x1, d, full, s1);
  return x.ndim === 0 ? out.reshape([]) : out;
}

/** `accumulate` positionally (torch's `index_put(indices, values, accumulate)`) or as `{ accumulate }`. */
export type AccumulateArg = boolean | { accumulate?: boolean };
function accumulateOf(op: string, a: AccumulateArg | undefined): boolean {
  if (typeof a === 'boolean') return a;
  const { accumulate = false } = checkOptions(op, a, ['accumulate']);
  if (typeof accumulate !== 'boolean') throw new TypeError(`${op}: accumulate must be a boolean, got ${typeof accumulate}`);
  return accumulate;
}

/**
 * torch's `index_put` (`x[indices] = values`, `x.index_put_((i, j), v, accumulate)`): a list of int32 index
 * tensors (broadcast together; negative indices count from the end) or bool masks for the leading dims;
 * `values` broadcasts to the indexed result. With `accumulate` repeated positions sum, otherwise the
 * last write wins (torch leaves that unspecified).
 * @example indexPut(zeros([3]), [tensor([0, 0, 2], { dtype: 'int32' })], tensor([1, 2, 3]), true); // [3, 0, 3]
 */
export function indexPut(x: Tensor, indices: readonly Tensor[], values: Tensor | number, accumulate?: AccumulateArg): Tensor {
  checkSelf('indexPut', x);
  const acc = accumulateOf('indexPut', accumulate);
  if (!Array.isArray(indices)) throw new TypeError('indexPut: indices must be an array of Tensors (torch\'s tuple of index tensors)');
  // A bool mask over k dims stands for its k nonzero() index tensors, as in torch's advanced indexing.
  const ints: Tensor[] = [];
  for (const t of indices) {
    if (!(t instanceof Tensor)) throw new TypeError(`indexPut: every index must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    if (t.dtype === 'bool') {
      const at = ints.length;
      if (at + t.ndim > x.ndim || t._shape.some((s, k) => s !== x._shape[at + k])) {
        throw new RangeError(`indexPut: the shape of the mask ${fmt(t._shape)} at index ${at} does not match the shape of the indexed tensor ${fmt(x._shape)}`);
      }
      if (t.ndim === 0) throw new RangeError('indexPut: a 0-d bool mask is not supported; index with a mask of the tensor\'s leading shape');
      ints.push(...nonzeroTuple(t));
    } else {
      checkIndex('indexPut', t);
      ints.push(t);
    }
  }
  if (ints.length > x.ndim) throw new RangeError(`indexPut: too many indices for tensor of dimension ${x.ndim} (got ${ints.length})`);
  if (ints.length === 0) throw new RangeError('indexPut: expected at least one index tensor');
  let bshape: number[] = [];
  for (const t of ints) bshape = broadcastShapes(bshape, t._shape, 'indexPut');
  const k = ints.length;
  const lead = x._shape.slice(0, k), rest = x._shape.slice(k);
  const st = contiguousStrides(lead);
  const m = numelOf(bshape);
  const lin = allocate('int32', m) as Int32Array;
  const expanded = ints.map((t) => t.expand(bshape));
  runKernel(() => {
    lin.fill(0);
    expanded.forEach((t, d) => {
      const v = indexValues('indexPut', t, lead[d], true, `dimension ${d}`);
      for (let i = 0; i < m; i++) lin[i] += v[i] * st[d];
    });
  }, lin);
  let vals: Tensor;
  if (values instanceof Tensor) {
    if (values.dtype !== x.dtype) throw new TypeError(`indexPut: index put requires the source and destination dtypes match, got ${x.dtype} for the destination and ${values.dtype} for the source`);
    vals = values;
  } else {
    if (typeof values !== 'number') throw new TypeError(`indexPut: values must be a Tensor or a number, got ${typeof values}`);
    if (x.dtype === 'int32') checkInt32(values, 'indexPut');
    vals = scalarTensor(values, x.dtype);
  }
  const want = [...bshape, ...rest];
  if (vals.ndim > want.length || vals._shape.some((s, i) => s !== 1 && s !== want[want.length - vals.ndim + i])) {
    throw new RangeError(`indexPut: shape mismatch: value tensor of shape ${fmt(vals._shape)} cannot be broadcast to indexing result of shape ${fmt(want)}`);
  }
  const flat = x.reshape([numelOf(lead), ...rest]);
  const v2 = vals.expand(want).reshape([m, ...rest]);
  const li = int32(lin, [m]);
  const out = acc ? indexAdd(flat, 0, li, v2) : indexCopy(flat, 0, li, v2);
  return out.reshape(x._shape);
}

/**
 * torch's `masked_scatter`: x with the positions where `mask` (bool, broadcasting with x) is true taken,
 * in row-major order, from the first elements of `source`.
 * @example maskedScatter(zeros([3]), tensor([true, false, true]), tensor([7, 8, 9])); // [7, 0, 8]
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkSelf('maskedScatter', x);
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new TypeError(`maskedScatter: mask must be a bool tensor, got ${mask instanceof Tensor ? mask.dtype : typeof mask}`);
  checkSameDtype('maskedScatter', x, source, 'source');
  const shape = broadcastShapes(x._shape, mask._shape, 'maskedScatter');
  const mv = mask.expand(shape).contiguous()._contigData();
  const pos: number[] = [];
  for (let i = 0; i < mv.length; i++) if (mv[i]) pos.push(i);
  if (source.numel() < pos.length) throw new RangeError(`maskedScatter: number of elements of source (${source.numel()}, shape ${fmt(source._shape)}) < number of ones in mask (${pos.length})`);
  const flat = x.expand(shape).reshape([-1]);
  const src = source.reshape([-1]).narrow(0, 0, pos.length);
  return scatter(flat, 0, int32(Int32Array.from(pos), [pos.length]), src).reshape(shape);
}

/**
 * torch's `take`: the elements of x, viewed as 1-D, at `index` (any shape; negative indices count from the end).
 * @example take(tensor([[1, 2], [3, 4]]), tensor([[0, -1]], { dtype: 'int32' })); // [[1, 4]]
 */
export function take(x: Tensor, index: Tensor): Tensor {
  checkSelf('take', x);
  checkIndex('take', index);
  const n = x.numel();
  const idx = allocate('int32', index.numel()) as Int32Array;
  runKernel(() => idx.set(indexValues('take', index, n, true, `a tensor of ${n} elements (shape ${fmt(x._shape)})`)), idx);
  return x.reshape([-1]).gather(0, int32(idx, [idx.length])).reshape(index._shape);
}

/**
 * torch's `put`: x, viewed as 1-D, with `source`'s elements written at `index` (same number of elements;
 * negative indices count from the end); with `accumulate` repeated positions sum.
 * @example put(zeros([2, 2]), tensor([0, -1], { dtype: 'int32' }), tensor([5, 6])); // [[5, 0], [0, 6]]
 */
export function put(x: Tensor, index: Tensor, source: Tensor, accumulate?: AccumulateArg): Tensor {
  checkSelf('put', x);
  const acc = accumulateOf('put', accumulate);
  checkIndex('put', index);
  checkSameDtype('put', x, source, 'source');
  if (source.numel() !== index.numel()) {
    throw new RangeError(`put: expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`);
  }
  const n = x.numel();
  const idx = allocate('int32', index.numel()) as Int32Array;
  runKernel(() => idx.set(indexValues('put', index, n, true, `a tensor of ${n} elements (shape ${fmt(x._shape)})`)), idx);
  const li = int32(idx, [idx.length]);
  const flat = x.reshape([-1]), src = source.reshape([-1]);
  return (acc ? indexAdd(flat, 0, li, src) : indexCopy(flat, 0, li, src)).reshape(x._shape);
}

/**
 * torch's `fill_diagonal_`: writes `fillValue` on the main diagonal (all dims equal when more than 2),
 * in place; with `wrap` a tall matrix's diagonal restarts every `ncols + 1` rows, as numpy's fill_diagonal.
 * (The positions are the logical ones; torch's wrap on a non-contiguous tensor follows its strides.)
 * @example zeros([3, 3]).fillDiagonal_(1); // the identity
 */
export function fillDiagonal_<T extends Tensor>(t: T, fillValue: number | boolean, wrap?: boolean | { wrap?: boolean }): T {
  checkSelf('fillDiagonal_', t);
  let w: boolean;
  if (typeof wrap === 'boolean') w = wrap;
  else ({ wrap: w = false } = checkOptions('fillDiagonal_', wrap, ['wrap']));
  if (typeof fillValue !== 'number' && typeof fillValue !== 'boolean') throw new TypeError(`fillDiagonal_: fillValue must be a number, got ${typeof fillValue}`);
  if (t.ndim < 2) throw new RangeError(`fillDiagonal_: dimensions must be larger than 1, got a tensor of shape ${fmt(t._shape)}`);
  const sh = t._shape;
  if (t.ndim > 2 && sh.some((s) => s !== sh[0])) throw new RangeError(`fillDiagonal_: all dimensions of input must be of equal length, got shape ${fmt(sh)}`);
  const h = sh[0], wd = sh[1];
  const size = Math.min(h, wd);
  const step = contiguousStrides(sh).reduce((a, b) => a + b, 0);
  const pos: number[] = [];
  for (let i = 0; i < size; i++) pos.push(i * step);
  if (w && t.ndim === 2 && h > wd + 1) {
    const n = t.numel(), s = wd + 1;
    for (let i = size; i < Math.ceil(n / s); i++) pos.push(i * s);
  }
  const value = typeof fillValue === 'boolean' ? Number(fillValue) : fillValue;
  if (t.dtype === 'int32') checkInt32(value, 'fillDiagonal_');
  const index = int32(Int32Array.from(pos), [pos.length]);
  return inplace(t, 'fillDiagonal_', (old) => scatter(old.reshape([-1]), 0, index, value).reshape(sh));
}

// In-place forms (each the out-of-place op written into the tensor through ops/inplace.ts)
export const indexFill_ = <T extends Tensor>(t: T, dim: number, index: Tensor, value: number | boolean | Tensor): T => inplace(t, 'indexFill_', (o) => indexFill(o, dim, index, value));
export const indexCopy_ = <T extends Tensor>(t: T, dim: number, index: Tensor, source: Tensor): T => inplace(t, 'indexCopy_', (o) => indexCopy(o, dim, index, source));
export const indexPut_ = <T extends Tensor>(t: T, indices: readonly Tensor[], values: Tensor | number, accumulate?: AccumulateArg): T => inplace(t, 'indexPut_', (o) => indexPut(o, indices, values, accumulate));
export const maskedScatter_ = <T extends Tensor>(t: T, mask: Tensor, source: Tensor): T => inplace(t, 'maskedScatter_', (o) => maskedScatter(o, mask, source));
export const put_ = <T extends Tensor>(t: T, index: Tensor, source: Tensor, accumulate?: AccumulateArg): T => inplace(t, 'put_', (o) => put(o, index, source, accumulate));
