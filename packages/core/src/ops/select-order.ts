/**
 * The orderings PyTorch 1.13's CPU kernels produce where equal values make the result depend on the
 * algorithm: sort without `stable` (std::sort: introsort), topk (std::nth_element then std::sort of the
 * first k − 1, or std::partial_sort when k · 64 ≤ n), kthvalue (ATen's quick_select_template). These are
 * ports of libstdc++'s (GCC 12) introsort, introselect and heap routines and of ATen's quickselect over a
 * pair of arrays (value, index), so that the indices returned for ties are PyTorch's, not just some valid
 * order. The stable sort stays the merge sort of sort.ts (std::stable_sort orders ties by index too).
 */

/** A strict weak order on values; NaN is the largest value (ascending) or the smallest (descending). */
export type Less = (a: number, b: number) => boolean;
/** PyTorch's ascending comparator: NaN after every number. */
export const nanLast: Less = (a, b) => (a === a && b !== b) || a < b;
/** PyTorch's descending comparator (and topk's largest): NaN before every number. */
export const nanFirst: Less = (a, b) => (a !== a && b === b) || a > b;

const THRESHOLD = 16;
/** floor(log2(n)) for n ≥ 1 (std::__lg). */
const lg = (n: number): number => 31 - Math.clz32(n);

/** A line of (value, index) pairs sorted in place by the libstdc++ algorithms. */
export class Pairs {
  constructor(readonly v: Float64Array, readonly ix: Int32Array, private readonly lt: Less) {}

  private swap(a: number, b: number): void {
    const { v, ix } = this;
    const tv = v[a]; v[a] = v[b]; v[b] = tv;
    const ti = ix[a]; ix[a] = ix[b]; ix[b] = ti;
  }

  private moveMedianToFirst(result: number, a: number, b: number, c: number): void {
    const { v, lt } = this;
    if (lt(v[a], v[b])) {
      if (lt(v[b], v[c])) this.swap(result, b);
      else if (lt(v[a], v[c])) this.swap(result, c);
      else this.swap(result, a);
    } else if (lt(v[a], v[c])) this.swap(result, a);
    else if (lt(v[b], v[c])) this.swap(result, c);
    else this.swap(result, b);
  }

  private unguardedPartition(first: number, last: number, pivot: number): number {
    const { v, lt } = this;
    for (;;) {
      while (lt(v[first], v[pivot])) first++;
      last--;
      while (lt(v[pivot], v[last])) last--;
      if (!(first < last)) return first;
      this.swap(first, last);
      first++;
    }
  }

  private partitionPivot(first: number, last: number): number {
    const mid = first + ((last - first) >> 1);
    this.moveMedianToFirst(first, first + 1, mid, last - 1);
    return this.unguardedPartition(first + 1, last, first);
  }

  private unguardedLinearInsert(last: number): void {
    const { v, ix, lt } = this;
    const val = v[last], vi = ix[last];
    let next = last - 1;
    while (lt(val, v[next])) {
      v[last] = v[next]; ix[last] = ix[next];
      last = next;
      next--;
    }
    v[last] = val; ix[last] = vi;
  }

  private insertionSort(first: number, last: number): void {
    if (first === last) return;
    const { v, ix, lt } = this;
    for (let i = first + 1; i !== last; i++) {
      if (lt(v[i], v[first])) {
        const val = v[i], vi = ix[i];
        v.copyWithin(first + 1, first, i); ix.copyWithin(first + 1, first, i);
        v[first] = val; ix[first] = vi;
      } else this.unguardedLinearInsert(i);
    }
  }

  private finalInsertionSort(first: number, last: number): void {
    if (last - first > THRESHOLD) {
      this.insertionSort(first, first + THRESHOLD);
      for (let i = first + THRESHOLD; i !== last; i++) this.unguardedLinearInsert(i);
    } else this.insertionSort(first, last);
  }

  private pushHeap(first: number, hole: number, top: number, val: number, vi: number): void {
    const { v, ix, lt } = this;
    let parent = ((hole - 1) / 2) | 0;
    while (hole > top && lt(v[first + parent], val)) {
      v[first + hole] = v[first + parent]; ix[first + hole] = ix[first + parent];
      hole = parent;
      parent = ((hole - 1) / 2) | 0;
    }
    v[first + hole] = val; ix[first + hole] = vi;
  }

  private adjustHeap(first: number, hole: number, len: number, val: number, vi: number): void {
    const { v, ix, lt } = this;
    const top = hole;
    let second = hole;
    while (second < (((len - 1) / 2) | 0)) {
      second = 2 * (second + 1);
      if (lt(v[first + second], v[first + second - 1])) second--;
      v[first + hole] = v[first + second]; ix[first + hole] = ix[first + second];
      hole = second;
    }
    if ((len & 1) === 0 && second === (((len - 2) / 2) | 0)) {
      second = 2 * (second + 1);
      v[first + hole] = v[first + second - 1]; ix[first + hole] = ix[first + second - 1];
      hole = second - 1;
    }
    this.pushHeap(first, hole, top, val, vi);
  }

  private popHeap(first: number, last: number, result: number): void {
    const { v, ix } = this;
    const val = v[result], vi = ix[result];
    v[result] = v[first]; ix[result] = ix[first];
    this.adjustHeap(first, 0, last - first, val, vi);
  }

  private heapSelect(first: number, middle: number, last: number): void {
    const { v, ix, lt } = this;
    const len = middle - first;
    if (len >= 2) {
      for (let parent = ((len - 2) / 2) | 0; ; parent--) {
        this.adjustHeap(first, parent, len, v[first + parent], ix[first + parent]);
        if (parent === 0) break;
      }
    }
    for (let i = middle; i < last; i++) if (lt(v[i], v[first])) this.popHeap(first, middle, i);
  }

  private sortHeap(first: number, last: number): void {
    while (last - first > 1) {
      last--;
      this.popHeap(first, last, last);
    }
  }

  /** std::partial_sort(first, middle, last). */
  partialSort(first: number, middle: number, last: number): void {
    this.heapSelect(first, middle, last);
    this.sortHeap(first, middle);
  }

  private introsortLoop(first: number, last: number, depth: number): void {
    while (last - first > THRESHOLD) {
      if (depth === 0) { this.partialSort(first, last, last); return; }
      depth--;
      const cut = this.partitionPivot(first, last);
      this.introsortLoop(cut, last, depth);
      last = cut;
    }
  }

  /** std::sort(first, last). */
  sort(first: number, last: number): void {
    if (first === last) return;
    this.introsortLoop(first, last, lg(last - first) * 2);
    this.finalInsertionSort(first, last);
  }

  /** std::nth_element(first, nth, last). */
  nthElement(first: number, nth: number, last: number): void {
    if (first === last || nth === last) return;
    let depth = lg(last - first) * 2;
    while (last - first > 3) {
      if (depth === 0) {
        this.heapSelect(first, nth + 1, last);
        this.swap(first, nth);
        return;
      }
      depth--;
      const cut = this.partitionPivot(first, last);
      if (cut <= nth) first = cut;
      else last = cut;
    }
    this.insertionSort(first, last);
  }

  /**
   * ATen's quick_select_template (kthvalue): moves the k-th (from 0) element under `gt` ("greater, NaN
   * greatest") to position k of [0, n).
   */
  quickSelect(k: number, n: number): void {
    const { v } = this;
    const gt = (a: number, b: number): boolean => (a !== a && b === b) || a > b;
    let L = 0, R = n - 1;
    for (;;) {
      if (R <= L) return;
      if (R === L + 1) { if (gt(v[L], v[R])) this.swap(L, R); return; }
      const P = L + ((R - L) >> 1);
      this.swap(P, L + 1);
      if (gt(v[L + 1], v[R])) this.swap(L + 1, R);
      if (gt(v[L], v[R])) this.swap(L, R);
      if (gt(v[L + 1], v[L])) this.swap(L + 1, L);
      let i = L + 1, j = R;
      const piv = v[L];
      for (;;) {
        do i++; while (gt(piv, v[i]));
        do j--; while (gt(v[j], piv));
        if (j < i) break;
        this.swap(i, j);
      }
      this.swap(L, j);
      if (j <= k) L = i;
      if (j >= k) R = j - 1;
    }
  }
}

/**
 * topk's order as PyTorch 1.13's CPU kernel (TopKImpl.h) leaves it: `pairs` holds the line (indices
 * 0..n-1); afterwards its first k entries are the result.
 */
export function topkOrder(pairs: Pairs, k: number, n: number, sorted: boolean): void {
  if (k === 0) return;
  if (k * 64 <= n) pairs.partialSort(0, k, n);
  else {
    pairs.nthElement(0, k - 1, n);
    if (sorted) pairs.sort(0, k - 1);
  }
}
