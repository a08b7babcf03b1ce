/**
 * Sorting along a dim: sort, argsort, topk, kthvalue. Indices are computed without the tape; values are
 * gathered at them, so every gradient is gather's (scatter back to the picked positions).
 * NaN sorts as the largest value, as in PyTorch. Where ties leave the order to the algorithm (sort
 * without `stable`, topk, kthvalue) the indices are those of PyTorch 1.13's CPU kernels (select-order.ts).
 */
import { Tensor } from '../tensor';
import { printedAs } from '../autograd/tape';
import { fmt, normDim } from '../shape';
import { linesOf, fromLines } from './along';
import { valuesIndices, type ValuesIndices } from './reduce';
import { PositionalArgs, pos, positionalOptions } from '../positional-args';
import { sortIndices } from '../webgpu/sort'; // webgpu (issue 17)
import { Pairs, nanFirst, nanLast, topkOrder } from './select-order';

export interface SortOptions {
  /** The dim to sort along (default -1). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /**
   * Keep the order of equal elements (default false: ties come out in the order of PyTorch's CPU
   * std::sort, which keeps them in index order only for lines of at most 16 elements).
   */
  stable?: boolean;
}

/** sort's and argsort's arguments after the input: PyTorch's positional ones (dim, descending), then optionally the options. */
export type SortArgs = PositionalArgs<[], [dim: number, descending: boolean], SortOptions>;
const SORT_PARAMS = [pos.number('dim'), pos.boolean('descending')];
const SORT_KEYS = ['dim', 'descending', 'stable'];

export interface TopkOptions {
  /** The dim to pick along (default -1). */
  dim?: number;
  /** The largest k (default true) or the smallest. */
  largest?: boolean;
  /** In sorted order (default true). */
  sorted?: boolean;
}
/** topk's arguments after k: PyTorch's positional ones (dim, largest, sorted), then optionally the options. */
export type TopkArgs = PositionalArgs<[], [dim: number, largest: boolean, sorted: boolean], TopkOptions>;

export interface KthvalueOptions {
  /** The dim to pick along (default -1). */
  dim?: number;
  /** Keep the reduced dim with size 1 (default false). */
  keepdim?: boolean;
}
/** kthvalue's arguments after k: PyTorch's positional ones (dim, keepdim), then optionally the options. */
export type KthvalueArgs = PositionalArgs<[], [dim: number, keepdim: boolean], KthvalueOptions>;

/** How the positions of a line are chosen: PyTorch's sort, topk or kthvalue. */
type Order =
  | { kind: 'sort'; descending: boolean; stable: boolean }
  | { kind: 'topk'; largest: boolean; k: number; sorted: boolean }
  | { kind: 'kthvalue'; k: number };

/**
 * Stable merge sort of the positions `ord[0..n)` by `v` (ascending, or descending), bottom-up with a
 * scratch buffer: plain comparisons, no comparator calls. Returns the buffer holding the result.
 */
function mergeSort(v: Float64Array, ord: Int32Array, tmp: Int32Array, n: number, descending: boolean): Int32Array {
  let src = ord, dst = tmp;
  for (let w = 1; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n), hi = Math.min(lo + 2 * w, n);
      let i = lo, j = mid, o = lo;
      if (descending) {
        while (i < mid && j < hi) dst[o++] = v[src[j]] > v[src[i]] ? src[j++] : src[i++];
      } else {
        while (i < mid && j < hi) dst[o++] = v[src[j]] < v[src[i]] ? src[j++] : src[i++];
      }
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}

/** The stable order of one line (NaNs set aside in index order: last, or first when descending). */
function stableOrder(v: Float64Array, ord: Int32Array, tmp: Int32Array, nans: Int32Array, len: number, descending: boolean, out: Int32Array, at: number): void {
  let n = 0, m = 0;
  for (let i = 0; i < len; i++) {
    if (v[i] !== v[i]) nans[m++] = i;
    else ord[n++] = i;
  }
  const sorted = mergeSort(v, ord, tmp, n, descending);
  let p = at;
  if (descending) for (let i = 0; i < m; i++) out[p++] = nans[i];
  for (let i = 0; i < n; i++) out[p++] = sorted[i];
  if (!descending) for (let i = 0; i < m; i++) out[p++] = nans[i];
}

/** The int32 positions (dim d last, as linesOf) that `order` picks in each line, and how many per line. */
function orderIndices(x: Tensor, d: number, order: Order): { idx: Int32Array; len: number; outer: number } {
  const { data, outer, len } = linesOf(x, d);
  const k = order.kind === 'sort' ? len : order.kind === 'topk' ? order.k : 1;
  const idx = new Int32Array(outer * k);
  const v = new Float64Array(len), ix = new Int32Array(len);
  const stable = order.kind === 'sort' && order.stable;
  const scratch = stable ? [new Int32Array(len), new Int32Array(len), new Int32Array(len)] : [];
  const less = order.kind === 'sort' ? (order.descending ? nanFirst : nanLast) : order.kind === 'topk' && order.largest ? nanFirst : nanLast;
  const pairs = new Pairs(v, ix, less);
  for (let o = 0; o < outer; o++) {
    const b = o * len;
    for (let i = 0; i < len; i++) { v[i] = data[b + i]; ix[i] = i; }
    if (order.kind === 'sort') {
      if (stable) {
        const [ord, tmp, nans] = scratch;
        stableOrder(v, ord, tmp, nans, len, order.descending, idx, o * k);
      } else {
        pairs.sort(0, len);
        idx.set(ix, o * k);
      }
    } else if (order.kind === 'topk') {
      topkOrder(pairs, k, len, order.sorted);
      idx.set(ix.subarray(0, k), o * k);
    } else {
      pairs.quickSelect(order.k - 1, len);
      idx[o] = ix[order.k - 1];
    }
  }
  return { idx, len: k, outer };
}

/** The int32 indices `order` picks along d: all of them (sort), k (topk) or the k-th (kthvalue, size 1 along d). */
function indicesTensor(x: Tensor, d: number, order: Order, op: string): Tensor {
  if (x._storage.gpu !== null) { // webgpu (issue 17): a bitonic sort; ties may come out in another order
    const len = x.ndim === 0 ? 1 : x._shape[d];
    if (order.kind === 'sort') return sortIndices(op, x, d, order.descending, len);
    if (order.kind === 'topk') return sortIndices(op, x, d, order.largest, order.k);
    const first = sortIndices(op, x, d, false, order.k);
    return x.ndim === 0 ? first : first.narrow(d, order.k - 1, 1).contiguous();
  }
  const { idx, len } = orderIndices(x, d, order);
  if (x.ndim === 0) return Tensor._fromData(idx, [], 'int32');
  const shape = x.shape;
  shape[d] = len;
  return fromLines(idx, shape, d, 'int32');
}

/**
 * Sorts along `dim` (default the last): `{ values, indices }` as torch.sort, indices int32. Takes
 * PyTorch's positional arguments, an options object of its keyword ones, or both.
 * @example
 * const { values, indices } = sort(tensor([3, 1, 2], { dtype: 'float32' }));
 * // values: [1, 2, 3], indices: [1, 2, 0]
 * sort(x, 0, true, { stable: true }); sort(x, { dim: 0, descending: true, stable: true }); // the same
 */
export function sort(x: Tensor, ...args: SortArgs): ValuesIndices {
  if (!(x instanceof Tensor)) throw new TypeError('sort: expected a Tensor');
  const { dim = -1, descending = false, stable = false } = positionalOptions<SortOptions>('sort', args, SORT_PARAMS, SORT_KEYS);
  const d = normDim(dim, x.ndim, 'sort');
  const indices = indicesTensor(x, d, { kind: 'sort', descending, stable }, 'sort');
  const values = printedAs(x.ndim === 0 ? x.clone() : x.gather(d, indices), 'SortBackward0', x);
  return valuesIndices(values, indices);
}

/**
 * The int32 indices that sort `x` along `dim` (torch.argsort).
 * @example
 * argsort(tensor([3, 1, 2], { dtype: 'float32' }), -1, true); // tensor([0, 2, 1], dtype=int32)
 */
export function argsort(x: Tensor, ...args: SortArgs): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('argsort: expected a Tensor');
  const { dim = -1, descending = false, stable = false } = positionalOptions<SortOptions>('argsort', args, SORT_PARAMS, SORT_KEYS);
  const d = normDim(dim, x.ndim, 'argsort');
  return indicesTensor(x, d, { kind: 'sort', descending, stable }, 'argsort');
}

/**
 * The `k` largest (or smallest, `largest = false`) elements along `dim`: `{ values, indices }`, in
 * sorted order; with `sorted` false in the order PyTorch's CPU kernel leaves them (documented as unspecified).
 * @example
 * topk(tensor([1, 5, 3, 4], { dtype: 'float32' }), 2).values; // tensor([5., 4.])
 * topk(x, 2, { largest: false }); // topk(x, 2, -1, false)
 */
export function topk(x: Tensor, k: number, ...args: TopkArgs): ValuesIndices {
  if (!(x instanceof Tensor)) throw new TypeError('topk: expected a Tensor');
  if (typeof k !== 'number') throw new TypeError(`topk: k must be an integer, got ${typeof k === 'string' ? `the string '${k}'` : typeof k}`);
  const { dim = -1, largest = true, sorted = true } = positionalOptions<TopkOptions>('topk', args, [pos.number('dim'), pos.boolean('largest'), pos.boolean('sorted')], undefined, 2);
  const d = normDim(dim, x.ndim, 'topk');
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new RangeError(`topk: k (${k}) is out of range for dim ${d} of size ${size} (shape ${fmt(x._shape)}); expected 0 <= k <= ${size}`);
  }
  if (x.ndim === 0 && k === 0) return valuesIndices(x.reshape([1]).narrow(0, 0, 0), Tensor._fromData(new Int32Array(0), [0], 'int32'));
  const indices = indicesTensor(x, d, { kind: 'topk', largest, k, sorted }, 'topk');
  const values = printedAs(x.ndim === 0 ? x.clone() : x.gather(d, indices), 'TopkBackward0', x);
  return valuesIndices(values, indices);
}

/**
 * The k-th smallest element (k from 1) along `dim` and its index: `{ values, indices }` (torch.kthvalue).
 * @example
 * kthvalue(tensor([4, 1, 3], { dtype: 'float32' }), 2).values; // tensor(3.)
 * kthvalue(x, 2, { dim: 0, keepdim: true }); // kthvalue(x, 2, 0, true)
 */
export function kthvalue(x: Tensor, k: number, ...args: KthvalueArgs): ValuesIndices {
  if (!(x instanceof Tensor)) throw new TypeError('kthvalue: expected a Tensor');
  if (typeof k !== 'number') throw new TypeError(`kthvalue: k must be an integer, got ${typeof k === 'string' ? `the string '${k}'` : typeof k}`);
  const { dim = -1, keepdim = false } = positionalOptions<KthvalueOptions>('kthvalue', args, [pos.number('dim'), pos.boolean('keepdim')], undefined, 2);
  const d = normDim(dim, x.ndim, 'kthvalue');
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (!Number.isInteger(k) || k < 1 || k > size) {
    throw new RangeError(`kthvalue: k (${k}) is out of range for dim ${d} of size ${size} (shape ${fmt(x._shape)}); expected 1 <= k <= ${size}`);
  }
  if (x.ndim === 0) return valuesIndices(x.clone(), Tensor._fromData(new Int32Array(1), [], 'int32'));
  const idx = indicesTensor(x, d, { kind: 'kthvalue', k }, 'kthvalue');
  const values = x.gather(d, idx);
  return keepdim ? valuesIndices(values, idx) : valuesIndices(values.squeeze(d), idx.squeeze(d));
}
