/**
 * Sorting along a dim: sort, argsort, topk, kthvalue. Indices are computed without the tape; values are
 * gathered at them, so every gradient is gather's (scatter back to the picked positions).
 * NaN sorts as the largest value, as in PyTorch.
 */
import { Tensor } from '../tensor';
import { fmt, normDim } from '../shape';
import { linesOf, fromLines } from './along';
import type { ValuesIndices } from './reduce';
import { checkOptions } from '../options';
import { sortIndices } from '../webgpu/sort'; // webgpu (issue 17)

export interface SortOptions {
  /** Keep the order of equal elements (always true here: the sort is a stable merge sort either way). */
  stable?: boolean;
}

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

/** The int32 positions (dim d last, as linesOf) that order each line; `take` of them per line. */
function orderIndices(x: Tensor, d: number, descending: boolean, take?: number): { idx: Int32Array; len: number; outer: number } {
  const { data, outer, len } = linesOf(x, d);
  const k = take ?? len;
  const idx = new Int32Array(outer * k);
  const v = new Float64Array(len);
  const ord = new Int32Array(len), tmp = new Int32Array(len), nans = new Int32Array(len);
  for (let o = 0; o < outer; o++) {
    const b = o * len;
    // NaN counts as the largest value: NaNs are set aside (in index order) and put last, or first when descending.
    let n = 0, m = 0;
    for (let i = 0; i < len; i++) {
      const a = data[b + i];
      v[i] = a;
      if (a !== a) nans[m++] = i;
      else ord[n++] = i;
    }
    const sorted = mergeSort(v, ord, tmp, n, descending);
    const out = o * k;
    let p = 0;
    if (descending) for (let i = 0; i < m && p < k; i++) idx[out + p++] = nans[i];
    for (let i = 0; i < n && p < k; i++) idx[out + p++] = sorted[i];
    if (!descending) for (let i = 0; i < m && p < k; i++) idx[out + p++] = nans[i];
  }
  return { idx, len: k, outer };
}

function indicesTensor(x: Tensor, d: number, descending: boolean, take?: number, op = 'sort'): Tensor {
  if (x._storage.gpu !== null) return sortIndices(op, x, d, descending, take ?? (x.ndim === 0 ? 1 : x._shape[d])); // webgpu (issue 17)
  const { idx, len } = orderIndices(x, d, descending, take);
  if (x.ndim === 0) return Tensor._fromData(idx, [], 'int32');
  const shape = x.shape;
  shape[d] = len;
  return fromLines(idx, shape, d, 'int32');
}

/**
 * Sorts along `dim` (default the last): `{ values, indices }` as torch.sort, indices int32.
 * @example
 * const { values, indices } = sort(tensor([3, 1, 2], { dtype: 'float32' }));
 * // values: [1, 2, 3], indices: [1, 2, 0]
 */
export function sort(x: Tensor, dim = -1, descending = false, opts: SortOptions = {}): ValuesIndices {
  checkOptions('sort', opts, ['stable']);
  const indices = argsort(x, dim, descending, opts);
  const d = normDim(dim, x.ndim, 'sort');
  const values = x.ndim === 0 ? x.clone() : x.gather(d, indices);
  return { values, indices };
}

/**
 * The int32 indices that sort `x` along `dim` (torch.argsort).
 * @example
 * argsort(tensor([3, 1, 2], { dtype: 'float32' }), -1, true); // tensor([0, 2, 1], dtype=int32)
 */
export function argsort(x: Tensor, dim = -1, descending = false, opts: SortOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError('argsort: expected a Tensor');
  checkOptions('argsort', opts, ['stable']);
  const d = normDim(dim, x.ndim, 'argsort');
  return indicesTensor(x, d, descending, undefined, 'argsort');
}

/**
 * The `k` largest (or smallest, `largest = false`) elements along `dim`: `{ values, indices }`, in
 * sorted order (also when `sorted` is false, where PyTorch leaves the order unspecified).
 * @example
 * topk(tensor([1, 5, 3, 4], { dtype: 'float32' }), 2).values; // tensor([5., 4.])
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  if (!(x instanceof Tensor)) throw new TypeError('topk: expected a Tensor');
  void sorted;
  const d = normDim(dim, x.ndim, 'topk');
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new RangeError(`topk: k (${k}) is out of range for dim ${d} of size ${size} (shape ${fmt(x._shape)}); expected 0 <= k <= ${size}`);
  }
  if (x.ndim === 0 && k === 0) return { values: x.reshape([1]).narrow(0, 0, 0), indices: Tensor._fromData(new Int32Array(0), [0], 'int32') };
  const indices = indicesTensor(x, d, largest, k, 'topk');
  const values = x.ndim === 0 ? x.clone() : x.gather(d, indices);
  return { values, indices };
}

/**
 * The k-th smallest element (k from 1) along `dim` and its index: `{ values, indices }` (torch.kthvalue).
 * @example
 * kthvalue(tensor([4, 1, 3], { dtype: 'float32' }), 2).values; // tensor(3.)
 */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  if (!(x instanceof Tensor)) throw new TypeError('kthvalue: expected a Tensor');
  const d = normDim(dim, x.ndim, 'kthvalue');
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (!Number.isInteger(k) || k < 1 || k > size) {
    throw new RangeError(`kthvalue: k (${k}) is out of range for dim ${d} of size ${size} (shape ${fmt(x._shape)}); expected 1 <= k <= ${size}`);
  }
  if (x.ndim === 0) return { values: x.clone(), indices: Tensor._fromData(new Int32Array(1), [], 'int32') };
  const idx = indicesTensor(x, d, false, k, 'kthvalue').narrow(d, k - 1, 1).contiguous();
  const values = x.gather(d, idx);
  return keepdim ? { values, indices: idx } : { values: values.squeeze(d), indices: idx.squeeze(d) };
}
